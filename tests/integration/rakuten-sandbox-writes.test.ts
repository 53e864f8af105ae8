/**
 * The sandbox's write side over real HTTP: confirmOrder (100 → 200 → 300), updateOrderShipping
 * (rows per basket, carrier codes, dates, the 20-row limit, cancelled orders), inventories/
 * bulk-upsert (limits, duplicates, range, orphans), what tests can inspect (writes, counts) and the
 * fault switches.
 */
import got, { type Response } from 'got';
import { rakutenHeaders } from '../../connectors/rakuten/auth.js';
import { SANDBOX_PEOPLE, SANDBOX_PRODUCTS } from '../../connectors/rakuten/sandbox-orders.js';
import { startRakutenSandbox, type RakutenSandbox, type RakutenSandboxOptions } from '../../connectors/rakuten/sandbox.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sandboxes: RakutenSandbox[] = [];
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

async function sandboxWith(options: RakutenSandboxOptions = {}): Promise<RakutenSandbox> {
  const s = await startRakutenSandbox(options);
  sandboxes.push(s);
  return s;
}

function post(s: RakutenSandbox, path: string, body: unknown, headers: Record<string, string> = {}, timeoutMs?: number): Promise<Response<string>> {
  return got.post(`${s.baseUrl}/${path}`, {
    headers: { ...rakutenHeaders(s.credentials), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    throwHttpErrors: false,
    retry: { limit: 0 },
    ...(timeoutMs ? { timeout: { request: timeoutMs } } : {}),
  });
}

type Msg = { messageType: string; messageCode: string; message: string; orderNumber?: string; dataNumber?: number | null; shippingDetailId?: number | null };
const messages = (res: Response<string>) => (JSON.parse(res.body) as { MessageModelList: Msg[] }).MessageModelList;
const progress = (s: RakutenSandbox, n: string) => s.orders().find((o) => o.orderNumber === n)!.orderProgress;
type Pkg = { basketId: number; ShippingModelList: Array<Record<string, unknown>> };
const packages = (s: RakutenSandbox, n: string) => s.orders().find((o) => o.orderNumber === n)!.PackageModelList as Pkg[];
const confirm = (s: RakutenSandbox, list: unknown) => post(s, 'es/2.0/order/confirmOrder/', { orderNumberList: list });
const ship = (s: RakutenSandbox, orderNumber: string, baskets: Array<{ basketId: number; ShippingModelList: unknown[] }>) =>
  post(s, 'es/2.0/order/updateOrderShipping/', { orderNumber, BasketidModelList: baskets });
const upsert = (s: RakutenSandbox, inventories: unknown[], headers: Record<string, string> = {}) => post(s, 'es/2.0/inventories/bulk-upsert', { inventories }, headers);
const row = (n: string, extra: Record<string, unknown> = {}) => ({ deliveryCompany: '1000', shippingNumber: n, shippingDate: '2026-03-03', ...extra });
const C = 'ORDER_EXT_API_CONFIRM_ORDER_';
const S = 'ORDER_EXT_API_UPDATE_ORDERSHIPPING_';

describe('confirmOrder', () => {
  test('100 → 200 at once, recorded; 300 on the next order call once the processing time has passed (lazily)', async () => {
    let now = new Date();
    const s = await sandboxWith({ now: () => now, confirmProcessingMs: 10 * 60_000 });
    const r9 = s.scenario.R9;
    const res = await confirm(s, [r9]);
    expect(messages(res)).toEqual([{ messageType: 'INFO', messageCode: `${C}INFO_101`, message: '注文確認に成功しました。', orderNumber: r9 }]);
    expect(progress(s, r9)).toBe(200);
    expect(s.writes.confirmations).toEqual([{ orderNumber: r9, at: now, requestSeq: s.requests.at(-1)!.seq }]);

    await post(s, 'es/2.0/order/getOrder/', { orderNumberList: [r9], version: 10 });
    expect(progress(s, r9)).toBe(200); // Rakuten still processing (楽天処理中)
    now = new Date(now.getTime() + 11 * 60_000);
    expect(progress(s, r9)).toBe(200); // nothing moves until a request arrives
    const read = await post(s, 'es/2.0/order/getOrder/', { orderNumberList: [r9], version: 10 });
    expect(JSON.parse(read.body).OrderModelList[0]).toMatchObject({ orderProgress: 300, orderFixDatetime: expect.stringMatching(/\+0900$/) });
  });

  test('settleConfirmations moves every API-confirmed order in 200 to 300 at once', async () => {
    const s = await sandboxWith({ confirmProcessingMs: DAY });
    await confirm(s, [s.scenario.R9]);
    expect(progress(s, s.scenario.R9)).toBe(200);
    s.settleConfirmations();
    expect(progress(s, s.scenario.R9)).toBe(300);
  });

  test('already moved → ERROR_103; cancelled (800/900) → ERROR_102; unknown → the sandbox\'s own code; one entry per distinct order', async () => {
    const s = await sandboxWith();
    s.setOrderProgress(s.scenario.R2, 800);
    const res = await confirm(s, [s.scenario.R1, s.scenario.R10, s.scenario.R2, '387654-20250101-0000000001', s.scenario.R1]);
    expect(res.statusCode).toBe(200);
    expect(messages(res).map((m) => [m.orderNumber, m.messageType, m.messageCode])).toEqual([
      [s.scenario.R1, 'ERROR', `${C}ERROR_103`],
      [s.scenario.R10, 'ERROR', `${C}ERROR_102`],
      [s.scenario.R2, 'ERROR', `${C}ERROR_102`],
      ['387654-20250101-0000000001', 'ERROR', `${C}ERROR_901`],
    ]);
    expect(s.writes.confirmations).toEqual([]);
  });

  test('request errors: missing → 009, empty → 010, not strings or more than 100 → 011; all 400', async () => {
    const s = await sandboxWith();
    const codes = async (body: unknown) => {
      const res = await post(s, 'es/2.0/order/confirmOrder/', body);
      return [res.statusCode, messages(res)[0]!.messageCode];
    };
    expect(await codes({})).toEqual([400, `${C}ERROR_009`]);
    expect(await codes({ orderNumberList: [] })).toEqual([400, `${C}ERROR_010`]);
    expect(await codes({ orderNumberList: [1] })).toEqual([400, `${C}ERROR_011`]);
    expect(await codes({ orderNumberList: Array.from({ length: 101 }, (_, i) => `n${i}`) })).toEqual([400, `${C}ERROR_011`]);
  });
});

describe('updateOrderShipping', () => {
  test('rows of several baskets numbered across baskets; Rakuten-issued ids; recorded; the order moves to 500 once complete', async () => {
    const s = await sandboxWith();
    const r6 = s.scenario.R6;
    const [a, b] = packages(s, r6).map((p) => p.basketId) as [number, number];
    const first = await ship(s, r6, [{ basketId: a, ShippingModelList: [row('QSP-A1'), row('QSP-A2')] }]);
    expect(messages(first).map((m) => [m.messageCode, m.dataNumber])).toEqual([
      [`${S}INFO_101`, 1],
      [`${S}INFO_101`, 2],
    ]);
    expect(progress(s, r6)).toBe(300); // basket b has no row yet
    const second = await ship(s, r6, [{ basketId: b, ShippingModelList: [row('QSP-B1')] }]);
    expect(messages(second)[0]).toMatchObject({ dataNumber: 1, messageCode: `${S}INFO_101` });
    expect(progress(s, r6)).toBe(500);
    expect(s.writes.shippingRows.map((r) => [r.basketId, r.action, r.shippingNumber])).toEqual([
      [a, 'add', 'QSP-A1'],
      [a, 'add', 'QSP-A2'],
      [b, 'add', 'QSP-B1'],
    ]);
    const ids = s.writes.shippingRows.map((r) => r.shippingDetailId);
    expect(new Set(ids).size).toBe(3);
    expect(messages(first).map((m) => m.shippingDetailId)).toEqual(ids.slice(0, 2));
  });

  test('a row typed in RMS (carrier only) keeps the order in 300; completing it by id is INFO_102; omitted fields stay, "" clears; delete is INFO_103', async () => {
    const s = await sandboxWith();
    const r1 = s.scenario.R1;
    const basket = packages(s, r1)[0]!.basketId;
    const id = s.addShippingRow(r1, basket, { deliveryCompany: '1001' });
    expect(s.received().updateOrderShipping).toBe(0);
    expect(s.writes.shippingRows[0]).toMatchObject({ shippingDetailId: id, requestSeq: null, deliveryCompany: '1001', shippingNumber: null });
    expect(progress(s, r1)).toBe(300);
    const done = await ship(s, r1, [{ basketId: basket, ShippingModelList: [{ shippingDetailId: id, shippingNumber: 'QSP1', shippingDate: '2026-03-03' }] }]);
    expect(messages(done)[0]).toMatchObject({ messageCode: `${S}INFO_102`, shippingDetailId: id, dataNumber: 1 });
    expect(packages(s, r1)[0]!.ShippingModelList).toEqual([{ shippingDetailId: id, shippingNumber: 'QSP1', deliveryCompany: '1001', deliveryCompanyName: 'ヤマト運輸', shippingDate: '2026-03-03' }]);
    expect(progress(s, r1)).toBe(500);
    await ship(s, r1, [{ basketId: basket, ShippingModelList: [{ shippingDetailId: id, shippingDate: '' }] }]);
    expect(packages(s, r1)[0]!.ShippingModelList[0]!.shippingDate).toBeNull();
    const del = await ship(s, r1, [{ basketId: basket, ShippingModelList: [{ shippingDetailId: id, shippingDeleteFlag: 1 }] }]);
    expect(messages(del)[0]!.messageCode).toBe(`${S}INFO_103`);
    expect(packages(s, r1)[0]!.ShippingModelList).toEqual([]);
  });

  test.each([
    ['a carrier code outside §4.4', { deliveryCompany: '1032' }, 'deliveryCompanyの書式が不正です。'],
    ['a carrier name instead of its code', { deliveryCompany: '佐川急便' }, 'deliveryCompanyの書式が不正です。'],
    ['a date without hyphens', { shippingDate: '20260303' }, 'shippingDateの書式が不正です。'],
    ['a date that does not exist', { shippingDate: '2026-02-30' }, 'shippingDateの書式が不正です。'],
    ['a number over 120 characters', { shippingNumber: 'x'.repeat(121) }, 'shippingNumberの書式が不正です。'],
  ])('%s: 400 ERROR_011 with dataNumber, nothing applied', async (_name, bad, text) => {
    const s = await sandboxWith();
    const basket = packages(s, s.scenario.R1)[0]!.basketId;
    const res = await ship(s, s.scenario.R1, [{ basketId: basket, ShippingModelList: [row('OK-1'), row('BAD', bad)] }]);
    expect(res.statusCode).toBe(400);
    expect(messages(res)).toEqual([{ messageType: 'ERROR', messageCode: `${S}ERROR_011`, message: text, dataNumber: 2, shippingDetailId: null }]);
    expect(packages(s, s.scenario.R1)[0]!.ShippingModelList).toEqual([]);
    expect(s.writes.shippingRows).toEqual([]);
  });

  test('every code of §4.4 (1000–1031) is accepted', async () => {
    const s = await sandboxWith();
    const basket = packages(s, s.scenario.R1)[0]!.basketId;
    const rows = Array.from({ length: 20 }, (_, i) => row(`N${i}`, { deliveryCompany: String(1000 + i) }));
    expect((await ship(s, s.scenario.R1, [{ basketId: basket, ShippingModelList: rows }])).statusCode).toBe(200);
    const basket2 = packages(s, s.scenario.R2)[0]!.basketId;
    const more = Array.from({ length: 12 }, (_, i) => row(`M${i}`, { deliveryCompany: String(1020 + i) }));
    expect((await ship(s, s.scenario.R2, [{ basketId: basket2, ShippingModelList: more }])).statusCode).toBe(200);
  });

  test('20 rows per basket: the 21st is refused (own code) with its dataNumber', async () => {
    const s = await sandboxWith();
    const basket = packages(s, s.scenario.R1)[0]!.basketId;
    for (let i = 0; i < 19; i++) s.addShippingRow(s.scenario.R1, basket, { deliveryCompany: '1000', shippingNumber: `P${i}`, shippingDate: '2026-03-01' });
    const res = await ship(s, s.scenario.R1, [{ basketId: basket, ShippingModelList: [row('A'), row('B')] }]);
    expect(res.statusCode).toBe(400);
    expect(messages(res)).toEqual([expect.objectContaining({ messageCode: `${S}ERROR_904`, dataNumber: 2 })]);
  });

  test('a cancelled order (900): 200 with ERROR_102 per row; an unknown basket or row id: 400', async () => {
    const s = await sandboxWith();
    const r10 = s.scenario.R10;
    const basket = packages(s, r10)[0]!.basketId;
    const res = await ship(s, r10, [{ basketId: basket, ShippingModelList: [row('Q1'), row('Q2')] }]);
    expect(res.statusCode).toBe(200);
    expect(messages(res).map((m) => [m.messageType, m.messageCode, m.dataNumber, m.message])).toEqual([
      ['ERROR', `${S}ERROR_102`, 1, '既にキャンセルされているため発送完了報告が出来る状態ではありません'],
      ['ERROR', `${S}ERROR_102`, 2, '既にキャンセルされているため発送完了報告が出来る状態ではありません'],
    ]);
    expect(packages(s, r10)[0]!.ShippingModelList).toEqual([]);
    const badBasket = await ship(s, s.scenario.R1, [{ basketId: 42, ShippingModelList: [row('Q')] }]);
    expect([badBasket.statusCode, messages(badBasket)[0]!.messageCode]).toEqual([400, `${S}ERROR_902`]);
    const badRow = await ship(s, s.scenario.R1, [{ basketId: packages(s, s.scenario.R1)[0]!.basketId, ShippingModelList: [{ shippingDetailId: 9, shippingNumber: 'Q' }] }]);
    expect([badRow.statusCode, messages(badRow)[0]!.messageCode]).toEqual([400, `${S}ERROR_903`]);
  });
});

describe('inventories/bulk-upsert', () => {
  const inv = (manageNumber: string, variantId: string, quantity: unknown, mode = 'ABSOLUTE') => ({ manageNumber, variantId, mode, quantity });
  const errors = (res: Response<string>) => (JSON.parse(res.body) as { errors: Array<{ code: string; metadata: { propertyPath: string } }> }).errors.map((e) => [e.code, e.metadata.propertyPath]);

  test('400 rows pass, 401 are refused with IE1101; the catalogue listings start with stock and are not orphans', async () => {
    const s = await sandboxWith();
    expect(s.inventory().find((r) => r.manageNumber === 'tea-001')).toMatchObject({ quantity: 20, orphan: false });
    const rows = Array.from({ length: 401 }, (_, i) => inv(`item-${i}`, 'v', i));
    const tooMany = await upsert(s, rows);
    expect(tooMany.statusCode).toBe(400);
    expect(errors(tooMany)).toEqual([['IE1101', 'inventories']]);
    expect((await upsert(s, rows.slice(0, 400))).statusCode).toBe(204);
    expect(s.writes.inventory).toHaveLength(400);
  });

  test('quantity outside 0–99999 → IE0117; RELATIVE on a missing row → IE0500; all or nothing', async () => {
    const s = await sandboxWith();
    const res = await upsert(s, [inv('tea-001', 'tea-001', 5), inv('hanky', 'r-sku00000021', 100_000), inv('fukubukuro', 'fukubukuro', -1), inv('nothing', 'x', 1, 'RELATIVE')]);
    expect(res.statusCode).toBe(400);
    expect(errors(res)).toEqual([
      ['IE0117', 'inventories[1].quantity'],
      ['IE0117', 'inventories[2].quantity'],
      ['IE0500', 'inventories[3]'],
    ]);
    expect(s.inventory().find((r) => r.manageNumber === 'tea-001')!.quantity).toBe(20);
    expect((await upsert(s, [inv('tea-001', 'tea-001', -5, 'RELATIVE')])).statusCode).toBe(204);
    expect(s.inventory().find((r) => r.manageNumber === 'tea-001')!.quantity).toBe(15);
  });

  test('manageNumber upper case is stored lower case (so CAP01 and cap01 are duplicates: IE1102); variantId keeps its case; over 32 bytes → IE0004', async () => {
    const s = await sandboxWith();
    const dup = await upsert(s, [inv('CAP01', 'r-sku00000002', 1), inv('cap01', 'r-sku00000002', 2)]);
    expect(errors(dup)).toEqual([['IE1102', 'inventories[1]']]);
    expect((await upsert(s, [inv('CAP01', 'r-sku00000002', 3), inv('cap01', 'R-SKU00000002', 4)])).statusCode).toBe(204);
    expect(s.writes.inventory.map((w) => [w.manageNumber, w.variantId, w.orphan])).toEqual([
      ['cap01', 'r-sku00000002', false],
      ['cap01', 'R-SKU00000002', true],
    ]);
    expect(errors(await upsert(s, [inv('a'.repeat(33), 'v', 1)]))).toEqual([['IE0004', 'inventories[0].manageNumber']]);
  });

  test('unknown keys become orphan rows that vanish 24 h after their last update (sandbox clock)', async () => {
    let now = new Date();
    const s = await sandboxWith({ now: () => now });
    expect((await upsert(s, [inv('typo-item', 'typo', 3)])).statusCode).toBe(204);
    expect(s.inventory().find((r) => r.manageNumber === 'typo-item')).toMatchObject({ orphan: true, quantity: 3 });
    now = new Date(now.getTime() + DAY + 1000);
    expect(s.inventory().find((r) => r.manageNumber === 'typo-item')).toBeUndefined();
    expect(s.inventory().find((r) => r.manageNumber === 'tea-001')).toBeDefined();
  });

  test('plain application/json is accepted by the inventory API, refused (415) by the order API', async () => {
    const s = await sandboxWith();
    expect((await upsert(s, [inv('tea-001', 'tea-001', 1)], { 'content-type': 'application/json' })).statusCode).toBe(204);
    expect((await upsert(s, [inv('tea-001', 'tea-001', 1)], { 'content-type': 'text/plain' })).statusCode).toBe(415);
    expect((await post(s, 'es/2.0/order/confirmOrder/', { orderNumberList: [s.scenario.R9] }, { 'content-type': 'application/json' })).statusCode).toBe(415);
  });
});

describe('what tests inspect, and the fault switches', () => {
  test('received() counts every request on arrival, even those refused at the gateway', async () => {
    const s = await sandboxWith();
    s.failNext(2, 503);
    await confirm(s, [s.scenario.R9]);
    await confirm(s, [s.scenario.R9]);
    await confirm(s, [s.scenario.R9]);
    expect(s.received()).toMatchObject({ confirmOrder: 3, updateOrderShipping: 0, inventoriesBulkUpsert: 0 });
    expect(s.requests.map((r) => [r.seq, r.status])).toEqual([
      [1, 503],
      [2, 503],
      [3, 200],
    ]);
    expect(s.writes.confirmations).toHaveLength(1);
  });

  test('a 500 after the write was made (the default) vs before; a malformed 200; a 429 with Retry-After', async () => {
    const s = await sandboxWith();
    s.injectFault({ kind: '500', calls: ['confirmOrder'] });
    expect((await confirm(s, [s.scenario.R9])).statusCode).toBe(500);
    expect(progress(s, s.scenario.R9)).toBe(200); // applied, answer lost
    const n = s.addOrder({ orderProgress: 100, orderedAt: new Date(Date.now() - HOUR), orderer: SANDBOX_PEOPLE.ito, packages: [{ sender: SANDBOX_PEOPLE.ito, lines: [{ product: SANDBOX_PRODUCTS.tea, units: 1 }] }] });
    s.injectFault({ kind: '500', applied: false });
    expect((await confirm(s, [n])).statusCode).toBe(500);
    expect(progress(s, n)).toBe(100);
    s.injectFault({ kind: 'malformed' });
    const garbled = await confirm(s, [n]);
    expect(garbled.statusCode).toBe(200);
    expect(() => JSON.parse(garbled.body)).toThrow();
    expect(progress(s, n)).toBe(200);
    s.injectFault({ kind: '429', retryAfterSec: 3 });
    const throttled = await upsert(s, [{ manageNumber: 'tea-001', variantId: 'tea-001', mode: 'ABSOLUTE', quantity: 1 }]);
    expect([throttled.statusCode, throttled.headers['retry-after']]).toEqual([429, '3']);
    expect(s.writes.inventory).toEqual([]);
    expect(s.faultsMet().map((f) => `${f.call}:${f.kind}`)).toEqual(['confirmOrder:500', 'confirmOrder:500', 'confirmOrder:malformed', 'inventoriesBulkUpsert:429']);
  });

  test('a slow answer comes after the client gave up; the write was made and the request counted once', async () => {
    const s = await sandboxWith();
    s.injectFault({ kind: 'slow', delayMs: 400, calls: ['updateOrderShipping'] });
    const basket = packages(s, s.scenario.R1)[0]!.basketId;
    const err = await got
      .post(`${s.baseUrl}/es/2.0/order/updateOrderShipping/`, {
        headers: rakutenHeaders(s.credentials),
        body: JSON.stringify({ orderNumber: s.scenario.R1, BasketidModelList: [{ basketId: basket, ShippingModelList: [row('SLOW-1')] }] }),
        retry: { limit: 0 },
        timeout: { request: 100 },
      })
      .catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('ETIMEDOUT');
    expect(s.writes.shippingRows.map((r) => r.shippingNumber)).toEqual(['SLOW-1']);
    expect(s.received().updateOrderShipping).toBe(1);
  });

  test('seeded random faults: the same seed meets the same faults; calls filter which requests can meet them', async () => {
    const run = async () => {
      const s = await sandboxWith({ faults: { seed: 42, probability: 0.5, faults: [{ kind: '429' }, { kind: '500', calls: ['getOrder'] }] } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await post(s, 'es/2.0/order/getOrder/', { orderNumberList: [s.scenario.R1], version: 10 })).statusCode);
      return { statuses, met: s.faultsMet() };
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a.statuses)).toEqual(new Set([200, 429, 500]));
    const s = await sandboxWith({ faults: { seed: 1, probability: 1, faults: [{ kind: '500', calls: ['confirmOrder'] }] } });
    expect((await post(s, 'es/2.0/order/getOrder/', { orderNumberList: [s.scenario.R1], version: 10 })).statusCode).toBe(200);
    s.setRandomFaults(null);
    expect((await confirm(s, [s.scenario.R9])).statusCode).toBe(200);
  });

  test('expireLicenseAfter(n): the n+1th request meets ES01-01', async () => {
    const s = await sandboxWith();
    s.expireLicenseAfter(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await confirm(s, [s.scenario.R1])).statusCode);
    expect(statuses).toEqual([200, 200, 401]);
  });
});
