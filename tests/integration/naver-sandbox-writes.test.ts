import { got, type Got } from 'got';
import { tokenRequestForm } from '../../connectors/naver/auth.js';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { toKstIsoMillis } from '../../lib/time.js';

/** The sandbox's write and product routes, its records and its faults, over real HTTP. */

const CONFIRM = 'v1/pay-order/seller/product-orders/confirm';
const DISPATCH = 'v1/pay-order/seller/product-orders/dispatch';
const TSHIRT = '9812345678';
const MUG = '9812345690';

let sandbox: NaverSandbox;
let http: Got;
let bearer: Record<string, string>;
let t: number;

type Json = Record<string, unknown> & { code?: string; data?: Record<string, unknown> };
const json = (res: { body: string }) => JSON.parse(res.body) as Json;

async function auth(): Promise<Record<string, string>> {
  const res = await http.post('v1/oauth2/token', { body: tokenRequestForm(sandbox.credentials, t - 3000).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { authorization: `Bearer ${(JSON.parse(res.body) as { access_token: string }).access_token}` };
}
const post = (path: string, body: unknown) => http.post(path, { json: body, headers: bearer });
const confirm = (ids: string[]) => post(CONFIRM, { productOrderIds: ids });
const item = (productOrderId: string, trackingNumber = '600012345678', deliveryCompanyCode = 'CJGLS') => ({
  productOrderId,
  deliveryMethod: 'DELIVERY',
  deliveryCompanyCode,
  trackingNumber,
  dispatchDate: toKstIsoMillis(new Date(t)),
});
const dispatch = (items: unknown[]) => post(DISPATCH, { dispatchProductOrders: items });
const failures = (res: { body: string }) =>
  Object.fromEntries(((json(res).data!.failProductOrderInfos ?? []) as Array<{ productOrderId: string; code: string }>).map((f) => [f.productOrderId, f.code]));
const getProduct = async (no: string) => json(await http.get(`v2/products/origin-products/${no}`, { headers: bearer }));
const options = (p: Json) => (((p.originProduct as Json).detailAttribute as Json).optionInfo as { optionCombinations: Array<Record<string, unknown>> }).optionCombinations;

beforeEach(async () => {
  t = Date.UTC(2026, 2, 4, 3, 0, 0);
  sandbox = await startNaverSandbox({ now: () => new Date(t) });
  http = got.extend({ prefixUrl: sandbox.baseUrl, throwHttpErrors: false, retry: { limit: 0 } });
  bearer = await auth();
});
afterEach(async () => {
  await sandbox.close();
});

describe('confirm (spec §4)', () => {
  test('confirms NOT_YET lines; refuses confirmed, cancelled, cancel-requested, unknown and repeated ids per item', async () => {
    const s = sandbox.scenario;
    const [n1, n2, n8, n9] = [s.N1.productOrderIds[0]!, s.N2.productOrderIds[0]!, s.N8.productOrderIds[0]!, s.N9.productOrderIds[0]!];
    const res = await confirm([n1, n2, n8, n9, '2026030499999999', n1]);
    expect(res.statusCode).toBe(200);
    expect(json(res).data!.successProductOrderInfos).toEqual([{ productOrderId: n1, isReceiverAddressChanged: false }]);
    // n1 again in the same request: 104131 (상품 주문 번호 중복).
    expect(failures(res)).toEqual({ [n2]: '104443', [n8]: '104442', [n9]: '104442', '2026030499999999': '100001', [n1]: '104131' });
    expect(sandbox.productOrders().find((p) => p.productOrder.productOrderId === n1)!.productOrder).toMatchObject({ placeOrderStatus: 'OK', placeOrderDate: toKstIsoMillis(new Date(t)) });
    expect(sandbox.writes.filter((w) => w.kind === 'confirm').map((w) => [w.productOrderId, w.ok])).toEqual([[n1, true], [n2, false], [n8, false], [n9, false], ['2026030499999999', false], [n1, false]]);
    expect(sandbox.writeRequests('confirm')).toBe(1);
    // No feed event for 발주확인 (spec §13.3).
    expect(sandbox.feedEvents().filter((e) => e.productOrderId === n1).map((e) => e.lastChangedType)).toEqual(['PAYED']);
  });

  test('reports an address change; refuses an empty list and more than 30 ids as a whole', async () => {
    const id = sandbox.scenario.N3.productOrderIds[0]!;
    sandbox.changeProductOrder(id, { lastChangedType: 'DELIVERY_ADDRESS_CHANGED', shippingAddress: { detailedAddress: '102동 303호' } });
    expect(json(await confirm([id])).data!.successProductOrderInfos).toEqual([{ productOrderId: id, isReceiverAddressChanged: true }]);
    expect((await confirm([])).statusCode).toBe(400);
    const many = await confirm(Array.from({ length: 31 }, (_, i) => `2026030400000${String(i).padStart(3, '0')}`));
    expect(many.statusCode).toBe(400);
    expect(json(many)).toMatchObject({ code: '4000', invalidInputs: [{ name: 'productOrderIds', type: 'Size' }] });
  });
});

describe('dispatch (spec §5)', () => {
  test('dispatches a confirmed line: DELIVERING with delivery, a DISPATCHED feed event, recorded', async () => {
    const id = sandbox.scenario.N2.productOrderIds[0]!; // PAYED/OK
    const res = await dispatch([item(id, 'QSP1234567890', 'QXPRESS')]);
    expect(json(res).data).toEqual({ successProductOrderIds: [id], failProductOrderInfos: [] });
    const info = sandbox.productOrders().find((p) => p.productOrder.productOrderId === id)!;
    expect(info.productOrder.productOrderStatus).toBe('DELIVERING');
    expect(info.delivery).toMatchObject({ deliveryMethod: 'DELIVERY', deliveryCompany: 'QXPRESS', trackingNumber: 'QSP1234567890', sendDate: toKstIsoMillis(new Date(t)) });
    expect(sandbox.feedEvents().filter((e) => e.productOrderId === id).map((e) => e.lastChangedType)).toEqual(['PAYED', 'DISPATCHED']);
    expect(sandbox.writes).toEqual([expect.objectContaining({ kind: 'dispatch', request: 1, productOrderId: id, trackingNumber: 'QSP1234567890', ok: true })]);
  });

  test('fails per item where Naver would, in an HTTP 200', async () => {
    const s = sandbox.scenario;
    const [n1, n2a, n2b, n7a, n7b, n8, n9] = [s.N1.productOrderIds[0], ...s.N2.productOrderIds, ...s.N7.productOrderIds, s.N8.productOrderIds[0], s.N9.productOrderIds[0]] as string[] as [string, string, string, string, string, string, string];
    await confirm([n7a, n7b]);
    await dispatch([item(n2a, '600012345678')]);
    const res = await dispatch([
      item(n2a, '600012345678'), // already dispatched with this number
      item(n2b, ''), // no number
      item(n7a, '12-34'), // not a tracking number
      item(n7b, '600099990000', 'LOTTE'), // not a Naver courier code
      item(n1, '600011112222'), // 발주 미확인
      item(n8, '600011113333'), // cancelled
      item(n9, '600011114444'), // cancel requested
      item('2026030499999999'), // unknown
    ]);
    expect(res.statusCode).toBe(200);
    expect(json(res).data!.successProductOrderIds).toEqual([]);
    expect(failures(res)).toEqual({ [n2a]: '105306', [n2b]: '104120', [n7a]: '104122', [n7b]: '104119', [n1]: '104443', [n8]: '104442', [n9]: '104442', '2026030499999999': '100001' });
    // Another number on a dispatched line is refused too (no correction through dispatch).
    expect(failures(await dispatch([item(n2a, '600012349999')]))).toEqual({ [n2a]: '104442' });
    expect(sandbox.writeRequests('dispatch')).toBe(3);
    expect(sandbox.writeRequests()).toBe(4);
  });

  test('successProductOrderInfos style, omitted items, and whole-request refusals', async () => {
    const [a, b] = sandbox.scenario.N2.productOrderIds as [string, string];
    sandbox.setDispatchSuccessStyle('infos');
    sandbox.setOmittedFromAnswers(b, true);
    const res = await dispatch([item(a), item(b, '600012345679')]);
    expect(json(res).data).toEqual({ successProductOrderInfos: [{ productOrderId: a }], failProductOrderInfos: [] });
    expect(sandbox.writes.filter((w) => w.kind === 'dispatch' && w.ok)).toHaveLength(2); // b was dispatched, just not listed
    expect((await dispatch(Array.from({ length: 31 }, () => item(a)))).statusCode).toBe(400);
    const badDate = await dispatch([{ ...item(a), dispatchDate: '2026-03-04 12:00:00' }]);
    expect(json(badDate)).toMatchObject({ code: '4000', invalidInputs: [{ name: 'dispatchProductOrders[0].dispatchDate', type: 'Pattern' }] });
  });

  test('lists the product orders of an order; an unknown order is 100003', async () => {
    const n2 = sandbox.scenario.N2;
    const res = await http.get(`v1/pay-order/seller/orders/${n2.orderId}/product-order-ids`, { headers: bearer });
    expect(json(res).data).toEqual([...n2.productOrderIds].sort());
    expect(json(await http.get('v1/pay-order/seller/orders/2026030400000000/product-order-ids', { headers: bearer }))).toMatchObject({ code: '100003' });
  });
});

describe('products (spec §6)', () => {
  test('the catalogue holds the scenario products with options, prices and an add-on', async () => {
    const p = await getProduct(TSHIRT);
    expect(p.originProduct).toMatchObject({ statusType: 'SALE', salePrice: 19000, stockQuantity: 18 });
    expect(options(p).map((o) => [o.id, o.sellerManagerCode, o.stockQuantity, o.price, o.usable])).toEqual([
      [41234567891, 'TS-BLK-M', 10, 0, true],
      [41234567892, 'TS-WHT-M', 5, 0, true],
      [41234567893, 'TS-RED-S', 0, 0, true],
      [41234567894, '', 3, 1000, true],
      [41234567895, 'TS-GRY-M', 0, 500, false],
    ]);
    expect(((await getProduct(MUG)).originProduct as Json).detailAttribute).not.toHaveProperty('optionInfo');
    expect(json(await http.get('v2/products/origin-products/1', { headers: bearer }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('option-stock: sent options take what is sent (omitted fields 0 / true), omitted options are zeroed', async () => {
    const res = await http.put(`v1/products/origin-products/${TSHIRT}/option-stock`, {
      headers: bearer,
      json: { optionInfo: { optionCombinations: [{ id: 41234567891, stockQuantity: 7 }, { id: 41234567894, stockQuantity: 2, price: 1000, usable: true }], useStockManagement: true } },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ originProductNo: Number(TSHIRT), smartstoreChannelProductNo: 9876543210 });
    const after = options(await getProduct(TSHIRT)).map((o) => [o.id, o.stockQuantity, o.price, o.usable]);
    expect(after).toEqual([
      [41234567891, 7, 0, true],
      [41234567892, 0, 0, true],
      [41234567893, 0, 0, true],
      [41234567894, 2, 1000, true],
      [41234567895, 0, 0, false],
    ]);
    const w = sandbox.writes[0]!;
    expect(w).toMatchObject({ kind: 'option-stock', request: 1, originProductNo: TSHIRT, salePriceSent: false });
    expect(w.kind === 'option-stock' && w.options.map((o) => o.sent)).toEqual([true, false, false, true, false]);
  });

  test('option-stock refuses unknown option ids, an option-less product, bad stock', async () => {
    const put = (no: string, body: unknown) => http.put(`v1/products/origin-products/${no}/option-stock`, { headers: bearer, json: body });
    const unknown = await put(TSHIRT, { optionInfo: { optionCombinations: [{ id: 1, stockQuantity: 1 }] } });
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown)).toMatchObject({ code: 'BAD_REQUEST', invalidInputs: [{ name: 'optionInfo.optionCombinations[0].id' }] });
    expect(json(await put(MUG, { optionInfo: { optionCombinations: [] } }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect((await put(TSHIRT, { optionInfo: { optionCombinations: [{ id: 41234567891, stockQuantity: 100_000_000 }] } })).statusCode).toBe(400);
    expect((await put(TSHIRT, {})).statusCode).toBe(400);
    expect(sandbox.writes).toEqual([]);
    expect(sandbox.writeRequests('option-stock')).toBe(4);
  });

  test('multi-update STOCK on products without options; STOCK_QUANTITY and option products refused whole', async () => {
    const patch = (vos: unknown[]) => http.patch('v1/products/origin-products/multi-update', { headers: bearer, json: { multiProductUpdateRequestVos: vos } });
    const ok = await patch([{ originProductNo: Number(MUG), multiUpdateTypes: ['STOCK'], stockQuantity: 0 }]);
    expect(json(ok)).toMatchObject({ code: 'SUCCESS', data: {} });
    expect((await getProduct(MUG)).originProduct).toMatchObject({ stockQuantity: 0, statusType: 'OUTOFSTOCK' });
    expect((await patch([{ originProductNo: Number(MUG), multiUpdateTypes: ['STOCK_QUANTITY'], stockQuantity: 5 }])).statusCode).toBe(400);
    const mixed = await patch([
      { originProductNo: Number(MUG), multiUpdateTypes: ['STOCK'], stockQuantity: 5 },
      { originProductNo: Number(TSHIRT), multiUpdateTypes: ['STOCK'], stockQuantity: 5 },
    ]);
    expect(json(mixed)).toMatchObject({ code: 'BAD_REQUEST', invalidInputs: [{ name: 'multiProductUpdateRequestVos[1].stockQuantity' }] });
    expect((await getProduct(MUG)).originProduct).toMatchObject({ stockQuantity: 0 }); // nothing of the refused call applied
    expect(sandbox.writes.map((w) => w.kind === 'multi-update' && [w.originProductNo, w.stockQuantity])).toEqual([[MUG, 0]]);
  });

  test('a missing 상품 API group answers GW.AUTHN on product routes only', async () => {
    sandbox.setProductApiEnabled(false);
    expect(json(await post('v1/products/search', { page: 1, size: 1 }))).toMatchObject({ code: 'GW.AUTHN' });
    expect((await confirm([sandbox.scenario.N1.productOrderIds[0]!])).statusCode).toBe(200);
    sandbox.setProductApiEnabled(true);
    expect(json(await post('v1/products/search', { page: 1, size: 2 }))).toMatchObject({ page: 1, size: 2, totalElements: 5, totalPages: 3, first: true, last: false });
  });
});

describe('faults', () => {
  const n1 = () => sandbox.scenario.N1.productOrderIds[0]!;
  const confirmed = () => sandbox.productOrders().find((p) => p.productOrder.productOrderId === n1())!.productOrder.placeOrderStatus;

  test('429 refuses before processing; 500 on a write answers after applying it', async () => {
    sandbox.addFault({ kind: '429', routes: ['confirm'] });
    const limited = await confirm([n1()]);
    expect(limited.statusCode).toBe(429);
    expect(json(limited).code).toBe('GW.RATE_LIMIT');
    expect(limited.headers['gncp-gw-ratelimit-remaining']).toBe('0');
    expect(confirmed()).toBe('NOT_YET');
    sandbox.addFault({ kind: '500', routes: 'writes' });
    const lost = await confirm([n1()]);
    expect(lost.statusCode).toBe(500);
    expect(json(lost).code).toBe('GW.INTERNAL_SERVER_ERROR');
    expect(confirmed()).toBe('OK');
    expect(sandbox.writeRequests('confirm')).toBe(2);
    expect(sandbox.writes.filter((w) => w.kind === 'confirm')).toHaveLength(1);
  });

  test('a slow answer outlives a client timeout but the write is applied and its arrival counted', async () => {
    sandbox.addFault({ kind: 'slow', routes: ['confirm'], delayMs: 1500 });
    const err = await http.post(CONFIRM, { json: { productOrderIds: [n1()] }, headers: bearer, timeout: { request: 150 } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ETIMEDOUT' });
    expect(confirmed()).toBe('OK');
    expect(sandbox.received.filter((r) => r.route === 'confirm')).toHaveLength(1);
  });

  test('a malformed body is a 200 cut in half; reads can be hit too; times and clearFaults', async () => {
    sandbox.addFault({ kind: 'malformed', routes: ['origin-product'], times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await http.get(`v2/products/origin-products/${TSHIRT}`, { headers: bearer });
      expect(res.statusCode).toBe(200);
      expect(() => JSON.parse(res.body)).toThrow();
    }
    expect((await getProduct(TSHIRT)).originProduct).toBeDefined();
    sandbox.addFault({ kind: '500', routes: 'reads', times: Infinity });
    expect((await http.get(`v2/products/origin-products/${TSHIRT}`, { headers: bearer })).statusCode).toBe(500);
    sandbox.clearFaults();
    expect((await http.get(`v2/products/origin-products/${TSHIRT}`, { headers: bearer })).statusCode).toBe(200);
  });

  test('random faults from a seed repeat exactly', async () => {
    const statuses = async (seed: number) => {
      sandbox.setRandomFaults({ seed, rates: { '429': 0.3, '500': 0.2 }, routes: ['origin-product'] });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await http.get(`v2/products/origin-products/${MUG}`, { headers: bearer })).statusCode);
      return out;
    };
    const a = await statuses(11);
    expect(await statuses(11)).toEqual(a);
    expect(a).toContain(429);
    expect(a).toContain(500);
    expect(a).toContain(200);
    sandbox.setRandomFaults(null);
  });
});
