import { naverApiError } from '../../connectors/naver/client.js';
import type { HttpAnswer } from '../../connectors/shared/http.js';

function answer(status: number, body: unknown): HttpAnswer {
  return { status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body) };
}
const gw = (code: string, message = 'm') => ({ code, message, timestamp: '2025-03-04T10:00:00.000+09:00', traceId: 't' });

describe('naverApiError (spec §2.6, §7.1, §7.2)', () => {
  test('401 GW.AUTHN is auth', () => {
    const err = naverApiError('last-changed-statuses', answer(401, gw('GW.AUTHN', '요청을 보낼 권한이 없습니다.')));
    expect(err).toMatchObject({ kind: 'auth', status: 401, code: 'GW.AUTHN', mall: 'naver', call: 'last-changed-statuses' });
  });

  test('403 GW.IP_NOT_ALLOWED is forbidden and says what to fix', () => {
    for (const tokenCall of [false, true]) {
      const err = naverApiError('token', answer(403, gw('GW.IP_NOT_ALLOWED')), tokenCall);
      expect(err.kind).toBe('forbidden');
      expect(err.message).toContain("this server's IP is not registered for the application in 커머스API센터");
    }
  });

  test('429 is rate_limited, 5xx server, 404 not_found', () => {
    expect(naverApiError('x', answer(429, gw('GW.RATE_LIMIT'))).kind).toBe('rate_limited');
    expect(naverApiError('x', answer(503, gw('GW.BLOCK.02'))).kind).toBe('server');
    expect(naverApiError('x', answer(504, '<html>gateway timeout</html>')).kind).toBe('server');
    expect(naverApiError('x', answer(404, gw('GW.NOT_FOUND'))).kind).toBe('not_found');
  });

  test('400 with a numeric order-API code is request and keeps the code', () => {
    const err = naverApiError('last-changed-statuses', answer(400, { code: 104139, message: '조회 가능한 날짜 범위를 초과했습니다.' }));
    expect(err).toMatchObject({ kind: 'request', status: 400, code: '104139' });
    expect(err.message).toContain('조회 가능한 날짜 범위를 초과했습니다.');
  });

  test('the token endpoint refusing the credentials is auth, whatever its (undocumented) code', () => {
    const err = naverApiError('token', answer(400, { code: 'BAD_REQUEST', message: 'client_secret_sign 항목이 유효하지 않습니다.' }), true);
    expect(err.kind).toBe('auth');
    expect(err.message).toMatch(/application ID or secret/);
  });

  test('a body that is not JSON still gives an error with the status', () => {
    const err = naverApiError('x', answer(400, 'oops'));
    expect(err).toMatchObject({ kind: 'request', status: 400, code: undefined, body: 'oops' });
  });
});
