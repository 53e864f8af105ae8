/**
 * The Rakuten connector's write side (ExportSink) against its sandbox over real HTTP on 127.0.0.1:
 * batches, per-item results, the read-back before updateOrderShipping, exactly-once counted from
 * the requests the sandbox received, faults, licence expiry. The sandbox runs unthrottled and the
 * retry policy waits a few ms, except in the one test that checks the real rate.
 */
import { createRakutenConnector, LICENCE_KEY_SENTENCE, licenceExpiryWarning, type RakutenTuning } from '../../connectors/rakuten/index.js';
import { SANDBOX_PEOPLE, SANDBOX_PRODUCTS } from '../../connectors/rakuten/sandbox-orders.js';
import { startRakutenSandbox, type RakutenSandbox, type RakutenSandboxOptions } from '../../connectors/rakuten/sandbox.js';
import type { RakutenCredentials } from '../../connectors/rakuten/credentials.js';
import type { ConnectorContext } from '../../connectors/shared/connector.js';
import type { StockTarget, TrackingTarget } from '../../connectors/shared/exports.js';
import { silentLogger } from '../../lib/logger.js';
import { kstDate } from '../../lib/time.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const P = 'ORDER_EXT_API_UPDATE_ORDERSHIPPING_';
const sandboxes: RakutenSandbox[] = [];
const closers: Array<() => Promise<void>> = [];

async function sandboxWith(options: RakutenSandboxOptions = {}): Promise<RakutenSandbox> {
  const s = await startRakutenSandbox(options);
  sandboxes.push(s);
  return s;
}

function connect(s: RakutenSandbox, ctx: Partial<ConnectorContext<RakutenCredentials>> = {}, tuning: RakutenTuning = {}) {
  const c = createRakutenConnector(
    {
      shop: { id: 1, mall: 'rakuten', mallShopId: s.shopId, apiBaseUrl: s.baseUrl, rateLimitPerSec: 0, autoOrderConfirm: true },
      credentials: s.credentials,
      logger: silentLogger(),
      retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
      ...ctx,
    },
    tuning,
  );
  closers.push(() => c.close());
  return c;
}

afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

/** `count` orders in 100 (waiting for confirmation), one tea each. */
function unconfirmed(s: RakutenSandbox, count: number): string[] {
  const who = SANDBOX_PEOPLE.ito;
  return Array.from({ length: count }, (_, i) =>
    s.addOrder({ orderProgress: 100, orderedAt: new Date(Date.now() - HOUR - i * 1000), orderer: who, packages: [{ sender: who, lines: [{ product: SANDBOX_PRODUCTS.tea, units: 1 }] }] }),
  );
}

type Pkg = { basketId: number; ShippingModelList: Array<{ shippingDetailId: number; shippingNumber: string | null; deliveryCompany: string | null; shippingDate: string | null }> };
const packages = (s: RakutenSandbox, n: string) => s.orders().find((o) => o.orderNumber === n)!.PackageModelList as Pkg[];
const progress = (s: RakutenSandbox, n: string) => s.orders().find((o) => o.orderNumber === n)!.orderProgress;
const bodies = <T>(s: RakutenSandbox, path: string) => s.requests.filter((r) => r.path.includes(path)).map((r) => r.body as T);
const SHIPPED = new Date('2026-03-03T02:00:00Z');
const tracking = (orderNumber: string, basketId: number, trackingNumber: string, carrierCode = '1000'): TrackingTarget => ({
  mallOrderId: orderNumber,
  mallPackageId: String(basketId),
  mallLineIds: [],
  trackingNumber,
  carrierCode,
  shippedAt: SHIPPED,
});

describe('confirm', () => {
  test('230 orders → exactly 3 confirmOrder calls (100, 100, 30); every order done and moved on from 100', async () => {
    const s = await sandboxWith();
    const numbers = unconfirmed(s, 230);
    const results = await connect(s).confirm(numbers.map((n) => ({ mallOrderId: n, mallLineIds: [] })));
    expect(results.map((r) => r.key)).toEqual(numbers);
    expect(results.every((r) => r.outcome === 'done' && r.code === 'ORDER_EXT_API_CONFIRM_ORDER_INFO_101')).toBe(true);
    expect(s.received().confirmOrder).toBe(3);
    expect(bodies<{ orderNumberList: string[] }>(s, 'confirmOrder').map((b) => b.orderNumberList.length)).toEqual([100, 100, 30]);
    expect(s.writes.confirmations.map((c) => c.orderNumber)).toEqual(numbers);
    // Rakuten moves a confirmed order 200 → 300 on its own; the sandbox does it when the next order call arrives.
    const after = new Map(s.orders().map((o) => [o.orderNumber, o.orderProgress]));
    expect(new Set(numbers.slice(0, 200).map((n) => after.get(n)))).toEqual(new Set([300]));
    expect(new Set(numbers.slice(200).map((n) => after.get(n)))).toEqual(new Set([200]));
  });

  test('per-order results: 100 → done; 300 (ERROR_103) read back → done; 900 (ERROR_102) → failed permanent; unknown → failed', async () => {
    const s = await sandboxWith();
    const { R1, R9, R10 } = s.scenario;
    const unknown = '387654-20250101-0000000001';
    const results = await connect(s).confirm([R9, R1, R10, unknown, R9].map((n) => ({ mallOrderId: n, mallLineIds: [] })));
    expect(results.map((r) => [r.key, r.outcome, r.permanent, r.code])).toEqual([
      [R9, 'done', false, 'ORDER_EXT_API_CONFIRM_ORDER_INFO_101'],
      [R1, 'done', false, 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_103'],
      [R10, 'failed', true, 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_102'],
      [unknown, 'failed', false, 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_901'],
      [R9, 'done', false, 'ORDER_EXT_API_CONFIRM_ORDER_INFO_101'],
    ]);
    expect(results[1]!.message).toContain('already confirmed');
    expect(results[2]!.message).toContain('cancelled (orderProgress 900)');
    expect(s.received().confirmOrder).toBe(1);
    expect(bodies<{ orderNumberList: string[] }>(s, 'getOrder')).toEqual([{ orderNumberList: [R1, R10], version: 10 }]);
  });

  test('a 429 is ridden out; a 500 after Rakuten confirmed is unknown and NOT resent (one request); remoteState then shows it confirmed', async () => {
    const s = await sandboxWith();
    const [a, b] = unconfirmed(s, 2) as [string, string];
    s.failNext(2, 429);
    const c = connect(s);
    expect((await c.confirm([{ mallOrderId: a, mallLineIds: [] }]))[0]!.outcome).toBe('done');
    expect(s.received().confirmOrder).toBe(3);

    s.injectFault({ kind: '500', calls: ['confirmOrder'] });
    const [lost] = await c.confirm([{ mallOrderId: b, mallLineIds: [] }]);
    expect(lost).toMatchObject({ key: b, outcome: 'unknown', permanent: false, code: 'SANDBOX_INJECTED' });
    expect(s.received().confirmOrder).toBe(4);
    const state = await c.remoteState([b, a, '387654-20250101-0000000001']);
    expect(state.get(b)).toEqual({ mallOrderId: b, confirmed: true, cancelled: false, trackingNumbers: { [String(packages(s, b)[0]!.basketId)]: [] } });
    expect(state.has('387654-20250101-0000000001')).toBe(false);
  });
});

describe('sendTracking', () => {
  test('one updateOrderShipping call per order, each carrying every basket of it; per-basket numbers; the order moves to 500', async () => {
    const s = await sandboxWith();
    const { R6, R1 } = s.scenario;
    const [a, b] = packages(s, R6).map((p) => p.basketId) as [number, number];
    const r1 = packages(s, R1)[0]!.basketId;
    const c = connect(s);
    const results = await c.sendTracking([tracking(R6, a, 'QSP-6A'), tracking(R1, r1, 'QSP-1'), tracking(R6, b, 'QSP-6B')]);
    expect(results.map((r) => [r.key, r.outcome, r.code])).toEqual([
      [`${R6}/${a}`, 'done', `${P}INFO_101`],
      [`${R1}/${r1}`, 'done', `${P}INFO_101`],
      [`${R6}/${b}`, 'done', `${P}INFO_101`],
    ]);
    const calls = bodies<{ orderNumber: string; BasketidModelList: Array<{ basketId: number; ShippingModelList: unknown[] }> }>(s, 'updateOrderShipping');
    expect(calls.map((x) => [x.orderNumber, x.BasketidModelList.map((k) => k.basketId)])).toEqual([
      [R6, [a, b]],
      [R1, [r1]],
    ]);
    expect(calls[0]!.BasketidModelList[0]!.ShippingModelList).toEqual([{ deliveryCompany: '1000', shippingNumber: 'QSP-6A', shippingDate: '2026-03-03' }]);
    expect(s.received().getOrder).toBe(1); // both orders read back in one call right before
    expect(packages(s, R6).map((p) => p.ShippingModelList.map((r) => r.shippingNumber))).toEqual([['QSP-6A'], ['QSP-6B']]);
    expect(progress(s, R6)).toBe(500);
    expect((await c.remoteState([R6])).get(R6)!.trackingNumbers).toEqual({ [a]: ['QSP-6A'], [b]: ['QSP-6B'] });
  });

  test('the same number already in a complete row: done, and no write request at all', async () => {
    const s = await sandboxWith();
    const { R1 } = s.scenario;
    const basket = packages(s, R1)[0]!.basketId;
    const id = s.addShippingRow(R1, basket, { deliveryCompany: '1000', shippingNumber: 'QSP-DONE', shippingDate: '2026-03-03' });
    const [result] = await connect(s).sendTracking([tracking(R1, basket, 'QSP-DONE')]);
    expect(result).toMatchObject({ outcome: 'done', message: expect.stringContaining(`shippingDetailId ${id}`) });
    expect(s.received().updateOrderShipping).toBe(0);
  });

  test('an incomplete row typed in RMS (carrier only) is completed by its shippingDetailId, not doubled', async () => {
    const s = await sandboxWith();
    const { R2 } = s.scenario;
    const basket = packages(s, R2)[0]!.basketId;
    const id = s.addShippingRow(R2, basket, { deliveryCompany: '1001' });
    const [result] = await connect(s).sendTracking([tracking(R2, basket, 'QSP-2')]);
    expect(result).toMatchObject({ outcome: 'done', code: `${P}INFO_102` });
    expect(packages(s, R2)[0]!.ShippingModelList).toEqual([expect.objectContaining({ shippingDetailId: id, shippingNumber: 'QSP-2', deliveryCompany: '1000', shippingDate: '2026-03-03' })]);
    expect(s.writes.shippingRows.at(-1)).toMatchObject({ action: 'update', shippingDetailId: id });
    expect(progress(s, R2)).toBe(500);
  });

  test('a cancelled order: ERROR_102 → failed, permanent; an unknown order or basket fails without a write', async () => {
    const s = await sandboxWith();
    const { R10, R1 } = s.scenario;
    const results = await connect(s).sendTracking([
      tracking(R10, packages(s, R10)[0]!.basketId, 'QSP-X'),
      tracking('387654-20250101-0000000001', 1, 'QSP-Y'),
      tracking(R1, 42, 'QSP-Z'),
    ]);
    expect(results.map((r) => [r.outcome, r.permanent, r.code])).toEqual([
      ['failed', true, `${P}ERROR_102`],
      ['failed', true, undefined],
      ['failed', true, undefined],
    ]);
    expect(results[1]!.message).toContain('ORDER_EXT_API_GET_ORDER_INFO_102');
    expect(results[2]!.message).toContain('basket 42 is not part of order');
    expect(s.received().updateOrderShipping).toBe(1);
  });

  test('a carrier code Rakuten does not know: ERROR_011 → failed, permanent', async () => {
    const s = await sandboxWith();
    const { R1 } = s.scenario;
    const [result] = await connect(s).sendTracking([tracking(R1, packages(s, R1)[0]!.basketId, 'QSP-1', 'QXPRESS')]);
    expect(result).toMatchObject({ outcome: 'failed', permanent: true, code: `${P}ERROR_011`, message: expect.stringContaining('deliveryCompany') });
  });

  test('an answer that comes too late is unknown and not resent; the next run reads the row back and sends nothing', async () => {
    const s = await sandboxWith();
    const { R1 } = s.scenario;
    const basket = packages(s, R1)[0]!.basketId;
    s.injectFault({ kind: 'slow', delayMs: 600, calls: ['updateOrderShipping'] });
    const c = connect(s, { timeoutMs: 200 });
    const [lost] = await c.sendTracking([tracking(R1, basket, 'QSP-SLOW')]);
    expect(lost).toMatchObject({ outcome: 'unknown', code: 'ETIMEDOUT' });
    expect(s.received().updateOrderShipping).toBe(1);
    expect(s.writes.shippingRows.map((r) => r.shippingNumber)).toEqual(['QSP-SLOW']);

    expect((await c.remoteState([R1])).get(R1)!.trackingNumbers[String(basket)]).toEqual(['QSP-SLOW']);
    const [again] = await c.sendTracking([tracking(R1, basket, 'QSP-SLOW')]);
    expect(again!.outcome).toBe('done');
    expect(s.received().updateOrderShipping).toBe(1);
    expect(packages(s, R1)[0]!.ShippingModelList).toHaveLength(1);
  });
});

describe('pushStock', () => {
  test('901 listings → 3 bulk-upsert calls (400, 400, 101), ABSOLUTE; quantities clamped to 99999 with a note', async () => {
    const s = await sandboxWith();
    const targets: StockTarget[] = Array.from({ length: 901 }, (_, i) => ({ listingProductId: `item-${i}`, listingOptionId: `v${i}`, quantity: i === 5 ? 250_000 : i }));
    const results = await connect(s).pushStock(targets);
    expect(results.every((r) => r.outcome === 'done')).toBe(true);
    expect(results[5]!.message).toContain('sent as 99999');
    expect(bodies<{ inventories: Array<{ mode: string }> }>(s, 'bulk-upsert').map((b) => b.inventories.length)).toEqual([400, 400, 101]);
    expect(s.received().inventoriesBulkUpsert).toBe(3);
    expect(s.writes.inventory).toHaveLength(901);
    expect(s.writes.inventory.every((w) => w.mode === 'ABSOLUTE')).toBe(true);
    expect(s.writes.inventory[5]!.quantity).toBe(99_999);
  });

  test('a row Rakuten refuses fails alone (from errors[].metadata.propertyPath); the other rows are sent again at once', async () => {
    const s = await sandboxWith();
    const long = 'x'.repeat(33);
    const results = await connect(s).pushStock([
      { listingProductId: 'tea-001', listingOptionId: 'tea-001', quantity: 7 },
      { listingProductId: long, listingOptionId: 'v', quantity: 1 },
      { listingProductId: 'hanky', listingOptionId: 'r-sku00000021', quantity: 3 },
      { listingProductId: 'cap01', listingOptionId: '', quantity: 3 },
    ]);
    expect(results.map((r) => [r.key, r.outcome, r.permanent, r.code])).toEqual([
      ['tea-001/tea-001', 'done', false, undefined],
      [`${long}/v`, 'failed', true, 'IE0004'],
      ['hanky/r-sku00000021', 'done', false, undefined],
      ['cap01/', 'failed', true, undefined],
    ]);
    expect(bodies<{ inventories: unknown[] }>(s, 'bulk-upsert').map((b) => b.inventories.length)).toEqual([3, 2]);
    expect(s.inventory().find((r) => r.manageNumber === 'tea-001')!.quantity).toBe(7);
  });

  test('a garbled answer is unknown and not resent', async () => {
    const s = await sandboxWith();
    s.injectFault({ kind: 'malformed', calls: ['inventoriesBulkUpsert'] });
    const [r] = await connect(s).pushStock([{ listingProductId: 'tea-001', listingOptionId: 'tea-001', quantity: 1 }]);
    expect(r!.outcome).toBe('unknown');
    expect(s.received().inventoriesBulkUpsert).toBe(1);
  });
});

describe('licence keys and the connection test', () => {
  test('the key expires mid-run: the batch already confirmed is done, the rest failed with the licence sentence, and nothing more is sent', async () => {
    const s = await sandboxWith();
    const numbers = unconfirmed(s, 230);
    s.expireLicenseAfter(1);
    const yesterday = kstDate(new Date(Date.now() - DAY));
    const results = await connect(s, { credentials: { ...s.credentials, licenseExpiresAt: yesterday } }).confirm(numbers.map((n) => ({ mallOrderId: n, mallLineIds: [] })));
    expect(results.slice(0, 100).every((r) => r.outcome === 'done')).toBe(true);
    const rest = results.slice(100);
    expect(rest.every((r) => r.outcome === 'failed' && !r.permanent && r.code === 'ES01-01')).toBe(true);
    expect(rest[0]!.message).toBe(`${LICENCE_KEY_SENTENCE} (the stored expiry date ${yesterday} has passed)`);
    expect(rest[99]!.message).toBe(rest[0]!.message); // the refused second batch
    expect(rest[100]!.message).toBe(`not sent: ${LICENCE_KEY_SENTENCE} (the stored expiry date ${yesterday} has passed)`);
    expect(s.received().confirmOrder).toBe(2);
  });

  test('tracking and stock stop at ES01-01 too: one refused request, every target failed', async () => {
    const s = await sandboxWith();
    s.expireLicense();
    const c = connect(s, { timeoutMs: 5000 }, { shippingReadAhead: 1, inventoryBatchSize: 1 });
    const { R1, R2 } = s.scenario;
    const t = await c.sendTracking([tracking(R1, packages(s, R1)[0]!.basketId, 'A'), tracking(R2, packages(s, R2)[0]!.basketId, 'B')]);
    expect(t.map((r) => [r.outcome, r.code])).toEqual([
      ['failed', 'ES01-01'],
      ['failed', 'ES01-01'],
    ]);
    const st = await c.pushStock([
      { listingProductId: 'tea-001', listingOptionId: 'tea-001', quantity: 1 },
      { listingProductId: 'hanky', listingOptionId: 'r-sku00000021', quantity: 1 },
    ]);
    expect(st.map((r) => r.code)).toEqual(['ES01-01', 'ES01-01']);
    expect(s.received()).toMatchObject({ getOrder: 1, updateOrderShipping: 0, inventoriesBulkUpsert: 1 });
  });

  test('testConnection warns when the stored expiry date is within 14 days or past, even while the key works', async () => {
    const now = new Date();
    const s = await sandboxWith({ now: () => now });
    const soon = kstDate(new Date(now.getTime() + 5 * DAY));
    const near = await connect(s, { now: () => now, credentials: { ...s.credentials, licenseExpiresAt: soon } }).testConnection();
    expect(near.ok).toBe(true);
    expect(near.message).toBe(`Rakuten RMS answered for shop ${s.shopId}: the key pair works. ${licenceExpiryWarning(soon, now)}`);
    expect(near.message).toContain('issue a new licence key in RMS (WEB APIサービス)');
    expect(near.message).toContain('10–30 minutes');
    const past = kstDate(new Date(now.getTime() - 2 * DAY));
    const stale = await connect(s, { now: () => now, credentials: { ...s.credentials, licenseExpiresAt: past } }).testConnection();
    expect(stale).toEqual({ ok: true, message: expect.stringContaining(`The stored Rakuten licence key expiry date ${past} has passed`) });
    const far = await connect(s, { now: () => now }).testConnection();
    expect(far.message).toBe(`Rakuten RMS answered for shop ${s.shopId}: the key pair works.`);
  });

  test('a wrong API base URL is named as such, not blamed on the keys', async () => {
    const s = await sandboxWith();
    const shop = { id: 9, mall: 'rakuten' as const, mallShopId: '387654', apiBaseUrl: `${s.baseUrl}/not-the-api`, rateLimitPerSec: 0, autoOrderConfirm: false };
    const result = await connect(s, { shop }).testConnection();
    expect(result).toEqual({ ok: false, authRefused: false, message: expect.stringMatching(/answered HTTP 404 to searchOrder: check the shop's API base URL/) });
  });

  test('a key pair of two shops is named when Rakuten refuses it', async () => {
    const s = await sandboxWith();
    const result = await connect(s, { credentials: { ...s.credentials, licenseKey: 'SL123456_someoneElse' } }).testConnection();
    expect(result.ok).toBe(false);
    expect(result.message).toContain('The serviceSecret names shop 387654 but the licenseKey names shop 123456');
  });
});

test('at the real rate: reads and writes share the shop limiter and keep to the sandbox\'s limit (no 429)', async () => {
  const s = await sandboxWith({ ratePerSec: 5 });
  const shop = { id: 7, mall: 'rakuten' as const, mallShopId: '387654', apiBaseUrl: s.baseUrl, rateLimitPerSec: 5, autoOrderConfirm: true };
  const c = connect(s, { shop, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
  const { R9, R1 } = s.scenario;
  const [confirm, track, stock] = await Promise.all([
    c.confirm([{ mallOrderId: R9, mallLineIds: [] }]),
    c.sendTracking([tracking(R1, packages(s, R1)[0]!.basketId, 'QSP-RATE')]),
    c.pushStock([{ listingProductId: 'tea-001', listingOptionId: 'tea-001', quantity: 3 }]),
  ]);
  expect([confirm[0]!.outcome, track[0]!.outcome, stock[0]!.outcome]).toEqual(['done', 'done', 'done']);
  expect(s.requests.map((r) => r.status).sort()).toEqual([200, 200, 200, 204]);
  const at = s.requests.map((r) => r.at.getTime());
  for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(160);
});
