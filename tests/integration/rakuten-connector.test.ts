/**
 * The Rakuten connector against its sandbox over real HTTP on 127.0.0.1. The sandbox runs
 * unthrottled and the retry policy waits a few ms, except in the one test that checks the real
 * rate. The 15,000-hit cap is lowered on both sides (`maxHits` / `maxHitsPerSearch`) so the
 * window split is exercised with a few hundred orders.
 */
import got from 'got';
import { rakutenHeaders } from '../../connectors/rakuten/auth.js';
import { createRakutenConnector, LICENCE_KEY_SENTENCE, type RakutenTuning } from '../../connectors/rakuten/index.js';
import { SANDBOX_PEOPLE, SANDBOX_PRODUCTS, type ScenarioLabel } from '../../connectors/rakuten/sandbox-orders.js';
import { startRakutenSandbox, type RakutenSandbox, type RakutenSandboxOptions } from '../../connectors/rakuten/sandbox.js';
import type { ConnectorContext } from '../../connectors/shared/connector.js';
import type { MallOrderLine, OrderLinePage, TimeWindow } from '../../connectors/shared/order-line.js';
import type { RakutenCredentials } from '../../connectors/rakuten/credentials.js';
import { ApiError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { toRakutenDatetime, parseOffsetTime } from '../../lib/time.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const sandboxes: RakutenSandbox[] = [];
const closers: Array<() => Promise<void>> = [];

async function sandboxWith(options: RakutenSandboxOptions = {}): Promise<RakutenSandbox> {
  const s = await startRakutenSandbox(options);
  sandboxes.push(s);
  return s;
}

function connect(sandbox: RakutenSandbox, ctx: Partial<ConnectorContext<RakutenCredentials>> = {}, tuning: RakutenTuning = {}) {
  const source = createRakutenConnector(
    {
      shop: { id: 1, mall: 'rakuten', mallShopId: sandbox.shopId, apiBaseUrl: sandbox.baseUrl, rateLimitPerSec: 0, autoOrderConfirm: false },
      credentials: sandbox.credentials,
      logger: silentLogger(),
      retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
      ...ctx,
    },
    tuning,
  );
  closers.push(() => source.close());
  return source;
}

async function pullAll(source: ReturnType<typeof connect>, window: TimeWindow, includeUnconfirmed = false): Promise<OrderLinePage[]> {
  const pages: OrderLinePage[] = [];
  for await (const page of source.pullOrderLines(window, { includeUnconfirmed })) pages.push(page);
  return pages;
}

const lastDays = (days: number, now = new Date()): TimeWindow => ({ from: new Date(now.getTime() - days * DAY), to: now });
const linesOf = (pages: OrderLinePage[]): MallOrderLine[] => pages.flatMap((p) => p.lines);

interface Recorded {
  orderNumberList?: string[];
  version?: number;
  startDatetime?: string;
  endDatetime?: string;
  PaginationRequestModel?: { requestPage: number; requestRecordsAmount: number };
}
const searches = (s: RakutenSandbox) => s.requests.filter((r) => r.path.endsWith('/searchOrder/')).map((r) => r.body as Recorded);
const getOrders = (s: RakutenSandbox) => s.requests.filter((r) => r.path.endsWith('/getOrder/')).map((r) => r.body as Recorded);

/** Order numbers the sandbox holds in 300 with an order date inside `window`. */
function expectedOrders(s: RakutenSandbox, window: TimeWindow, statuses = [300]): Set<string> {
  return new Set(
    s
      .orders()
      .filter((o) => statuses.includes(o.orderProgress))
      .filter((o) => {
        const at = parseOffsetTime(o.orderDatetime)!;
        return at >= window.from && at <= window.to;
      })
      .map((o) => o.orderNumber),
  );
}

function expectNoDuplicates(lines: MallOrderLine[]): void {
  expect(new Set(lines.map((l) => l.mallLineId)).size).toBe(lines.length);
}

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('the seeded scenario', () => {
  test('pulls exactly R1–R8 (9 lines); R9 only with includeUnconfirmed; R10 never', async () => {
    const sandbox = await sandboxWith();
    const source = connect(sandbox);
    const label = (n: string) => (Object.entries(sandbox.scenario).find(([, v]) => v === n)?.[0] ?? '?') as ScenarioLabel;

    const pages = await pullAll(source, lastDays(3));
    const lines = linesOf(pages);
    expect(pages.flatMap((p) => p.failures)).toEqual([]);
    expect(lines.map((l) => [label(l.mallOrderId), l.sellerCode, l.optionText, l.quantity, l.state])).toEqual([
      ['R1', 'TEA-001', '', 3, 'awaiting'],
      ['R2', 'CAP01bm', 'カラー:ブラック\nサイズ:M', 1, 'awaiting'],
      ['R3', 'CAP01rm', 'カラー:レッド\nサイズ:M', 1, 'awaiting'],
      ['R4', 'TOWEL-SET', '箱:ギフトボックス', 1, 'awaiting'],
      ['R5', null, 'カラー:ピンク\nサイズ:25cm', 2, 'awaiting'],
      ['R6', 'TEA-001', '', 1, 'awaiting'],
      ['R6', null, 'カラー:ピンク\nサイズ:25cm ', 1, 'awaiting'],
      ['R7', null, 'カラー:ピンク\nサイズ:２５cm', 1, 'awaiting'],
      ['R8', null, '', 1, 'awaiting'],
    ]);
    const r6 = lines.filter((l) => l.mallOrderId === sandbox.scenario.R6);
    expect(r6.map((l) => l.recipient.name)).toEqual(['佐藤 一郎', '鈴木 花子']);
    expect(new Set(r6.map((l) => l.mallPackageId)).size).toBe(2);

    const withUnconfirmed = linesOf(await pullAll(source, lastDays(3), true));
    expect(withUnconfirmed.map((l) => label(l.mallOrderId))).toContain('R9');
    expect(withUnconfirmed.find((l) => l.mallOrderId === sandbox.scenario.R9)!.state).toBe('unconfirmed');
    expect(withUnconfirmed).toHaveLength(10);
    expect(withUnconfirmed.map((l) => l.mallOrderId)).not.toContain(sandbox.scenario.R10);

    const bodies = searches(sandbox);
    expect(bodies.map((b) => (b as { orderProgressList: number[] }).orderProgressList)).toEqual([[300], [100, 200, 300]]);
    expect(bodies.every((b) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0900$/.test(b.startDatetime!) && /\+0900$/.test(b.endDatetime!))).toBe(true);
    expect(bodies.every((b) => (b as { dateType: number }).dateType === 1)).toBe(true);
  });

  test('the end is clamped to now and marked as covered; a window in the future yields nothing', async () => {
    const now = new Date();
    const sandbox = await sandboxWith({ now: () => now });
    const source = connect(sandbox, { now: () => now });
    const pages = await pullAll(source, { from: new Date(now.getTime() - 3 * DAY), to: new Date(now.getTime() + 5 * DAY) });
    expect(pages.at(-1)!.coveredUntil).toEqual(new Date(Math.floor(now.getTime() / 1000) * 1000));
    expect(searches(sandbox)[0]!.endDatetime).toBe(toRakutenDatetime(now));
    expect(await pullAll(source, { from: new Date(now.getTime() + HOUR), to: new Date(now.getTime() + DAY) })).toEqual([]);
  });

  test('a window without hits still yields an empty page that marks it covered', async () => {
    const sandbox = await sandboxWith();
    const now = new Date();
    const window = { from: new Date(now.getTime() - 30 * DAY), to: new Date(now.getTime() - 20 * DAY) };
    const pages = await pullAll(connect(sandbox), window);
    expect(pages).toEqual([{ lines: [], failures: [], coveredUntil: new Date(Math.floor(window.to.getTime() / 1000) * 1000) }]);
  });
});

describe('volume: paging, windows, batches, the hit cap', () => {
  test('several pages in several 63-day windows: nothing lost, nothing doubled, covered in order', async () => {
    const now = new Date();
    const sandbox = await sandboxWith({ extraOrders: 400, extraSpanDays: 150, seed: 7, now: () => now });
    const window = lastDays(150, now);
    const pages = await pullAll(connect(sandbox, { now: () => now }, { pageSize: 50 }), window);
    const lines = linesOf(pages);
    expectNoDuplicates(lines);
    expect(new Set(lines.map((l) => l.mallOrderId))).toEqual(expectedOrders(sandbox, window));
    expect(pages.flatMap((p) => p.failures)).toEqual([]);

    const bodies = searches(sandbox);
    const windows = new Set(bodies.map((b) => `${b.startDatetime}..${b.endDatetime}`));
    expect(windows.size).toBe(3);
    for (const b of bodies) expect(parseOffsetTime(b.endDatetime!)!.getTime() - parseOffsetTime(b.startDatetime!)!.getTime()).toBeLessThanOrEqual(63 * DAY);
    expect(Math.max(...bodies.map((b) => b.PaginationRequestModel!.requestPage))).toBeGreaterThanOrEqual(3);
    expect(bodies.every((b) => b.PaginationRequestModel!.requestRecordsAmount === 50)).toBe(true);

    const covered = pages.filter((p) => p.coveredUntil).map((p) => p.coveredUntil!.getTime());
    expect(covered).toHaveLength(3);
    expect([...covered].sort((a, b) => a - b)).toEqual(covered);
    expect(covered.at(-1)).toBe(Math.floor(now.getTime() / 1000) * 1000);
  });

  test('getOrder goes in batches of at most 100, version 10, each order asked once; one page per batch', async () => {
    const sandbox = await sandboxWith({ extraOrders: 250, seed: 3 });
    const pages = await pullAll(connect(sandbox), lastDays(3));
    const calls = getOrders(sandbox);
    const asked = calls.flatMap((c) => c.orderNumberList!);
    expect(calls.length).toBe(3);
    expect(calls.every((c) => c.orderNumberList!.length <= 100 && c.version === 10)).toBe(true);
    expect(asked.length).toBe(258);
    expect(new Set(asked).size).toBe(asked.length);
    expect(pages).toHaveLength(3);
    expectNoDuplicates(linesOf(pages));
  });

  test('a window past the hit cap is halved and searched again, so no order is lost (cap lowered to 60 on both sides)', async () => {
    const now = new Date();
    const sandbox = await sandboxWith({ extraOrders: 200, seed: 11, maxHits: 60, now: () => now });
    const window = lastDays(3, now);
    const expected = expectedOrders(sandbox, window);

    const pages = await pullAll(connect(sandbox, { now: () => now }, { maxHitsPerSearch: 60, pageSize: 20 }), window);
    const lines = linesOf(pages);
    expectNoDuplicates(lines);
    expect(new Set(lines.map((l) => l.mallOrderId))).toEqual(expected);
    const windows = new Set(searches(sandbox).map((b) => `${b.startDatetime}..${b.endDatetime}`));
    expect(windows.size).toBeGreaterThanOrEqual(5);

    // The same pull without knowing the cap loses the orders past it: the split is what saves them.
    const blind = linesOf(await pullAll(connect(sandbox, { now: () => now }, { pageSize: 20 }), window));
    expect(new Set(blind.map((l) => l.mallOrderId)).size).toBe(60);
  });
});

describe('record failures', () => {
  test('a malformed order and an order getOrder no longer returns are RecordFailures; the others still arrive', async () => {
    const sandbox = await sandboxWith();
    const good = sandbox.orders().find((o) => o.orderNumber === sandbox.scenario.R1)!;
    const broken = structuredClone(good) as typeof good & { PackageModelList: Array<{ ItemModelList: Array<Record<string, unknown>> }> };
    broken.orderNumber = good.orderNumber.replace(/\d{5}$/, '77777');
    broken.PackageModelList[0]!.ItemModelList[0]!.units = 'three';
    sandbox.addRawOrder(broken);
    sandbox.hideFromGetOrder(sandbox.scenario.R4);

    const pages = await pullAll(connect(sandbox), lastDays(3));
    const failures = pages.flatMap((p) => p.failures);
    expect(failures).toEqual(
      expect.arrayContaining([
        { recordId: broken.orderNumber, reason: expect.stringContaining('PackageModelList[0].ItemModelList[0].units') },
        { recordId: sandbox.scenario.R4, reason: expect.stringContaining('ORDER_EXT_API_GET_ORDER_INFO_102') },
      ]),
    );
    expect(failures).toHaveLength(2);
    const orders = new Set(linesOf(pages).map((l) => l.mallOrderId));
    expect(orders.has(sandbox.scenario.R1)).toBe(true);
    expect(orders.has(sandbox.scenario.R4)).toBe(false);
    expect(orders.size).toBe(7); // R1–R8 less R4
  });

  test('readOrders re-reads given orders: a cancellation shows as cancelled', async () => {
    const sandbox = await sandboxWith();
    sandbox.setOrderProgress(sandbox.scenario.R2, 900);
    const pages: OrderLinePage[] = [];
    for await (const p of connect(sandbox).readOrders([sandbox.scenario.R2, sandbox.scenario.R2, sandbox.scenario.R3])) pages.push(p);
    expect(linesOf(pages).map((l) => [l.mallOrderId, l.state])).toEqual([
      [sandbox.scenario.R2, 'cancelled'],
      [sandbox.scenario.R3, 'awaiting'],
    ]);
    expect(getOrders(sandbox)[0]!.orderNumberList).toHaveLength(2);
  });

  test('orders added later (addRandomOrders) are pulled on the next run; the sandbox clock can move', async () => {
    const sandbox = await sandboxWith();
    const added = sandbox.addRandomOrders(5, { seed: 9 });
    expect(new Set(added).size).toBe(5);
    const lines = linesOf(await pullAll(connect(sandbox), lastDays(3)));
    expect(new Set(lines.map((l) => l.mallOrderId)).size).toBe(8 + 5);
    const later = new Date(sandbox.now().getTime() + 800 * DAY);
    sandbox.setNow(later);
    expect(sandbox.now()).toEqual(later);
  });

  test('a social-gift order waiting for its address comes in as pending', async () => {
    const sandbox = await sandboxWith();
    sandbox.addOrder({
      orderProgress: 300,
      orderedAt: new Date(Date.now() - HOUR),
      orderer: SANDBOX_PEOPLE.yamada,
      packages: [{ sender: SANDBOX_PEOPLE.yamada, lines: [{ product: SANDBOX_PRODUCTS.towel, units: 1 }], socialGift: { inputFlag: 0 } }],
    });
    const lines = linesOf(await pullAll(connect(sandbox), lastDays(3)));
    expect(lines.at(-1)).toMatchObject({ sellerCode: 'TOWEL-SET', state: 'pending' });
  });
});

describe('gateway answers', () => {
  test('415 for a Content-Type without charset, called directly; media type and charset compared, not the string', async () => {
    const sandbox = await sandboxWith();
    const body = JSON.stringify({ orderNumberList: [sandbox.scenario.R1], version: 10 });
    const call = (contentType: string | undefined) =>
      got.post(`${sandbox.baseUrl}/es/2.0/order/getOrder/`, {
        headers: { ...rakutenHeaders(sandbox.credentials), 'content-type': contentType },
        body,
        throwHttpErrors: false,
        retry: { limit: 0 },
      });
    const plain = await call('application/json');
    expect(plain.statusCode).toBe(415);
    expect(JSON.parse(plain.body)).toEqual({ Results: { errorCode: 'ES04-03', message: 'Unsupported Media Type' } });
    expect((await call('text/plain; charset=utf-8')).statusCode).toBe(415);
    expect((await call('application/json; charset=utf-8')).statusCode).toBe(200);
    expect((await call('application/json;charset=UTF-8')).statusCode).toBe(200);
    expect(sandbox.requests.map((r) => r.status)).toEqual([415, 415, 200, 200]);
  });

  test('an expired licence key: ApiError kind auth with the licence sentence, not retried; testConnection says so', async () => {
    const sandbox = await sandboxWith();
    const source = connect(sandbox);
    expect(await source.testConnection()).toEqual({ ok: true, message: expect.stringContaining('the key pair works') });
    sandbox.expireLicense();
    sandbox.requests.length = 0;
    const err = await pullAll(source, lastDays(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'auth', code: 'ES01-01', status: 401, message: LICENCE_KEY_SENTENCE });
    expect(sandbox.requests).toHaveLength(1);
    const test = await source.testConnection();
    expect(test.ok).toBe(false);
    expect(test.message).toContain('licence key invalid or expired');
    expect(test.message).toContain(`the stored expiry date ${sandbox.credentials.licenseExpiresAt} has passed`);
  });

  test('testConnection names a wrong key pair, a disabled API function, and an unreachable server', async () => {
    const sandbox = await sandboxWith();
    const wrong = connect(sandbox, { credentials: { ...sandbox.credentials, serviceSecret: 'SP387654_notTheRightOne' } });
    const bad = await wrong.testConnection();
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^Rakuten refused the key pair \(ES01-01\)/);

    sandbox.setApiFunctionEnabled(false);
    const disabled = await connect(sandbox).testConnection();
    expect(disabled.ok).toBe(false);
    expect(disabled.message).toContain('ES04-01');
    expect(disabled.message).toContain('RakutenPay_OrderAPI (全て選択)');
    sandbox.setApiFunctionEnabled(true);

    const gone = await startRakutenSandbox();
    const url = gone.baseUrl;
    await gone.close();
    const unreachable = await connect(sandbox, { shop: { id: 2, mall: 'rakuten', mallShopId: '387654', apiBaseUrl: url, rateLimitPerSec: 0, autoOrderConfirm: false } }).testConnection();
    expect(unreachable.ok).toBe(false);
    expect(unreachable.message).toMatch(/^Could not reach Rakuten at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });

  test('testConnection warns when the stored licence expiry date is near', async () => {
    const now = new Date();
    const soon = new Date(now.getTime() + 5 * DAY + 9 * HOUR).toISOString().slice(0, 10);
    const sandbox = await sandboxWith({ now: () => now, licenseExpiresAt: soon });
    const result = await connect(sandbox, { now: () => now }).testConnection();
    expect(result.ok).toBe(true);
    expect(result.message).toContain(`expires on ${soon}`);
  });
});

describe('rate limits', () => {
  test('a 429 storm (and a 503) is ridden out with nothing lost, honouring the retry policy', async () => {
    const sandbox = await sandboxWith({ extraOrders: 250, seed: 5 });
    const waits: number[] = [];
    const source = connect(sandbox, { retry: { attempts: 6, baseDelayMs: 1, maxDelayMs: 3 }, sleep: async (ms) => void waits.push(ms) });
    sandbox.failNext(4);
    const pages: OrderLinePage[] = [];
    for await (const page of source.pullOrderLines(lastDays(3), { includeUnconfirmed: false })) {
      pages.push(page);
      sandbox.failNext(pages.length === 1 ? 2 : 3, pages.length === 1 ? 503 : 429);
    }
    const lines = linesOf(pages);
    expectNoDuplicates(lines);
    expect(new Set(lines.map((l) => l.mallOrderId)).size).toBe(258);
    const refused = sandbox.requests.filter((r) => r.status === 429 || r.status === 503);
    expect(refused.length).toBe(4 + 2 + 3);
    expect(waits).toHaveLength(refused.length);
    expect(waits.every((ms) => ms <= 3)).toBe(true);
  });

  test('the shop limiter keeps to the sandbox\'s real rate: no 429, requests spaced; a burst is refused', async () => {
    const sandbox = await sandboxWith({ ratePerSec: 5 });
    const shop = { id: 3, mall: 'rakuten' as const, mallShopId: '387654', apiBaseUrl: sandbox.baseUrl, rateLimitPerSec: 5, autoOrderConfirm: false };
    const lines = linesOf(await pullAll(connect(sandbox, { shop, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }, { getOrderBatchSize: 3 }), lastDays(3)));
    expect(lines).toHaveLength(9);
    expect(sandbox.requests.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const at = sandbox.requests.map((r) => r.at.getTime());
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(160); // 200 ms apart, less the sandbox's 20 % grace

    await new Promise((r) => setTimeout(r, 250));
    const burst = await Promise.all(
      [1, 2].map(() =>
        got.post(`${sandbox.baseUrl}/es/2.0/order/getOrder/`, {
          headers: rakutenHeaders(sandbox.credentials),
          body: JSON.stringify({ orderNumberList: [sandbox.scenario.R1], version: 10 }),
          throwHttpErrors: false,
          retry: { limit: 0 },
        }),
      ),
    );
    expect(burst.map((r) => r.statusCode).sort()).toEqual([200, 429]);
    expect(burst.find((r) => r.statusCode === 429)!.headers['retry-after']).toBe('1');
  });
});
