import { naverApiError } from '../../connectors/naver/client.js';
import { explainTestFailure, refusedTokenField } from '../../connectors/naver/connection-test.js';
import type { HttpAnswer } from '../../connectors/shared/http.js';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';

/** The connection test's sentences (design.md §1, §8): one per cause, each saying what to do. */

const BASE = 'http://127.0.0.1:9/external';
const answer = (status: number, body: unknown): HttpAnswer => ({ status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body) });
const tokenRefusal = (field: string) =>
  naverApiError('token', answer(400, { code: 'BAD_REQUEST', message: `${field} 항목이 유효하지 않습니다.`, timestamp: '2026-03-04T12:00:00.000+09:00', invalidInputs: [{ name: field, type: 'Invalid', message: 'x' }] }), true);

describe('the token call', () => {
  test('404 GW.NOT_FOUND is a wrong base URL, not refused credentials', () => {
    const err = naverApiError('token', answer(404, { code: 'GW.NOT_FOUND', message: '등록되지 않은 API입니다.' }), true);
    expect(err).toMatchObject({ kind: 'not_found', code: 'GW.NOT_FOUND', status: 404 });
    expect(err.message).not.toMatch(/application ID or secret/);
    const sentence = explainTestFailure(err, 'token', BASE);
    expect(sentence).toContain(`The API base URL ${BASE} does not lead to the Naver Commerce API`);
    expect(sentence).toContain('https://api.commerce.naver.com/external');
  });

  test('a refused secret, an unknown id and a stale timestamp get their own sentences', () => {
    expect(refusedTokenField(tokenRefusal('client_secret_sign').body)).toBe('client_secret_sign');
    expect(explainTestFailure(tokenRefusal('client_secret_sign'), 'token', BASE)).toMatch(/^Naver refused the application ID or secret: the secret does not match the application ID .*커머스API센터/);
    expect(explainTestFailure(tokenRefusal('client_id'), 'token', BASE)).toMatch(/^Naver refused the application ID or secret: Naver does not know this application ID/);
    expect(explainTestFailure(tokenRefusal('timestamp'), 'token', BASE)).toMatch(/clock is more than 5 minutes off .*NTP/);
    const vague = naverApiError('token', answer(400, { code: 'BAD_REQUEST', message: '잘못된 요청입니다.' }), true);
    expect(refusedTokenField(vague.body)).toBeUndefined();
    expect(explainTestFailure(vague, 'token', BASE)).toMatch(/^Naver refused the application ID or secret \(Naver: BAD_REQUEST\)\. Copy both again/);
  });

  test('an IP not registered names API호출 IP at either stage', () => {
    const err = naverApiError('token', answer(403, { code: 'GW.IP_NOT_ALLOWED', message: '호출이 허용되지 않은 IP입니다.' }), true);
    for (const stage of ['token', 'orders'] as const) expect(explainTestFailure(err, stage, BASE)).toMatch(/^This server's IP is not registered .*API호출 IP/);
  });
});

describe('the other causes', () => {
  test('API group missing at the order API names 주문 판매자', () => {
    const err = naverApiError('last-changed-statuses', answer(401, { code: 'GW.AUTHN', message: '요청을 보낼 권한이 없습니다.' }));
    expect(explainTestFailure(err, 'orders', BASE)).toMatch(/accepted, but the order API refused the token \(Naver: GW.AUTHN\): add the API group '주문 판매자'/);
  });

  test('rate limited, Naver down, unreachable, too slow, redirected, not the API', () => {
    expect(explainTestFailure(naverApiError('token', answer(429, { code: 'GW.RATE_LIMIT' }), true), 'token', BASE)).toMatch(/limiting this application's calls \(GW.RATE_LIMIT\).*try again in a minute/);
    expect(explainTestFailure(naverApiError('token', answer(503, { code: 'GW.BLOCK.02' }), true), 'token', BASE)).toMatch(/server error \(Naver: GW.BLOCK.02\); the problem is on Naver's side/);
    const refused = new ApiError({ mall: 'naver', call: 'token', kind: 'network', code: 'ECONNREFUSED', message: 'no answer' });
    expect(explainTestFailure(refused, 'token', BASE)).toBe(`The Naver Commerce API at ${BASE} could not be reached (ECONNREFUSED): check this server's network or proxy and the shop's API base URL.`);
    const slow = new ApiError({ mall: 'naver', call: 'token', kind: 'network', code: 'ETIMEDOUT', message: 'no answer' });
    expect(explainTestFailure(slow, 'token', BASE)).toMatch(/did not answer in time \(ETIMEDOUT\)/);
    expect(explainTestFailure(naverApiError('token', answer(301, ''), true), 'token', BASE)).toMatch(/does not lead to the Naver Commerce API \(it answered with a redirect, HTTP 301\)/);
    const html = new ResponseShapeError({ mall: 'naver', call: 'token', issues: [{ path: '', message: 'the body is not JSON' }] });
    expect(explainTestFailure(html, 'token', BASE)).toMatch(/does not lead to the Naver Commerce API \(its token call answered in an unexpected form/);
  });
});

describe('a base URL that may not be Naver at all', () => {
  const other = 'http://127.0.0.1:9/external';
  const hint = /may not be the Naver Commerce API/;

  test("a code-less 401 (another marketplace's sandbox) and a code-less 501 (a plain web server) add that the URL may not be Naver", () => {
    const rakuten401 = naverApiError('token', answer(401, { Results: { errorCode: 'ES01-01', message: 'Un-Authorised' } }), true);
    const refused = explainTestFailure(rakuten401, 'token', other);
    expect(refused).toMatch(/^Naver refused the application ID or secret \(HTTP 401\)/);
    expect(refused).toContain(`the shop's API base URL ${other} is not Naver's (https://api.commerce.naver.com/external): it may not be the Naver Commerce API`);
    const html501 = naverApiError('token', answer(501, '<html><body>Unsupported method</body></html>'), true);
    expect(explainTestFailure(html501, 'token', other)).toMatch(/^Naver answered with a server error \(HTTP 501\).* it may not be the Naver Commerce API/);
    const orders401 = naverApiError('last-changed-statuses', answer(401, ''));
    expect(explainTestFailure(orders401, 'orders', other)).toMatch(hint);
  });

  test('not added for the production URL, for answers carrying a Naver code, nor where the URL sentence is already given', () => {
    const codeless = naverApiError('token', answer(401, ''), true);
    expect(explainTestFailure(codeless, 'token', 'https://api.commerce.naver.com/external')).not.toMatch(hint);
    expect(explainTestFailure(codeless, 'token', 'https://api.commerce.naver.com/external/')).not.toMatch(hint);
    expect(explainTestFailure(tokenRefusal('client_secret_sign'), 'token', other)).not.toMatch(hint);
    expect(explainTestFailure(naverApiError('token', answer(503, { code: 'GW.BLOCK.02' }), true), 'token', other)).not.toMatch(hint);
    expect(explainTestFailure(naverApiError('token', answer(404, ''), true), 'token', other)).not.toMatch(hint);
    expect(explainTestFailure(naverApiError('token', answer(302, ''), true), 'token', other)).not.toMatch(hint);
    const refused = new ApiError({ mall: 'naver', call: 'token', kind: 'network', code: 'ECONNREFUSED', message: 'no answer' });
    expect(explainTestFailure(refused, 'token', other)).not.toMatch(hint);
  });
});
