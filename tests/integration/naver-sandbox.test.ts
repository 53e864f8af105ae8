import { got, type Got } from 'got';
import { clientSecretSign, tokenRequestForm } from '../../connectors/naver/auth.js';
import { NAVER_SANDBOX_APP, startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { toKstIsoMillis } from '../../lib/time.js';

/** The sandbox's own rules (spec §2.1–§2.4, §3.1–§3.2), over real HTTP. */

const FEED = 'v1/pay-order/seller/product-orders/last-changed-statuses';
const DETAIL = 'v1/pay-order/seller/product-orders/query';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const H = 3600_000;

let sandbox: NaverSandbox;
let http: Got;
let t: number;

function postToken(body: string, headers: Record<string, string> = FORM) {
  return http.post('v1/oauth2/token', { body, headers });
}
async function token(): Promise<{ access_token: string; expires_in: number }> {
  const res = await postToken(tokenRequestForm(sandbox.credentials, t - 3000).toString());
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body) as { access_token: string; expires_in: number };
}
function feed(bearer: string, params: Record<string, string>) {
  return http.get(FEED, { searchParams: new URLSearchParams(params), headers: { authorization: `Bearer ${bearer}` } });
}
const body = (res: { body: string }) => JSON.parse(res.body) as Record<string, unknown> & { code?: string; data?: unknown };

beforeEach(async () => {
  t = Date.UTC(2026, 2, 4, 3, 0, 0);
  sandbox = await startNaverSandbox({ now: () => new Date(t) });
  http = got.extend({ prefixUrl: sandbox.baseUrl, throwHttpErrors: false, retry: { limit: 0 } });
});
afterEach(async () => {
  await sandbox.close();
});

describe('token endpoint', () => {
  test('the default app is the documented sandbox app', () => {
    expect(sandbox.credentials).toEqual(NAVER_SANDBOX_APP);
    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/external$/);
  });

  test('refuses a JSON body like a missing client_id (spec §2.7)', async () => {
    const form = Object.fromEntries(tokenRequestForm(sandbox.credentials, t - 3000));
    const res = await http.post('v1/oauth2/token', { json: form });
    expect(res.statusCode).toBe(400);
    expect(body(res).message).toBe('client_id 항목이 유효하지 않습니다.');
  });

  test('refuses account_id with type SELF, a wrong signature, an unknown client_id', async () => {
    const form = tokenRequestForm(sandbox.credentials, t - 3000);
    form.set('account_id', 'ncp_2sRZTWJVbDtHPoz9OXXXX');
    expect(body(await postToken(form.toString())).message).toBe('account_id 항목이 유효하지 않습니다.');
    const wrong = tokenRequestForm({ ...sandbox.credentials, applicationSecret: '$2a$04$QKLnou1D2cSH19Pia30bcu' }, t - 3000);
    expect(body(await postToken(wrong.toString())).message).toBe('client_secret_sign 항목이 유효하지 않습니다.');
    const other = tokenRequestForm({ ...sandbox.credentials, applicationId: 'someone-else' }, t - 3000);
    expect(body(await postToken(other.toString())).message).toBe('client_id 항목이 유효하지 않습니다.');
  });

  test('the timestamp must be in ms, at most 5 minutes old and not in the future', async () => {
    const at = (ms: number) => postToken(tokenRequestForm(sandbox.credentials, ms).toString());
    expect((await at(t - 4 * 60_000)).statusCode).toBe(200);
    expect(body(await at(t - 6 * 60_000)).message).toBe('timestamp 항목이 유효하지 않습니다.');
    expect(body(await at(t + 10_000)).message).toBe('timestamp 항목이 유효하지 않습니다.');
    const seconds = Math.floor(t / 1000);
    const form = new URLSearchParams({ client_id: sandbox.credentials.applicationId, timestamp: String(seconds), grant_type: 'client_credentials', client_secret_sign: clientSecretSign(sandbox.credentials.applicationId, sandbox.credentials.applicationSecret, seconds), type: 'SELF' });
    expect((await postToken(form.toString())).statusCode).toBe(400);
  });

  test('returns the same token while ≥ 30 min remain, a new one after; the old one lives until its expiry', async () => {
    const first = await token();
    expect(first.expires_in).toBe(10_800);
    t += 2 * H;
    const again = await token();
    expect(again.access_token).toBe(first.access_token);
    expect(again.expires_in).toBe(3600);
    t += 31 * 60_000; // 29 min left
    const fresh = await token();
    expect(fresh.access_token).not.toBe(first.access_token);
    expect(fresh.expires_in).toBe(10_800);
    const probe = { lastChangedFrom: toKstIsoMillis(new Date(t - H)) };
    expect((await feed(first.access_token, probe)).statusCode).toBe(200);
    t += 30 * 60_000;
    expect((await feed(first.access_token, probe)).statusCode).toBe(401);
    expect((await feed(fresh.access_token, probe)).statusCode).toBe(200);
  });

  test('tokenTtlSec shortens the life of tokens', async () => {
    const short = await startNaverSandbox({ now: () => new Date(t), tokenTtlSec: 60 });
    try {
      const res = await got.post(`${short.baseUrl}/v1/oauth2/token`, { body: tokenRequestForm(short.credentials, t - 3000).toString(), headers: FORM });
      expect(JSON.parse(res.body).expires_in).toBe(60);
    } finally {
      await short.close();
    }
  });
});

describe('change feed', () => {
  test('lists the scenario in change order; N8 twice; an omitted lastChangedTo means +24 h', async () => {
    const { access_token } = await token();
    const res = await feed(access_token, { lastChangedFrom: toKstIsoMillis(new Date(t - 24 * H)) });
    const rows = (body(res).data as { lastChangeStatuses: Array<{ productOrderId: string; lastChangedDate: string }> }).lastChangeStatuses;
    const n = sandbox.scenario;
    const expected = [n.N4, n.N5, n.N6, n.N7, n.N8].flatMap((o) => o.productOrderIds).concat(n.N8.productOrderIds, n.N9.productOrderIds, n.N9.productOrderIds);
    expect(rows.map((r) => r.productOrderId)).toEqual(expected);
    const times = rows.map((r) => r.lastChangedDate);
    expect([...times].sort()).toEqual(times);
  });

  test('refuses a range over 24 h, an end before the start, a missing start, a `+` left unencoded', async () => {
    const { access_token } = await token();
    const from = new Date(t - 30 * H);
    const over = await feed(access_token, { lastChangedFrom: toKstIsoMillis(from), lastChangedTo: toKstIsoMillis(new Date(from.getTime() + 24 * H + 1)) });
    expect(body(over).code).toBe('104139');
    const exactly = await feed(access_token, { lastChangedFrom: toKstIsoMillis(from), lastChangedTo: toKstIsoMillis(new Date(from.getTime() + 24 * H)) });
    expect(exactly.statusCode).toBe(200);
    const backwards = await feed(access_token, { lastChangedFrom: toKstIsoMillis(from), lastChangedTo: toKstIsoMillis(new Date(from.getTime() - 1)) });
    expect(body(backwards).code).toBe('104139');
    const missing = await feed(access_token, { lastChangedTo: toKstIsoMillis(from) });
    expect(missing.statusCode).toBe(400);
    expect(body(missing).code).toBe('4000');
    const raw = await http.get(`${FEED}?lastChangedFrom=${toKstIsoMillis(from)}`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(raw.statusCode).toBe(400);
    const noMillis = await feed(access_token, { lastChangedFrom: '2026-03-03T10:00:00+09:00' });
    expect(noMillis.statusCode).toBe(400);
  });

  test('pages by limitCount with more/moreSequence and loses or repeats nothing', async () => {
    sandbox.addRandomOrders(40, { from: new Date(t - 20 * H), to: new Date(t - H) });
    const { access_token } = await token();
    const from = toKstIsoMillis(new Date(t - 23 * H));
    const to = toKstIsoMillis(new Date(t - 10_000));
    const whole = (body(await feed(access_token, { lastChangedFrom: from, lastChangedTo: to })).data as { lastChangeStatuses: unknown[] }).lastChangeStatuses;
    const paged: unknown[] = [];
    let params: Record<string, string> = { lastChangedFrom: from, lastChangedTo: to, limitCount: '7' };
    for (let i = 0; i < 100; i++) {
      const data = body(await feed(access_token, params)).data as { lastChangeStatuses: unknown[]; more?: { moreFrom: string; moreSequence: string }; count: number };
      expect(data.count).toBe(data.lastChangeStatuses.length);
      paged.push(...data.lastChangeStatuses);
      if (!data.more) break;
      params = { ...params, lastChangedFrom: data.more.moreFrom, moreSequence: data.more.moreSequence };
    }
    expect(whole.length).toBeGreaterThan(40);
    expect(paged).toEqual(whole);
  });
});

describe('product-order detail', () => {
  test('leaves unknown ids out and answers in a different order than asked', async () => {
    const { access_token } = await token();
    const ids = [...sandbox.scenario.N2.productOrderIds, '2099010199999999', ...sandbox.scenario.N7.productOrderIds];
    const res = await http.post(DETAIL, { json: { productOrderIds: ids, quantityClaimCompatibility: true }, headers: { authorization: `Bearer ${access_token}` } });
    const got = (body(res).data as Array<{ productOrder: { productOrderId: string } }>).map((x) => x.productOrder.productOrderId);
    const known = ids.filter((id) => id !== '2099010199999999');
    expect([...got].sort()).toEqual([...known].sort());
    expect(got).not.toEqual(known);
  });

  test('refuses more than 300 ids; without quantityClaimCompatibility the remain fields are absent', async () => {
    const { access_token } = await token();
    const auth = { authorization: `Bearer ${access_token}` };
    const many = Array.from({ length: 301 }, (_, i) => `20260304${String(i).padStart(8, '0')}`);
    const refused = await http.post(DETAIL, { json: { productOrderIds: many, quantityClaimCompatibility: true }, headers: auth });
    expect(refused.statusCode).toBe(400);
    expect(body(refused).code).toBe('4000');
    const plain = await http.post(DETAIL, { json: { productOrderIds: sandbox.scenario.N1.productOrderIds }, headers: auth });
    const po = (body(plain).data as Array<{ productOrder: Record<string, unknown> }>)[0]!.productOrder;
    expect(po.remainQuantity).toBeUndefined();
    expect(po.quantity).toBe(2);
  });
});

describe('test hooks', () => {
  test('records every request; setOrderApiEnabled(false) answers GW.AUTHN to valid tokens', async () => {
    const { access_token } = await token();
    sandbox.setOrderApiEnabled(false);
    const res = await feed(access_token, { lastChangedFrom: toKstIsoMillis(new Date(t - H)) });
    expect(res.statusCode).toBe(401);
    expect(body(res).code).toBe('GW.AUTHN');
    expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/external/v1/oauth2/token', 200],
      ['GET', '/external/v1/pay-order/seller/product-orders/last-changed-statuses', 401],
    ]);
    expect(sandbox.requests[1]!.query).toEqual({ lastChangedFrom: toKstIsoMillis(new Date(t - H)) });
  });

  test('changeProductOrder updates the detail and adds a feed event', async () => {
    const id = sandbox.scenario.N3.productOrderIds[0]!;
    sandbox.changeProductOrder(id, { lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'CANCEL', status: 'CANCEL_REQUEST' } });
    const info = sandbox.productOrders().find((p) => p.productOrder.productOrderId === id)!;
    expect(info.productOrder).toMatchObject({ claimType: 'CANCEL', claimStatus: 'CANCEL_REQUEST' });
    const events = sandbox.feedEvents().filter((e) => e.productOrderId === id);
    expect(events.map((e) => e.lastChangedType)).toEqual(['PAYED', 'CLAIM_REQUESTED']);
  });

  test('seeded extra orders are deterministic and dated within the last 48 h', async () => {
    const a = await startNaverSandbox({ now: () => new Date(t), extraOrders: 25, seed: 7 });
    const b = await startNaverSandbox({ now: () => new Date(t), extraOrders: 25, seed: 7 });
    try {
      expect(a.productOrders()).toEqual(b.productOrders());
      const events = a.feedEvents();
      expect(events.length).toBeGreaterThan(25 + 11);
      for (const e of events) {
        expect(e.lastChangedDate.getTime()).toBeGreaterThan(t - 48 * H);
        expect(e.lastChangedDate.getTime()).toBeLessThan(t);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});
