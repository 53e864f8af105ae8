import { got, type Got } from 'got';
import { tokenRequestForm } from '../../connectors/naver/auth.js';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { toKstIsoMillis } from '../../lib/time.js';
import { shapeDifferences, specSamples } from '../helpers/spec-samples.js';

/**
 * The sandbox's answers, over real HTTP, against the spec's sample payloads (§10): same fields,
 * same JSON types. Fields the sandbox sends beyond a sample are listed with the reason.
 */

const SPEC = 'naver-commerce-api.md';
const FEED = 'v1/pay-order/seller/product-orders/last-changed-statuses';
const DETAIL = 'v1/pay-order/seller/product-orders/query';

let sandbox: NaverSandbox;
let http: Got;
let token: string;

async function issueToken(): Promise<string> {
  const res = await http.post('v1/oauth2/token', { body: tokenRequestForm(sandbox.credentials, Date.now() - 3000).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

function feed(params: Record<string, string>, bearer: string | null = token) {
  return http.get(FEED, { searchParams: new URLSearchParams(params), headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
}

function detail(ids: string[]) {
  return http.post(DETAIL, { json: { productOrderIds: ids, quantityClaimCompatibility: true }, headers: { authorization: `Bearer ${token}` } });
}

function eventTime(productOrderId: string, type: string): Date {
  const e = sandbox.feedEvents().find((x) => x.productOrderId === productOrderId && x.lastChangedType === type);
  if (!e) throw new Error(`no ${type} event for ${productOrderId}`);
  return e.lastChangedDate;
}

beforeAll(async () => {
  sandbox = await startNaverSandbox();
  http = got.extend({ prefixUrl: sandbox.baseUrl, throwHttpErrors: false, retry: { limit: 0 } });
  token = await issueToken();
});
afterAll(async () => {
  await sandbox.close();
});

describe('§10.1 token', () => {
  test('the token answer has the sample shape', async () => {
    const res = await http.post('v1/oauth2/token', { body: tokenRequestForm(sandbox.credentials, Date.now() - 3000).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(200);
    const [sample] = specSamples(SPEC, '### 10.1');
    expect(shapeDifferences(sample, JSON.parse(res.body))).toEqual([]);
  });
});

describe('§10.2 changed statuses', () => {
  const [page1Sample, page2Sample] = specSamples(SPEC, '### 10.2');

  test('a page with more, and the next page, have the sample shapes', async () => {
    // N2's two lines were paid together: with limitCount 2 they fill page 1, and `more` points on.
    const n2 = sandbox.scenario.N2.productOrderIds[0]!;
    const from = eventTime(n2, 'PAYED');
    const to = new Date(from.getTime() + 12 * 3600_000);
    const res = await feed({ lastChangedFrom: toKstIsoMillis(from), lastChangedTo: toKstIsoMillis(to), limitCount: '2' });
    expect(res.statusCode).toBe(200);
    const page1 = JSON.parse(res.body) as { data: { lastChangeStatuses: Array<{ productOrderId: string }>; more: { moreFrom: string; moreSequence: string } } };
    expect(shapeDifferences(page1Sample, page1)).toEqual([]);
    expect(page1.data.lastChangeStatuses.map((r) => r.productOrderId)).toEqual(sandbox.scenario.N2.productOrderIds);
    expect(page1.data.more.moreSequence).toBe(sandbox.scenario.N3.productOrderIds[0]);

    const next = await feed({ lastChangedFrom: page1.data.more.moreFrom, lastChangedTo: toKstIsoMillis(to), moreSequence: page1.data.more.moreSequence, limitCount: '2' });
    const rows = (JSON.parse(next.body) as { data: { lastChangeStatuses: Array<{ productOrderId: string }> } }).data.lastChangeStatuses;
    expect(rows[0]!.productOrderId).toBe(sandbox.scenario.N3.productOrderIds[0]);
  });

  test('a last page with a claim row has the sample shape (no more)', async () => {
    const n9 = sandbox.scenario.N9.productOrderIds[0]!;
    const at = toKstIsoMillis(eventTime(n9, 'CLAIM_REQUESTED'));
    const res = await feed({ lastChangedFrom: at, lastChangedTo: at });
    expect(res.statusCode).toBe(200);
    const page = JSON.parse(res.body) as { data: { more?: unknown; count: number } };
    expect(shapeDifferences(page2Sample, page)).toEqual([]);
    expect(page.data.more).toBeUndefined();
    expect(page.data.count).toBe(1);
  });

  test('a product order that changed twice is listed twice; claim rows add only the claim fields', async () => {
    // Allowed in addition: claimType / claimStatus on claim rows (spec §3.1 lists them as optional;
    // page 1 of the sample happens to have no claim row).
    const extra = ['data.lastChangeStatuses[].claimType', 'data.lastChangeStatuses[].claimStatus'];
    const n8 = sandbox.scenario.N8.productOrderIds[0]!;
    const from = eventTime(n8, 'PAYED');
    const to = new Date(eventTime(n8, 'CLAIM_COMPLETED').getTime() + 1.5 * 3600_000);
    const res = await feed({ lastChangedFrom: toKstIsoMillis(from), lastChangedTo: toKstIsoMillis(to), limitCount: '2' });
    const page = JSON.parse(res.body) as { data: { lastChangeStatuses: Array<Record<string, unknown>> } };
    // N8 changed twice (paid, then cancelled): it is listed twice, the second row with its claim.
    expect(page.data.lastChangeStatuses.map((r) => [r.productOrderId, r.lastChangedType, r.claimStatus])).toEqual([
      [n8, 'PAYED', undefined],
      [n8, 'CLAIM_COMPLETED', 'CANCEL_DONE'],
    ]);
    expect(shapeDifferences(page1Sample, page, extra)).toEqual([]);
  });

  test('an empty window answers an empty list and count 0', async () => {
    const at = toKstIsoMillis(new Date(sandbox.now().getTime() - 50 * 3600_000));
    const res = await feed({ lastChangedFrom: at, lastChangedTo: at });
    expect(JSON.parse(res.body)).toMatchObject({ data: { lastChangeStatuses: [], count: 0 } });
  });
});

describe('§10.3 product-order detail', () => {
  const [sample] = specSamples(SPEC, '### 10.3') as [{ data: unknown[] }];

  test('an option line has exactly the sample shape', async () => {
    const res = await detail(sandbox.scenario.N1.productOrderIds);
    expect(res.statusCode).toBe(200);
    expect(shapeDifferences(sample, JSON.parse(res.body))).toEqual([]);
  });

  test('a line without option lacks only the option fields (an option-less product has none)', async () => {
    const res = await detail(sandbox.scenario.N3.productOrderIds);
    expect(shapeDifferences(sample, JSON.parse(res.body))).toEqual(
      ['productOption', 'optionCode', 'itemNo', 'optionManageCode'].map((f) => `data[].productOrder.${f}: missing`),
    );
  });

  test('a claimed line adds the claim fields and the cancel object', async () => {
    // Allowed in addition: productOrder.claimType/claimStatus/claimId and `cancel` (spec §3.5).
    const extra = ['data[].productOrder.claimType', 'data[].productOrder.claimStatus', 'data[].productOrder.claimId', 'data[].cancel'];
    const res = await detail(sandbox.scenario.N9.productOrderIds);
    expect(shapeDifferences(sample, JSON.parse(res.body), extra)).toEqual(
      ['productOption', 'optionCode', 'itemNo', 'optionManageCode'].map((f) => `data[].productOrder.${f}: missing`),
    );
  });
});

describe('§10.6 errors', () => {
  const [rateSample, authSample, ipSample, rangeSample] = specSamples(SPEC, '### 10.6');

  test('429 GW.RATE_LIMIT with the rate-limit headers', async () => {
    sandbox.setRatePerSec(1);
    try {
      const at = toKstIsoMillis(new Date(sandbox.now().getTime() - 3600_000));
      const answers = await Promise.all(Array.from({ length: 6 }, () => feed({ lastChangedFrom: at, lastChangedTo: at })));
      const limited = answers.find((a) => a.statusCode === 429)!;
      expect(limited).toBeDefined();
      expect(shapeDifferences(rateSample, JSON.parse(limited.body))).toEqual([]);
      expect(JSON.parse(limited.body).code).toBe('GW.RATE_LIMIT');
      expect(limited.headers['gncp-gw-ratelimit-remaining']).toBe('0');
      expect(limited.headers['gncp-gw-ratelimit-replenish-rate']).toBe('1');
      expect(limited.headers['gncp-gw-ratelimit-burst-capacity']).toBe('2');
    } finally {
      sandbox.setRatePerSec(0);
    }
  });

  test('401 GW.AUTHN without a token', async () => {
    const res = await feed({ lastChangedFrom: toKstIsoMillis(new Date(Date.now() - 3600_000)) }, null);
    expect(res.statusCode).toBe(401);
    expect(shapeDifferences(authSample, JSON.parse(res.body))).toEqual([]);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'GW.AUTHN', message: '요청을 보낼 권한이 없습니다.' });
  });

  test('403 GW.IP_NOT_ALLOWED, on the token endpoint too', async () => {
    sandbox.setIpAllowed(false);
    try {
      const res = await http.post('v1/oauth2/token', { body: tokenRequestForm(sandbox.credentials, Date.now() - 3000).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(res.statusCode).toBe(403);
      expect(shapeDifferences(ipSample, JSON.parse(res.body))).toEqual([]);
      expect(JSON.parse(res.body).code).toBe('GW.IP_NOT_ALLOWED');
    } finally {
      sandbox.setIpAllowed(true);
    }
  });

  test('400 104139 for a future lastChangedTo', async () => {
    const res = await feed({ lastChangedFrom: toKstIsoMillis(new Date(Date.now() - 3600_000)), lastChangedTo: toKstIsoMillis(new Date(Date.now() + 60_000)) });
    expect(res.statusCode).toBe(400);
    expect(shapeDifferences(rangeSample, JSON.parse(res.body))).toEqual([]);
    expect(JSON.parse(res.body)).toMatchObject({ code: '104139', message: '조회 가능한 날짜 범위를 초과했습니다.' });
  });

  test('every answer carries GNCP-GW-Trace-ID, the same as the body traceId', async () => {
    const ok = await feed({ lastChangedFrom: toKstIsoMillis(new Date(Date.now() - 3600_000)) });
    const refused = await feed({ lastChangedFrom: 'yesterday' });
    const missing = await http.get('v1/no-such-api', { headers: { authorization: `Bearer ${token}` } });
    for (const res of [ok, refused, missing]) {
      const id = res.headers['gncp-gw-trace-id'];
      expect(id).toMatch(/^[A-Za-z0-9]{22}\^\d+\^\d+$/);
      expect(JSON.parse(res.body).traceId).toBe(id);
    }
    expect(refused.statusCode).toBe(400);
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).code).toBe('GW.NOT_FOUND');
  });
});
