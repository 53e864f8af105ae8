import { createNaverConnector, type NaverConnector } from '../../connectors/naver/index.js';
import { simpleLine } from '../../connectors/naver/sandbox-orders.js';
import type { SandboxLineSpec, SandboxOrderRef } from '../../connectors/naver/sandbox-records.js';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import type { ConnectorContext } from '../../connectors/shared/connector.js';
import type { TrackingTarget } from '../../connectors/shared/exports.js';
import type { NaverCredentials } from '../../connectors/naver/credentials.js';
import { silentLogger } from '../../lib/logger.js';

/** The write side (confirm, tracking, remote state) against the sandbox over real HTTP on 127.0.0.1. */

const API = '/external/v1/pay-order/seller/product-orders';
const CONFIRM = `${API}/confirm`;
const DISPATCH = `${API}/dispatch`;
const QUERY = `${API}/query`;
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

let t: number;
const open: Array<{ close(): Promise<void> }> = [];
let shopIds = 0;

async function sandboxOf(): Promise<NaverSandbox> {
  const sandbox = await startNaverSandbox({ now: () => new Date(t) });
  open.push(sandbox);
  return sandbox;
}

function connectorOf(sandbox: NaverSandbox, over: Partial<ConnectorContext<NaverCredentials>> = {}): NaverConnector {
  const connector = createNaverConnector({
    shop: { id: ++shopIds, mall: 'naver', mallShopId: 'sandbox-store', apiBaseUrl: sandbox.baseUrl, rateLimitPerSec: 0, autoOrderConfirm: true },
    credentials: sandbox.credentials,
    logger: silentLogger(),
    retry: FAST_RETRY,
    now: () => new Date(t),
    timeoutMs: 5000,
    ...over,
  });
  open.push(connector);
  return connector;
}

const bodies = <T>(sandbox: NaverSandbox, path: string) => sandbox.requests.filter((r) => r.path === path).map((r) => r.body as T);
const count = (sandbox: NaverSandbox, path: string) => sandbox.requests.filter((r) => r.path === path).length;
const line = (sandbox: NaverSandbox, id: string) => sandbox.productOrders().find((p) => p.productOrder.productOrderId === id)!;

/** `orders` orders of `lines` lines each, paid within the last hours. */
function manyOrders(sandbox: NaverSandbox, orders: number, lines: number, extra: Partial<SandboxLineSpec> = {}): SandboxOrderRef[] {
  return sandbox.addProductOrders(
    Array.from({ length: orders }, (_, i) => ({
      orderedAt: new Date(t - (30 + i) * 60_000),
      buyer: { name: '김테스트', tel: '010-0000-1111' },
      recipient: { name: '이수령', tel: '010-2222-3333', zipCode: '06236', baseAddress: '서울특별시 강남구 테스트로 123', detailedAddress: `${i + 1}층` },
      lines: Array.from({ length: lines }, () => simpleLine('mug', 1, extra)),
    })),
  );
}

const parcel = (ref: SandboxOrderRef, trackingNumber: string, over: Partial<TrackingTarget> = {}): TrackingTarget => ({
  mallOrderId: ref.orderId,
  mallPackageId: '',
  mallLineIds: ref.productOrderIds,
  trackingNumber,
  carrierCode: 'QXPRESS',
  shippedAt: new Date(t - 60_000),
  ...over,
});

beforeEach(() => {
  t = Date.UTC(2026, 2, 4, 3, 0, 0);
});
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('confirm (발주확인, spec §4)', () => {
  test('65 lines of 13 orders go in 3 calls of ≤ 30, each order whole; every order done', async () => {
    const sandbox = await sandboxOf();
    const refs = manyOrders(sandbox, 13, 5);
    const results = await connectorOf(sandbox).confirm(refs.map((r) => ({ mallOrderId: r.orderId, mallLineIds: r.productOrderIds })));
    expect(results).toEqual(refs.map((r) => ({ key: r.orderId, outcome: 'done', permanent: false })));
    const sent = bodies<{ productOrderIds: string[] }>(sandbox, CONFIRM).map((b) => b.productOrderIds);
    expect(sent.map((ids) => ids.length)).toEqual([30, 30, 5]);
    for (const r of refs) expect(sent.filter((ids) => ids.includes(r.productOrderIds[0]!))[0]).toEqual(expect.arrayContaining(r.productOrderIds));
    expect(sandbox.writeRequests('confirm')).toBe(3);
    for (const r of refs) for (const id of r.productOrderIds) expect(line(sandbox, id).productOrder.placeOrderStatus).toBe('OK');
  });

  test('per item: confirmed, already confirmed (read back), cancelled, cancel requested, unknown; address change noted', async () => {
    const sandbox = await sandboxOf();
    const s = sandbox.scenario;
    sandbox.changeProductOrder(s.N3.productOrderIds[0]!, { lastChangedType: 'DELIVERY_ADDRESS_CHANGED', shippingAddress: { detailedAddress: '102동' } });
    const target = (ref: SandboxOrderRef) => ({ mallOrderId: ref.orderId, mallLineIds: ref.productOrderIds });
    const results = await connectorOf(sandbox).confirm([target(s.N1), target(s.N2), target(s.N3), target(s.N8), target(s.N9), { mallOrderId: '2026030400000001', mallLineIds: ['2026030499999999'] }]);
    expect(results[0]).toEqual({ key: s.N1.orderId, outcome: 'done', permanent: false });
    expect(results[1]).toMatchObject({ key: s.N2.orderId, outcome: 'done', code: '104443', message: expect.stringContaining('already confirmed') });
    expect(results[2]).toMatchObject({ outcome: 'done', message: expect.stringContaining('changed the delivery address') });
    expect(results[3]).toMatchObject({ outcome: 'failed', permanent: true, code: '104442' });
    expect(results[4]).toMatchObject({ outcome: 'failed', permanent: true, code: '104442' });
    expect(results[5]).toMatchObject({ outcome: 'failed', permanent: true, code: '100001' });
    expect(count(sandbox, CONFIRM)).toBe(1);
    expect(bodies<{ productOrderIds: string[] }>(sandbox, QUERY)).toEqual([{ productOrderIds: s.N2.productOrderIds, quantityClaimCompatibility: true }]);
  });

  test('a line in neither answer list is unknown', async () => {
    const sandbox = await sandboxOf();
    sandbox.setOmittedFromAnswers(sandbox.scenario.N1.productOrderIds[0]!, true);
    const [r] = await connectorOf(sandbox).confirm([{ mallOrderId: sandbox.scenario.N1.orderId, mallLineIds: sandbox.scenario.N1.productOrderIds }]);
    expect(r).toMatchObject({ outcome: 'unknown', message: expect.stringContaining('neither') });
  });

  test('a 500 after Naver applied it is unknown and not resent; remoteState then says confirmed', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    const n1 = sandbox.scenario.N1;
    sandbox.addFault({ kind: '500', routes: ['confirm'] });
    const [r] = await connector.confirm([{ mallOrderId: n1.orderId, mallLineIds: n1.productOrderIds }]);
    expect(r).toMatchObject({ outcome: 'unknown', permanent: false, code: 'GW.INTERNAL_SERVER_ERROR' });
    expect(sandbox.writeRequests('confirm')).toBe(1);
    expect(sandbox.writes.filter((w) => w.kind === 'confirm' && w.ok)).toHaveLength(1);
    expect((await connector.remoteState([n1.orderId])).get(n1.orderId)).toEqual({ mallOrderId: n1.orderId, confirmed: true, cancelled: false, trackingNumbers: { '': [] } });
  });

  test('an answer slower than the timeout is unknown: exactly one request arrived', async () => {
    t = Date.now();
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox, { timeoutMs: 200 });
    sandbox.addFault({ kind: 'slow', routes: ['confirm'], delayMs: 1500 });
    const n1 = sandbox.scenario.N1;
    const [r] = await connector.confirm([{ mallOrderId: n1.orderId, mallLineIds: n1.productOrderIds }]);
    expect(r).toMatchObject({ outcome: 'unknown', code: 'ETIMEDOUT' });
    expect(sandbox.received.filter((x) => x.route === 'confirm')).toHaveLength(1);
  });

  test('429 is retried (the gateway refused before processing); the write is applied once', async () => {
    const sandbox = await sandboxOf();
    sandbox.addFault({ kind: '429', routes: ['confirm'], times: 2 });
    const n1 = sandbox.scenario.N1;
    const [r] = await connectorOf(sandbox).confirm([{ mallOrderId: n1.orderId, mallLineIds: n1.productOrderIds }]);
    expect(r).toMatchObject({ outcome: 'done' });
    expect(sandbox.writeRequests('confirm')).toBe(3);
    expect(sandbox.writes.filter((w) => w.kind === 'confirm')).toHaveLength(1);
  });
});

describe('sendTracking (발송처리, spec §5)', () => {
  test('65 lines: one read, then 3 dispatch calls of ≤ 30; every parcel done and DELIVERING', async () => {
    const sandbox = await sandboxOf();
    const refs = manyOrders(sandbox, 13, 5, { placeOrderStatus: 'OK' });
    const results = await connectorOf(sandbox).sendTracking(refs.map((r, i) => parcel(r, `QSP${String(1_000_000_000 + i)}`)));
    expect(results).toEqual(refs.map((r) => ({ key: `${r.orderId}/`, outcome: 'done', permanent: false })));
    expect(bodies<{ dispatchProductOrders: unknown[] }>(sandbox, DISPATCH).map((b) => b.dispatchProductOrders.length)).toEqual([30, 30, 5]);
    expect(count(sandbox, QUERY)).toBe(1);
    expect(count(sandbox, CONFIRM)).toBe(0);
    expect(sandbox.writeRequests()).toBe(3);
    const first = line(sandbox, refs[0]!.productOrderIds[0]!);
    expect(first.productOrder.productOrderStatus).toBe('DELIVERING');
    expect(first.delivery).toMatchObject({ deliveryCompany: 'QXPRESS', trackingNumber: 'QSP1000000000', sendDate: '2026-03-04T11:59:00.000+09:00' });
  });

  test('a line still 발주 미확인 (NOT_YET) is confirmed first, then dispatched', async () => {
    const sandbox = await sandboxOf();
    const n1 = sandbox.scenario.N1;
    const [r] = await connectorOf(sandbox).sendTracking([parcel(n1, '600012345678', { carrierCode: 'CJGLS' })]);
    expect(r).toEqual({ key: `${n1.orderId}/`, outcome: 'done', permanent: false });
    expect(sandbox.received.filter((x) => x.route === 'confirm' || x.route === 'dispatch').map((x) => x.route)).toEqual(['confirm', 'dispatch']);
  });

  test('per-item failures: refused by Naver (sent) or known before sending (not sent)', async () => {
    const sandbox = await sandboxOf();
    const s = sandbox.scenario;
    const unknown: SandboxOrderRef = { orderId: '2026030400000001', productOrderIds: ['2026030499999999'] };
    const results = await connectorOf(sandbox).sendTracking([
      parcel(s.N2, '12-34'),
      parcel(s.N8, 'QSP1000000001'),
      parcel(s.N9, 'QSP1000000002'),
      parcel(unknown, 'QSP1000000003'),
      parcel(s.N3, '600099990000', { carrierCode: 'LOTTE' }),
      parcel(s.N4, ' '),
    ]);
    expect(results.map((r) => [r.outcome, r.permanent, r.code])).toEqual([
      ['failed', true, '104122'],
      ['failed', true, 'CANCELLED'],
      ['failed', true, 'CANCELLED'],
      ['failed', true, '100001'],
      ['failed', true, '104119'],
      ['failed', true, '104120'],
    ]);
    expect(results[4]!.message).toContain('HYUNDAI (롯데택배)');
    const sent = bodies<{ dispatchProductOrders: Array<{ productOrderId: string }> }>(sandbox, DISPATCH).flatMap((b) => b.dispatchProductOrders.map((i) => i.productOrderId));
    expect(sent.sort()).toEqual([...s.N2.productOrderIds, '2026030499999999'].sort());
    expect(count(sandbox, CONFIRM)).toBe(0);
  });

  test('already dispatched: with this number done without sending again; with another number failed, not sent', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    const n2 = sandbox.scenario.N2;
    expect((await connector.sendTracking([parcel(n2, 'QSP2000000001')]))[0]!.outcome).toBe('done');
    const again = await connector.sendTracking([parcel(n2, 'QSP2000000001')]);
    expect(again[0]).toMatchObject({ outcome: 'done', code: 'ALREADY_DISPATCHED' });
    const other = await connector.sendTracking([parcel(n2, 'QSP2000000002')]);
    expect(other[0]).toMatchObject({ outcome: 'failed', permanent: true, code: 'ALREADY_DISPATCHED', message: expect.stringContaining('QXPRESS QSP2000000001') });
    expect(sandbox.writeRequests('dispatch')).toBe(1);
  });

  test('main products go before add-ons (spec §5.1), whatever order the parcel lists them in', async () => {
    const sandbox = await sandboxOf();
    const [ref] = sandbox.addProductOrders([
      {
        orderedAt: new Date(t - 3600_000),
        buyer: { name: '박구매', tel: '010-1111-2222' },
        recipient: { name: '박구매', tel: '010-1111-2222', zipCode: '04524', baseAddress: '서울특별시 중구 세종대로 110', detailedAddress: '3층' },
        lines: [simpleLine('mug', 1, { placeOrderStatus: 'OK' }), simpleLine('socks', 1, { placeOrderStatus: 'OK', productClass: '추가구성상품' })],
      },
    ]);
    const [main, addOn] = ref!.productOrderIds as [string, string];
    const [r] = await connectorOf(sandbox).sendTracking([parcel(ref!, 'QSP3000000001', { mallLineIds: [addOn, main] })]);
    expect(r!.outcome).toBe('done');
    expect(bodies<{ dispatchProductOrders: Array<{ productOrderId: string }> }>(sandbox, DISPATCH)[0]!.dispatchProductOrders.map((i) => i.productOrderId)).toEqual([main, addOn]);
  });

  test('success read under successProductOrderInfos; a line in neither list is unknown', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    sandbox.setDispatchSuccessStyle('infos');
    const [a] = await connector.sendTracking([parcel(sandbox.scenario.N2, 'QSP4000000001')]);
    expect(a!.outcome).toBe('done');
    const [ref] = manyOrders(sandbox, 1, 2, { placeOrderStatus: 'OK' });
    sandbox.setOmittedFromAnswers(ref!.productOrderIds[1]!, true);
    const [b] = await connector.sendTracking([parcel(ref!, 'QSP4000000002')]);
    expect(b).toMatchObject({ outcome: 'unknown', message: expect.stringContaining('neither') });
    // A line that had to be confirmed first and whose confirmation is unknown is not dispatched.
    sandbox.setOmittedFromAnswers(sandbox.scenario.N7.productOrderIds[1]!, true);
    const [c] = await connector.sendTracking([parcel(sandbox.scenario.N7, 'QSP4000000003')]);
    expect(c).toMatchObject({ outcome: 'failed', permanent: false, message: expect.stringContaining('confirming it first') });
  });

  test('a lost answer (500 after applying) is unknown and not resent; the next send reads Naver and is done', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    const n2 = sandbox.scenario.N2;
    sandbox.addFault({ kind: '500', routes: ['dispatch'] });
    expect((await connector.sendTracking([parcel(n2, 'QSP5000000001')]))[0]).toMatchObject({ outcome: 'unknown', code: 'GW.INTERNAL_SERVER_ERROR' });
    expect(sandbox.writeRequests('dispatch')).toBe(1);
    expect((await connector.sendTracking([parcel(n2, 'QSP5000000001')]))[0]).toMatchObject({ outcome: 'done', code: 'ALREADY_DISPATCHED' });
    expect(sandbox.writeRequests('dispatch')).toBe(1);
    expect(sandbox.writes.filter((w) => w.kind === 'dispatch')).toHaveLength(2); // both lines, once
  });

  test('a malformed answer is unknown: one request, not resent', async () => {
    const sandbox = await sandboxOf();
    sandbox.addFault({ kind: 'malformed', routes: ['dispatch'] });
    const [r] = await connectorOf(sandbox).sendTracking([parcel(sandbox.scenario.N2, 'QSP6000000001')]);
    expect(r).toMatchObject({ outcome: 'unknown', code: 'MALFORMED_ANSWER' });
    expect(sandbox.writeRequests('dispatch')).toBe(1);
  });

  test('after a failure that stops the run, later calls are not sent', async () => {
    const sandbox = await sandboxOf();
    const refs = manyOrders(sandbox, 7, 5, { placeOrderStatus: 'OK' });
    sandbox.addFault({ kind: '500', routes: ['dispatch'] });
    const results = await connectorOf(sandbox).sendTracking(refs.map((r, i) => parcel(r, `QSP${String(7_000_000_000 + i)}`)));
    expect(results.slice(0, 6).every((r) => r.outcome === 'unknown')).toBe(true);
    expect(results[6]).toMatchObject({ outcome: 'failed', permanent: false, message: expect.stringContaining('not sent') });
    expect(sandbox.writeRequests('dispatch')).toBe(1);
  });

  test('a refusal with a state code is read back: 발주 확인 해제 (CANCEL) stays a failure to retry', async () => {
    const sandbox = await sandboxOf();
    const n3 = sandbox.scenario.N3;
    sandbox.changeProductOrder(n3.productOrderIds[0]!, { lastChangedType: 'PAYED', placeOrderStatus: 'CANCEL' });
    const [r] = await connectorOf(sandbox).sendTracking([parcel(n3, 'QSP8000000001')]);
    expect(r).toMatchObject({ outcome: 'failed', permanent: false, code: '104443' });
    expect(count(sandbox, QUERY)).toBe(2); // before sending, and the read-back
  });
});

describe('remoteState (product-orders/query)', () => {
  test('after a dispatch: confirmed, not cancelled, its tracking number; by order or by lines', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    const n2 = sandbox.scenario.N2;
    await connector.sendTracking([parcel(n2, 'QSP9000000001')]);
    const expected = { mallOrderId: n2.orderId, confirmed: true, cancelled: false, trackingNumbers: { '': ['QSP9000000001'] } };
    expect((await connector.remoteState([n2.orderId])).get(n2.orderId)).toEqual(expected);
    expect((await connector.remoteState([n2.orderId], n2.productOrderIds)).get(n2.orderId)).toEqual(expected);
    expect(count(sandbox, '/external/v1/pay-order/seller/orders/' + n2.orderId + '/product-order-ids')).toBe(1);
  });

  test('not confirmed yet, cancelled, cancel requested; unknown orders are left out', async () => {
    const sandbox = await sandboxOf();
    const s = sandbox.scenario;
    const state = await connectorOf(sandbox).remoteState([s.N1.orderId, s.N8.orderId, s.N9.orderId, '2026030400000001']);
    expect([...state.keys()].sort()).toEqual([s.N1.orderId, s.N8.orderId, s.N9.orderId].sort());
    expect(state.get(s.N1.orderId)).toMatchObject({ confirmed: false, cancelled: false });
    expect(state.get(s.N8.orderId)).toMatchObject({ confirmed: false, cancelled: true });
    expect(state.get(s.N9.orderId)).toMatchObject({ confirmed: false, cancelled: true });
  });
});
