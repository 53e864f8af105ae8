import { createNaverConnector, type NaverConnector } from '../../connectors/naver/index.js';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import type { SandboxProduct } from '../../connectors/naver/sandbox-catalog.js';
import type { ConnectorContext } from '../../connectors/shared/connector.js';
import type { NaverCredentials } from '../../connectors/naver/credentials.js';
import type { OrderLinePage } from '../../connectors/shared/order-line.js';
import { silentLogger } from '../../lib/logger.js';

/** Stock sync against the sandbox, and faults on reads ridden out, over real HTTP on 127.0.0.1. */

const TSHIRT = '9812345678';
const MUG = '9812345690';
const SOCKS = '9812345701';
const MULTI = '/external/v1/products/origin-products/multi-update';
const H = 3600_000;

let t: number;
const open: Array<{ close(): Promise<void> }> = [];

async function sandboxOf(): Promise<NaverSandbox> {
  const sandbox = await startNaverSandbox({ now: () => new Date(t) });
  open.push(sandbox);
  return sandbox;
}

function connectorOf(sandbox: NaverSandbox, over: Partial<ConnectorContext<NaverCredentials>> = {}): NaverConnector {
  const connector = createNaverConnector({
    shop: { id: 1, mall: 'naver', mallShopId: 'sandbox-store', apiBaseUrl: sandbox.baseUrl, rateLimitPerSec: 0, autoOrderConfirm: false },
    credentials: sandbox.credentials,
    logger: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    now: () => new Date(t),
    timeoutMs: 5000,
    ...over,
  });
  open.push(connector);
  return connector;
}

const product = (sandbox: NaverSandbox, no: string) => sandbox.products().find((p) => p.originProductNo === no)!;
const options = (p: SandboxProduct) => p.options!.map((o) => [o.id, o.stockQuantity, o.price, o.usable]);
const routes = (sandbox: NaverSandbox) => sandbox.received.filter((r) => r.route !== 'token').map((r) => r.route);
const option = (id: number, quantity: number) => ({ listingProductId: TSHIRT, listingOptionId: String(id), quantity });

beforeEach(() => {
  t = Date.UTC(2026, 2, 4, 3, 0, 0);
});
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('option stock: read the product, then write every option (spec §6.3)', () => {
  test("one GET and one PUT; every other option keeps its price, stock and usable; sale price and discount kept", async () => {
    const sandbox = await sandboxOf();
    const results = await connectorOf(sandbox).pushStock([option(41234567891, 12), option(41234567893, 4)]);
    expect(results).toEqual([
      { key: `${TSHIRT}/41234567891`, outcome: 'done', permanent: false },
      { key: `${TSHIRT}/41234567893`, outcome: 'done', permanent: false },
    ]);
    expect(routes(sandbox)).toEqual(['origin-product', 'option-stock']);
    const p = product(sandbox, TSHIRT);
    expect(options(p)).toEqual([
      [41234567891, 12, 0, true],
      [41234567892, 5, 0, true],
      [41234567893, 4, 0, true],
      [41234567894, 3, 1000, true],
      [41234567895, 0, 500, false],
    ]);
    expect(p).toMatchObject({ salePrice: 19000, discount: { value: 1000, unitType: 'WON' }, stockQuantity: 24, statusType: 'SALE' });
    const w = sandbox.writes[0]!;
    expect(w.kind === 'option-stock' && [w.salePriceSent, w.options.every((o) => o.sent)]).toEqual([true, true]);
  });

  test('stock Naver already has is not written again', async () => {
    const sandbox = await sandboxOf();
    const [r] = await connectorOf(sandbox).pushStock([option(41234567891, 10)]);
    expect(r).toMatchObject({ outcome: 'done', message: 'unchanged at Naver; nothing written' });
    expect(sandbox.writeRequests()).toBe(0);
  });

  test('an unknown option and an add-on fail permanently; the product’s other targets are written', async () => {
    const sandbox = await sandboxOf();
    const results = await connectorOf(sandbox).pushStock([option(41234567000, 3), option(51234567001, 3), option(41234567892, 1)]);
    expect(results.map((r) => [r.outcome, r.permanent, r.code])).toEqual([
      ['failed', true, 'UNKNOWN_OPTION'],
      ['failed', true, 'ADD_ON_PRODUCT'],
      ['done', false, undefined],
    ]);
    expect(results[0]!.message).toContain('§13.6');
    expect(options(product(sandbox, TSHIRT))[1]).toEqual([41234567892, 1, 0, true]);
  });

  test('a lost answer to the PUT is unknown: exactly one PUT arrived, not resent', async () => {
    const sandbox = await sandboxOf();
    sandbox.addFault({ kind: '500', routes: ['option-stock'] });
    const [r] = await connectorOf(sandbox).pushStock([option(41234567891, 2)]);
    expect(r).toMatchObject({ outcome: 'unknown', code: 'GW.INTERNAL_SERVER_ERROR' });
    expect(sandbox.writeRequests('option-stock')).toBe(1);
    expect(options(product(sandbox, TSHIRT))[0]).toEqual([41234567891, 2, 0, true]);
  });

  test('a product that cannot be read is not written; a deleted one fails permanently', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    sandbox.addFault({ kind: '500', routes: ['origin-product'], times: Infinity });
    const [r] = await connector.pushStock([option(41234567891, 2)]);
    expect(r).toMatchObject({ outcome: 'failed', permanent: false, message: expect.stringContaining('nothing written') });
    expect(sandbox.received.filter((x) => x.route === 'origin-product')).toHaveLength(3);
    expect(sandbox.writeRequests()).toBe(0);
    sandbox.clearFaults();
    const [gone] = await connector.pushStock([{ listingProductId: '9800000000', listingOptionId: '1', quantity: 1 }]);
    expect(gone).toMatchObject({ outcome: 'failed', permanent: true, code: 'NOT_FOUND' });
  });

  test('two pushes of one product at the same time are serialised: the second reads what the first wrote', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    const [a, b] = await Promise.all([connector.pushStock([option(41234567891, 1)]), connector.pushStock([option(41234567892, 2)])]);
    expect([a![0]!.outcome, b![0]!.outcome]).toEqual(['done', 'done']);
    expect(routes(sandbox)).toEqual(['origin-product', 'option-stock', 'origin-product', 'option-stock']);
    expect(options(product(sandbox, TSHIRT)).slice(0, 2)).toEqual([
      [41234567891, 1, 0, true],
      [41234567892, 2, 0, true],
    ]);
  });
});

describe('products without options: multi-update STOCK (spec §6.3)', () => {
  test('several products in one call; quantities floor at 0', async () => {
    const sandbox = await sandboxOf();
    const results = await connectorOf(sandbox).pushStock([
      { listingProductId: MUG, listingOptionId: '', quantity: 7 },
      { listingProductId: SOCKS, listingOptionId: '', quantity: -3 },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(sandbox.requests.filter((r) => r.path === MULTI).map((r) => r.body)).toEqual([
      {
        multiProductUpdateRequestVos: [
          { originProductNo: Number(MUG), multiUpdateTypes: ['STOCK'], stockQuantity: 7 },
          { originProductNo: Number(SOCKS), multiUpdateTypes: ['STOCK'], stockQuantity: 0 },
        ],
      },
    ]);
    expect([product(sandbox, MUG).stockQuantity, product(sandbox, SOCKS).stockQuantity, product(sandbox, SOCKS).statusType]).toEqual([7, 0, 'OUTOFSTOCK']);
  });

  test('a call refused as a whole is split per product: the one at fault fails, the others are written', async () => {
    const sandbox = await sandboxOf();
    const results = await connectorOf(sandbox).pushStock([
      { listingProductId: MUG, listingOptionId: '', quantity: 4 },
      { listingProductId: TSHIRT, listingOptionId: '', quantity: 5 },
      { listingProductId: 'ABC', listingOptionId: '', quantity: 5 },
    ]);
    expect(results.map((r) => [r.outcome, r.permanent, r.code])).toEqual([
      ['done', false, undefined],
      ['failed', true, 'BAD_REQUEST'],
      ['failed', true, 'INVALID_TARGET'],
    ]);
    expect(sandbox.writeRequests('multi-update')).toBe(3);
    expect(product(sandbox, MUG).stockQuantity).toBe(4);
  });
});

describe('faults on reads are ridden out', () => {
  test('a 429 storm and 500s on every read: the pull loses nothing, the writes still go once', async () => {
    const sandbox = await sandboxOf();
    sandbox.setRandomFaults({ seed: 7, rates: { '429': 0.35, '500': 0.2 }, routes: 'reads' });
    const connector = connectorOf(sandbox, { retry: { attempts: 30, baseDelayMs: 1, maxDelayMs: 5 } });
    const pages: OrderLinePage[] = [];
    for await (const page of connector.pullOrderLines({ from: new Date(t - 48 * H), to: new Date(t) }, { includeUnconfirmed: false })) pages.push(page);
    expect(pages.flatMap((p) => p.lines)).toHaveLength(11);
    const n2 = sandbox.scenario.N2;
    const [sent] = await connector.sendTracking([{ mallOrderId: n2.orderId, mallPackageId: '', mallLineIds: n2.productOrderIds, trackingNumber: 'QSP1000000009', carrierCode: 'QXPRESS', shippedAt: new Date(t) }]);
    expect(sent!.outcome).toBe('done');
    const [stock] = await connector.pushStock([option(41234567891, 9)]);
    expect(stock!.outcome).toBe('done');
    expect((await connector.remoteState([n2.orderId])).get(n2.orderId)).toMatchObject({ trackingNumbers: { '': ['QSP1000000009'] } });
    const refused = sandbox.requests.filter((r) => r.status === 429 || r.status === 500);
    expect(refused.filter((r) => r.status === 429).length).toBeGreaterThan(3);
    expect(refused.filter((r) => r.status === 500).length).toBeGreaterThan(1);
    expect(sandbox.writeRequests()).toBe(2);
  });
});
