/**
 * A local fake of the RMS WEB API, faithful to specs/rakuten-rms-api.md: a real fastify server on
 * 127.0.0.1 that checks the ESA key pair and its expiry, the request Content-Type, throttles, and
 * answers searchOrder / getOrder from seeded orders, confirmOrder / updateOrderShipping by changing
 * them, and inventories/bulk-upsert from a stock store; every write is recorded for tests, and
 * faults can be injected. Used by the integration and end-to-end tests, `mallbridge sandbox` and
 * `mallbridge demo`.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { kstDate } from '../../lib/time.js';
import type { RakutenCredentials } from './credentials.js';
import { createSandboxCalls } from './sandbox-calls.js';
import { createFaultPlan, WRITE_CALLS, type SandboxCall, type SandboxFault } from './sandbox-faults.js';
import { createSandboxGateway, gatewayAnswer, type GatewayAnswer } from './sandbox-gateway.js';
import { createSandboxInventory } from './sandbox-inventory.js';
import { buildSandboxOrder, FIRST_EXTRA_SERIAL, generateOrders, scenarioOrders, SANDBOX_PRODUCTS, SANDBOX_SHOP_ID, type ScenarioLabel } from './sandbox-orders.js';
import type { StoredOrder } from './sandbox-search.js';
import type { RakutenSandbox, RakutenSandboxOptions, SandboxRequestRecord, SandboxWrites } from './sandbox-types.js';
import { markShippedWhenComplete, newShippingRow, type StoredShippingRow } from './sandbox-write.js';

export type * from './sandbox-types.js';
export { SANDBOX_SHOP_ID } from './sandbox-orders.js';

/**
 * The sandbox's documented key pair, shaped like real keys of shop 387654 (spec §1.1). Public on
 * purpose: they open nothing but the sandbox.
 */
export const SANDBOX_SERVICE_SECRET = 'SP387654_4mB9sXq2Lr7TzV1kNcW8hJ';
export const SANDBOX_LICENSE_KEY = 'SL387654_7pH3yD5fJk2QeR9uZa6MxT';

/** The answers' Content-Type, as the order API writes it: no space (spec §1.2). */
export const SANDBOX_RESPONSE_CONTENT_TYPE = 'application/json;charset=utf-8';

/** Stock of every catalogue listing when a sandbox starts. */
export const SANDBOX_INITIAL_STOCK = 20;

const DAY = 86_400_000;

/** The paths the sandbox answers (trailing slashes ignored), by call. Inventory 2.1 takes the same upsert body. */
const CALLS: Record<string, SandboxCall> = {
  '/es/2.0/order/searchOrder': 'searchOrder',
  '/es/2.0/order/getOrder': 'getOrder',
  '/es/2.0/order/confirmOrder': 'confirmOrder',
  '/es/2.0/order/updateOrderShipping': 'updateOrderShipping',
  '/es/2.0/inventories/bulk-upsert': 'inventoriesBulkUpsert',
  '/es/2.1/inventories/bulk-upsert': 'inventoriesBulkUpsert',
};

function callOf(url: string): SandboxCall | undefined {
  return CALLS[(url.split('?')[0] ?? '').replace(/\/+$/, '')];
}

function bodyOf(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/**
 * Starts the Rakuten sandbox on 127.0.0.1.
 *
 * Every request is recorded on arrival and counted per call, then meets the gateway
 * (sandbox-gateway.ts: throttling → 429, the ESA key pair and its expiry → 401 ES01-01, API
 * functions off → 400 ES04-01, Content-Type → 415 ES04-03), then any injected fault
 * (sandbox-faults.ts), then its call: `POST /es/2.0/order/searchOrder/`, `getOrder/`,
 * `confirmOrder/`, `updateOrderShipping/` (trailing slash optional) and
 * `/es/2.0/inventories/bulk-upsert`; anything else 404. Before any order call, orders confirmed
 * at least `confirmProcessingMs` ago move 200 → 300. Answers carry
 * `Content-Type: application/json;charset=utf-8` (the 204 of bulk-upsert has no body).
 *
 * @returns the running sandbox; call `close()` when done.
 */
export async function startRakutenSandbox(options: RakutenSandboxOptions = {}): Promise<RakutenSandbox> {
  let clock = options.now ?? (() => new Date());
  const startedAt = clock();
  const credentials: Required<RakutenCredentials> = {
    serviceSecret: options.serviceSecret ?? SANDBOX_SERVICE_SECRET,
    licenseKey: options.licenseKey ?? SANDBOX_LICENSE_KEY,
    licenseExpiresAt: options.licenseExpiresAt ?? kstDate(new Date(startedAt.getTime() + 90 * DAY)),
  };
  const maxHits = options.maxHits ?? 15_000;

  const store = new Map<string, StoredOrder>();
  const scenario = {} as Record<ScenarioLabel, string>;
  for (const { label, order } of scenarioOrders(startedAt)) {
    store.set(order.orderNumber, order as StoredOrder);
    scenario[label] = order.orderNumber;
  }
  for (const order of generateOrders(options.extraOrders ?? 0, options.seed ?? 1, startedAt, options.extraSpanDays ?? 2)) {
    store.set(order.orderNumber, order as StoredOrder);
  }
  let nextSerial = Math.max(90_001, FIRST_EXTRA_SERIAL + (options.extraOrders ?? 0));
  const hidden = new Set<string>();
  const requests: SandboxRequestRecord[] = [];
  const received = { searchOrder: 0, getOrder: 0, confirmOrder: 0, updateOrderShipping: 0, inventoriesBulkUpsert: 0 } satisfies Record<SandboxCall, number>;
  const gateway = createSandboxGateway(credentials, () => clock(), options.ratePerSec ?? 0);
  const faults = createFaultPlan(options.faults ?? null);
  const records = new WeakMap<FastifyRequest, SandboxRequestRecord>();
  let seq = 0;
  let expireCountdown: number | null = null;

  const writes: SandboxWrites = { confirmations: [], shippingRows: [], inventory: [] };
  const listings = Object.values(SANDBOX_PRODUCTS).flatMap((p) => {
    const v = p.SkuModelList?.[0]?.variantId;
    return v ? [{ manageNumber: p.manageNumber, variantId: v, quantity: SANDBOX_INITIAL_STOCK }] : [];
  });
  const inventory = createSandboxInventory(listings, startedAt);
  writes.inventory = inventory.writes;

  const callState = { store, hidden, inventory, writes, clock: () => clock(), maxHits, confirmProcessingMs: options.confirmProcessingMs ?? 0 };
  const calls = createSandboxCalls(callState);

  const pendingDelays = new Set<() => void>();
  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pendingDelays.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pendingDelays.add(done);
    });
  }

  function send(reply: FastifyReply, a: GatewayAnswer): FastifyReply {
    if (a.retryAfter !== undefined) reply.header('retry-after', String(a.retryAfter));
    if (a.status === 204) return reply.code(204).send();
    return reply.code(a.status).header('content-type', SANDBOX_RESPONSE_CONTENT_TYPE).send(JSON.stringify(a.body));
  }

  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    const record: SandboxRequestRecord = { seq: ++seq, method: req.method, path: req.url.split('?')[0] ?? req.url, status: 0, at: new Date(), body: null };
    requests.push(record);
    records.set(req, record);
    const call = callOf(req.url);
    if (call) received[call]++;
    const path = (req.url.split('?')[0] ?? '').replace(/\/+$/, '');
    const verdict = gateway.check({ method: req.method, path, authorization: req.headers.authorization, contentType: req.headers['content-type'] });
    if (verdict) return send(reply, verdict);
    if (expireCountdown !== null && --expireCountdown <= 0) {
      expireCountdown = null;
      credentials.licenseExpiresAt = kstDate(new Date(clock().getTime() - DAY));
    }
  });
  app.addHook('preHandler', async (req) => {
    const record = records.get(req);
    if (record) record.body = bodyOf(req.body);
  });
  app.addHook('onSend', async (req, reply) => {
    const record = records.get(req);
    if (record) record.status = reply.statusCode;
  });

  app.all('/*', async (req, reply) => {
    const call = callOf(req.url);
    if (!call) return send(reply, gatewayAnswer(404, 'NOT_FOUND', 'Not Found'));
    if (req.method !== 'POST') return send(reply, gatewayAnswer(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed'));
    const record = records.get(req);
    const fault: SandboxFault | null = faults.next(call);
    if (fault?.kind === '429') return send(reply, { ...gatewayAnswer(429, 'TOO_MANY_REQUESTS', 'Too Many Requests'), retryAfter: fault.retryAfterSec ?? 1 });
    const apply = !fault || !WRITE_CALLS.includes(call) || (fault.applied ?? true);
    const result = apply ? calls.answer(call, bodyOf(req.body), record?.seq ?? 0) : null;
    if (fault?.kind === '500') return send(reply, gatewayAnswer(500, 'SANDBOX_INJECTED', 'Internal Server Error'));
    if (fault?.kind === 'malformed') {
      return reply.code(200).header('content-type', SANDBOX_RESPONSE_CONTENT_TYPE).send('{"MessageModelList": [{"messageType": "INFO", "messageCo');
    }
    if (fault?.kind === 'slow') await delay(fault.delayMs ?? 2000);
    return send(reply, result ?? calls.answer(call, bodyOf(req.body), record?.seq ?? 0));
  });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const port = new URL(address).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    credentials,
    shopId: SANDBOX_SHOP_ID,
    scenario,
    requests,
    writes,
    received: () => ({ ...received }),
    now: () => clock(),
    setNow(now) {
      clock = typeof now === 'function' ? now : () => now;
    },
    setRatePerSec(rate) {
      gateway.setRatePerSec(rate);
    },
    addRandomOrders(count, range = {}) {
      const to = range.to ?? clock();
      const from = range.from ?? new Date(to.getTime() - 47 * 3_600_000);
      const orders = generateOrders(count, range.seed ?? nextSerial, to, (to.getTime() - from.getTime()) / DAY, nextSerial);
      nextSerial += count;
      for (const order of orders) store.set(order.orderNumber, order as StoredOrder);
      return orders.map((o) => o.orderNumber);
    },
    addOrder(input) {
      const order = buildSandboxOrder({ ...input, serial: nextSerial++ });
      store.set(order.orderNumber, order as StoredOrder);
      return order.orderNumber;
    },
    addRawOrder(order) {
      store.set(order.orderNumber, structuredClone(order));
      return order.orderNumber;
    },
    setOrderProgress(orderNumber, orderProgress) {
      const order = store.get(orderNumber);
      if (!order) throw new Error(`sandbox: no order ${orderNumber}`);
      order.orderProgress = orderProgress;
    },
    addShippingRow(orderNumber, basketId, row) {
      const order = store.get(orderNumber);
      const pkg = (order?.PackageModelList as Array<{ basketId: number; ShippingModelList?: StoredShippingRow[] }> | undefined)?.find((p) => p.basketId === basketId);
      if (!order || !pkg) throw new Error(`sandbox: no basket ${basketId} in order ${orderNumber}`);
      const added = newShippingRow(calls.nextShippingDetailId(), row);
      pkg.ShippingModelList = [...(pkg.ShippingModelList ?? []), added];
      writes.shippingRows.push({ orderNumber, basketId, shippingDetailId: added.shippingDetailId, action: 'add', deliveryCompany: added.deliveryCompany, shippingNumber: added.shippingNumber, shippingDate: added.shippingDate, at: clock(), requestSeq: null });
      markShippedWhenComplete(order, clock());
      return added.shippingDetailId;
    },
    settleConfirmations() {
      calls.advance(true);
    },
    setConfirmProcessingMs(ms) {
      callState.confirmProcessingMs = ms;
    },
    inventory: () => inventory.rows(clock()),
    addListing(manageNumber, variantId, quantity) {
      inventory.addListing(manageNumber, variantId, quantity);
    },
    expireLicense() {
      credentials.licenseExpiresAt = kstDate(new Date(clock().getTime() - DAY));
    },
    expireLicenseAfter(count) {
      expireCountdown = count;
    },
    setApiFunctionEnabled(enabled) {
      gateway.setFunctionsEnabled(enabled);
    },
    failNext(count, status = 429, retryAfterSec = 1) {
      gateway.failNext(count, status, retryAfterSec);
    },
    injectFault(fault, count = 1) {
      faults.inject(fault, count);
    },
    setRandomFaults(plan) {
      faults.setRandom(plan);
    },
    faultsMet: () => [...faults.met],
    hideFromGetOrder(orderNumber) {
      hidden.add(orderNumber);
    },
    orders() {
      return [...store.values()].map((o) => structuredClone(o));
    },
    async close() {
      for (const done of [...pendingDelays]) done();
      await app.close();
    },
  };
}
