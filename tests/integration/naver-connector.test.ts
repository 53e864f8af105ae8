import { createNaverConnector, type NaverConnectorOptions } from '../../connectors/naver/index.js';
import { startNaverSandbox, type NaverSandbox, type NaverSandboxOptions } from '../../connectors/naver/sandbox.js';
import type { ConnectorContext, OrderSource } from '../../connectors/shared/connector.js';
import type { MallOrderLine, OrderLinePage, TimeWindow } from '../../connectors/shared/order-line.js';
import type { NaverCredentials } from '../../connectors/naver/credentials.js';
import { ApiError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';

/** The Naver connector against the sandbox over real HTTP on 127.0.0.1. */

const H = 3600_000;
const TOKEN = '/external/v1/oauth2/token';
const FEED = '/external/v1/pay-order/seller/product-orders/last-changed-statuses';
const DETAIL = '/external/v1/pay-order/seller/product-orders/query';
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

let t: number;
const clock = () => new Date(t);
const open: Array<{ close(): Promise<void> }> = [];
let shopIds = 0;

async function sandboxOf(options: NaverSandboxOptions = {}): Promise<NaverSandbox> {
  const sandbox = await startNaverSandbox({ now: clock, ...options });
  open.push(sandbox);
  return sandbox;
}

function connectorOf(
  sandbox: NaverSandbox,
  over: Partial<ConnectorContext<NaverCredentials>> = {},
  options: NaverConnectorOptions = {},
  rateLimitPerSec: number | null = 0,
): OrderSource {
  const connector = createNaverConnector(
    {
      shop: { id: ++shopIds, mall: 'naver', mallShopId: 'sandbox-store', apiBaseUrl: sandbox.baseUrl, rateLimitPerSec, autoOrderConfirm: false },
      credentials: sandbox.credentials,
      logger: silentLogger(),
      retry: FAST_RETRY,
      now: clock,
      timeoutMs: 5000,
      ...over,
    },
    options,
  );
  open.push(connector);
  return connector;
}

async function pull(connector: OrderSource, window: TimeWindow): Promise<OrderLinePage[]> {
  const pages: OrderLinePage[] = [];
  for await (const page of connector.pullOrderLines(window, { includeUnconfirmed: false })) pages.push(page);
  return pages;
}
const lastHours = (h: number): TimeWindow => ({ from: new Date(t - h * H), to: new Date(t) });
const linesOf = (pages: OrderLinePage[]) => pages.flatMap((p) => p.lines);
const count = (sandbox: NaverSandbox, path: string, status?: number) =>
  sandbox.requests.filter((r) => r.path === path && (status === undefined || r.status === status)).length;

/** Every order's lines sit in one page only. */
function expectOrdersWhole(pages: OrderLinePage[], sandbox: NaverSandbox): void {
  const pageOf = new Map<string, number>();
  pages.forEach((p, i) => {
    for (const l of p.lines) {
      expect(pageOf.get(l.mallOrderId) ?? i).toBe(i);
      pageOf.set(l.mallOrderId, i);
    }
  });
  const linesPerOrder = new Map<string, number>();
  for (const info of sandbox.productOrders()) {
    const id = String(info.order.orderId);
    linesPerOrder.set(id, (linesPerOrder.get(id) ?? 0) + 1);
  }
  for (const p of pages) {
    const seen = new Map<string, number>();
    for (const l of p.lines) seen.set(l.mallOrderId, (seen.get(l.mallOrderId) ?? 0) + 1);
    for (const [order, n] of seen) expect(n).toBe(linesPerOrder.get(order));
  }
}

beforeEach(() => {
  t = Date.UTC(2026, 2, 4, 3, 0, 0);
});
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('pulling the scenario', () => {
  test('yields exactly N1–N9 with the expected codes, states and quantities', async () => {
    const sandbox = await sandboxOf();
    const pages = await pull(connectorOf(sandbox), lastHours(48));
    const lines = linesOf(pages);
    expect(pages.flatMap((p) => p.failures)).toEqual([]);
    const byId = new Map(lines.map((l) => [l.mallLineId, l]));
    expect(byId.size).toBe(lines.length);
    const s = sandbox.scenario;
    const expectLine = (id: string | undefined, code: string | null, state: string, quantity: number, optionText = '') => {
      const line = byId.get(id!) as MallOrderLine;
      expect(line).toBeDefined();
      expect({ code: line.sellerCode, state: line.state, quantity: line.quantity, optionText: line.optionText }).toEqual({ code, state, quantity, optionText });
    };
    expectLine(s.N1.productOrderIds[0], 'TS-BLK-M', 'awaiting', 2, '색상: 블랙 / 사이즈: M');
    expectLine(s.N2.productOrderIds[0], 'TS-WHT-M', 'awaiting', 1, '색상: 화이트 / 사이즈: M');
    expectLine(s.N2.productOrderIds[1], 'MUG-001', 'awaiting', 1);
    expectLine(s.N3.productOrderIds[0], 'SOCK-3P', 'awaiting', 2);
    expectLine(s.N4.productOrderIds[0], 'GIFTSET-A', 'awaiting', 1);
    expectLine(s.N5.productOrderIds[0], 'TS-RED-S', 'awaiting', 1, '색상: 레드 / 사이즈: S');
    expectLine(s.N6.productOrderIds[0], null, 'awaiting', 1, '색상: 블랙 / 사이즈: L');
    expectLine(s.N7.productOrderIds[0], 'MUG-001', 'awaiting', 1);
    expectLine(s.N7.productOrderIds[1], null, 'awaiting', 1);
    expectLine(s.N8.productOrderIds[0], 'MUG-001', 'cancelled', 0);
    expectLine(s.N9.productOrderIds[0], 'SOCK-3P', 'cancelled', 1);
    expect(lines).toHaveLength(11);
    expect(byId.get(s.N1.productOrderIds[0]!)!.recipient).toMatchObject({ name: '김민준', address1: '서울특별시 강남구 테헤란로 123', country: 'KR' });
    expect(byId.get(s.N2.productOrderIds[0]!)!.mallOrderId).toBe(s.N2.orderId);
    expectOrdersWhole(pages, sandbox);
  });

  test('48 h are read in two windows of ≤ 24 h, each closed by coveredUntil, never ending in the future', async () => {
    const sandbox = await sandboxOf();
    const pages = await pull(connectorOf(sandbox), lastHours(48));
    expect(pages.map((p) => p.coveredUntil?.toISOString())).toEqual([new Date(t - 24 * H).toISOString(), new Date(t - 5000).toISOString()]);
    const feeds = sandbox.requests.filter((r) => r.path === FEED);
    expect(feeds).toHaveLength(2);
    for (const f of feeds) {
      expect(f.query.lastChangedTo).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00$/);
      expect(new Date(String(f.query.lastChangedTo)).getTime()).toBeLessThanOrEqual(t - 5000);
    }
    expect(count(sandbox, TOKEN)).toBe(1);
    expect(count(sandbox, DETAIL)).toBe(2);
  });

  test('a window without changes yields one empty page with coveredUntil', async () => {
    const sandbox = await sandboxOf();
    const window = { from: new Date(t - 60 * H), to: new Date(t - 50 * H) };
    expect(await pull(connectorOf(sandbox), window)).toEqual([{ lines: [], failures: [], coveredUntil: window.to }]);
  });

  test('a window in the future makes no request and yields nothing', async () => {
    const sandbox = await sandboxOf();
    expect(await pull(connectorOf(sandbox), { from: new Date(t + H), to: new Date(t + 2 * H) })).toEqual([]);
    expect(sandbox.requests).toEqual([]);
  });
});

describe('paging, windows and batches', () => {
  test('small feed pages and detail batches over three windows lose and double nothing', async () => {
    const sandbox = await sandboxOf({ extraOrders: 120, seed: 3 });
    const pages = await pull(connectorOf(sandbox, {}, { feedPageSize: 7, detailBatchSize: 20 }), lastHours(60));
    const ids = linesOf(pages).map((l) => l.mallLineId);
    const expected = sandbox.productOrders().map((p) => String(p.productOrder.productOrderId));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    expect(pages.flatMap((p) => p.failures)).toEqual([]);
    expect(pages.filter((p) => p.coveredUntil)).toHaveLength(3);
    const feeds = sandbox.requests.filter((r) => r.path === FEED);
    expect(feeds.length).toBeGreaterThan(30);
    expect(feeds.filter((f) => f.query.moreSequence).length).toBeGreaterThan(25);
    for (const d of sandbox.requests.filter((r) => r.path === DETAIL)) {
      const body = d.body as { productOrderIds: string[]; quantityClaimCompatibility: boolean };
      expect(body.productOrderIds.length).toBeLessThanOrEqual(20);
      expect(body.quantityClaimCompatibility).toBe(true);
    }
    expectOrdersWhole(pages, sandbox);
  });

  test('more than 300 product orders in one window go in detail batches of ≤ 300, orders whole', async () => {
    const sandbox = await sandboxOf();
    sandbox.addRandomOrders(260, { from: new Date(t - 10 * H), to: new Date(t - H) });
    const pages = await pull(connectorOf(sandbox), { from: new Date(t - 12 * H), to: new Date(t) });
    const inWindow = new Set(sandbox.feedEvents().filter((e) => e.lastChangedDate.getTime() >= t - 12 * H).map((e) => e.productOrderId));
    expect(inWindow.size).toBeGreaterThan(300);
    const ids = linesOf(pages).map((l) => l.mallLineId);
    expect(ids).toHaveLength(inWindow.size);
    expect(new Set(ids)).toEqual(inWindow);
    const batches = sandbox.requests.filter((r) => r.path === DETAIL).map((r) => (r.body as { productOrderIds: string[] }).productOrderIds.length);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    for (const n of batches) expect(n).toBeLessThanOrEqual(300);
    expect(pages).toHaveLength(batches.length);
    expect(pages.map((p) => p.coveredUntil !== undefined)).toEqual(batches.map((_, i) => i === batches.length - 1));
    expectOrdersWhole(pages, sandbox);
  });

  test('a product order the detail query leaves out or garbles is a failure; the rest of its batch comes', async () => {
    const sandbox = await sandboxOf();
    const [omitted, garbled] = [sandbox.scenario.N3.productOrderIds[0]!, sandbox.scenario.N7.productOrderIds[1]!];
    sandbox.setDetailFault(omitted, 'omit');
    sandbox.setDetailFault(garbled, 'malformed');
    const pages = await pull(connectorOf(sandbox), lastHours(48));
    const failures = pages.flatMap((p) => p.failures);
    expect(failures.map((f) => f.recordId).sort()).toEqual([omitted, garbled].sort());
    expect(failures.find((f) => f.recordId === garbled)!.reason).toContain('productOrder.productOrderStatus');
    expect(failures.find((f) => f.recordId === omitted)!.reason).toMatch(/did not return/);
    expect(linesOf(pages)).toHaveLength(9);
    expect(linesOf(pages).map((l) => l.mallLineId)).toContain(sandbox.scenario.N7.productOrderIds[0]);
  });
});

describe('tokens', () => {
  test('one token serves many calls and pulls; a new one is asked for when < 30 min remain or after expiry', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    await pull(connector, lastHours(48));
    await pull(connector, lastHours(10));
    expect(count(sandbox, TOKEN)).toBe(1);
    expect(count(sandbox, FEED) + count(sandbox, DETAIL)).toBeGreaterThan(4);
    t += 2 * H; // 1 h left
    await pull(connector, lastHours(1));
    expect(count(sandbox, TOKEN)).toBe(1);
    t += 45 * 60_000; // 15 min left: Naver issues a new one
    await pull(connector, lastHours(1));
    expect(count(sandbox, TOKEN)).toBe(2);
    t += 4 * H; // both expired
    await pull(connector, lastHours(1));
    expect(count(sandbox, TOKEN)).toBe(3);
    expect(sandbox.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  test('a token Naver refuses (401 GW.AUTHN) is re-issued once and the call retried once', async () => {
    const sandbox = await sandboxOf();
    const connector = connectorOf(sandbox);
    await pull(connector, lastHours(1));
    sandbox.revokeTokens();
    const pages = await pull(connector, lastHours(48));
    expect(linesOf(pages)).toHaveLength(11);
    expect(count(sandbox, FEED, 401)).toBe(1);
    expect(count(sandbox, TOKEN)).toBe(2);
  });

  test('a GW.AUTHN that persists (API group missing) fails after one retry, as kind auth', async () => {
    const sandbox = await sandboxOf();
    sandbox.setOrderApiEnabled(false);
    const err = await pull(connectorOf(sandbox), lastHours(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'auth', code: 'GW.AUTHN', status: 401 });
    expect(count(sandbox, FEED, 401)).toBe(2);
  });
});

describe('rate limits', () => {
  test('a 429 storm (sandbox limited, connector unthrottled) is ridden out with nothing lost', async () => {
    t = Date.now();
    const sandbox = await sandboxOf({ now: () => new Date(), extraOrders: 20, seed: 5, ratePerSec: 10 });
    const connector = connectorOf(sandbox, { now: () => new Date(), retry: { attempts: 30, baseDelayMs: 20, maxDelayMs: 200 } }, { feedPageSize: 2, detailBatchSize: 10 });
    const pages = await pull(connector, { from: new Date(Date.now() - 48 * H), to: new Date() });
    expect(count(sandbox, FEED, 429) + count(sandbox, DETAIL, 429) + count(sandbox, TOKEN, 429)).toBeGreaterThan(0);
    const ids = linesOf(pages).map((l) => l.mallLineId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(sandbox.productOrders().map((p) => String(p.productOrder.productOrderId)).sort());
  });

  test('configured above the gateway, the connector follows GNCP-GW-RateLimit-Replenish-Rate and stays under it (real time)', async () => {
    t = Date.now();
    const sandbox = await sandboxOf({ now: () => new Date(), ratePerSec: 6 });
    // Configured at 12/s; the gateway says 6/s on every answer.
    const connector = connectorOf(sandbox, { now: () => new Date() }, { feedPageSize: 1 }, 12);
    const started = Date.now();
    await pull(connector, { from: new Date(Date.now() - 24 * H), to: new Date() });
    const n = sandbox.requests.length;
    expect(n).toBeGreaterThan(8);
    expect(sandbox.requests.filter((r) => r.status === 429)).toEqual([]);
    // After the first answer the spacing is 1000 / 6 ms, not 1000 / 12 (which would take about half as long).
    expect(Date.now() - started).toBeGreaterThanOrEqual(((n - 2) * 1000) / 6 - 50);
  });
});

describe('credentials and testConnection', () => {
  test('a wrong secret is an ApiError of kind auth, and testConnection says which keys to check', async () => {
    const sandbox = await sandboxOf();
    const wrong = { credentials: { ...sandbox.credentials, applicationSecret: '$2a$04$QKLnou1D2cSH19Pia30bcu' } };
    const err = await pull(connectorOf(sandbox, wrong), lastHours(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'auth', call: 'token' });
    const result = await connectorOf(sandbox, wrong).testConnection();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/application ID or secret/);
    expect(result.message).toContain('커머스API센터');
  });

  test('testConnection: ok; IP not registered; API group missing; unreachable', async () => {
    const sandbox = await sandboxOf();
    expect(await connectorOf(sandbox).testConnection()).toEqual({ ok: true, message: expect.stringMatching(/^Connected to Naver/) });

    sandbox.setIpAllowed(false);
    const ip = await connectorOf(sandbox).testConnection();
    expect(ip.ok).toBe(false);
    expect(ip.message).toContain("This server's IP is not registered for the application in 커머스API센터");
    const ipErr = await pull(connectorOf(sandbox), lastHours(1)).catch((e: unknown) => e);
    expect(ipErr).toMatchObject({ kind: 'forbidden', code: 'GW.IP_NOT_ALLOWED' });
    expect((ipErr as ApiError).message).toContain("this server's IP is not registered for the application in 커머스API센터");
    sandbox.setIpAllowed(true);

    sandbox.setOrderApiEnabled(false);
    const group = await connectorOf(sandbox).testConnection();
    expect(group.ok).toBe(false);
    expect(group.message).toContain("API group '주문 판매자'");
    sandbox.setOrderApiEnabled(true);

    const port = new URL(sandbox.baseUrl).port;
    await sandbox.close();
    const gone = await connectorOf(sandbox, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }).testConnection();
    expect(gone.ok).toBe(false);
    expect(gone.message).toContain(`127.0.0.1:${port}`);
    expect(gone.message).toMatch(/could not be reached/);
  });
});
