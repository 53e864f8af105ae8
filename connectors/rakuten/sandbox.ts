/**
 * A local fake of the RakutenPay order API (read side), faithful to specs/rakuten-rms-api.md:
 * a real fastify server on 127.0.0.1 that checks the ESA key pair and its expiry, the request
 * Content-Type, throttles, and answers searchOrder / getOrder from seeded orders. Used by the
 * integration and end-to-end tests, `mallbridge sandbox` and `mallbridge demo`.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { kstDate } from '../../lib/time.js';
import type { RakutenCredentials } from './credentials.js';
import { answerGetOrder } from './sandbox-get.js';
import {
  buildSandboxOrder,
  FIRST_EXTRA_SERIAL,
  generateOrders,
  scenarioOrders,
  SANDBOX_SHOP_ID,
  type SandboxOrderInput,
  type ScenarioLabel,
} from './sandbox-orders.js';
import { createSandboxGateway, gatewayAnswer, type GatewayAnswer } from './sandbox-gateway.js';
import { answerSearchOrder, messageEntry, type StoredOrder } from './sandbox-search.js';
import type { OrderModel } from './schemas.js';

/**
 * The sandbox's documented key pair, shaped like real keys of shop 387654 (spec §1.1). Public on
 * purpose: they open nothing but the sandbox.
 */
export const SANDBOX_SERVICE_SECRET = 'SP387654_4mB9sXq2Lr7TzV1kNcW8hJ';
export const SANDBOX_LICENSE_KEY = 'SL387654_7pH3yD5fJk2QeR9uZa6MxT';
export { SANDBOX_SHOP_ID } from './sandbox-orders.js';

/** The answers' Content-Type, as the order API writes it: no space (spec §1.2). */
export const SANDBOX_RESPONSE_CONTENT_TYPE = 'application/json;charset=utf-8';

const DAY = 86_400_000;
/** How to start a sandbox. */
export interface RakutenSandboxOptions {
  /** Port on 127.0.0.1; 0 (default) = a free random port. */
  port?: number;
  /** Requests per second before HTTP 429; 0 (default) = unthrottled. */
  ratePerSec?: number;
  /** Seed of the extra orders (default 1). */
  seed?: number;
  /** Extra random orders (status 300) besides the scenario R1–R10 (default 0). */
  extraOrders?: number;
  /** Days over which the extra orders' order dates spread back from now (default 2). */
  extraSpanDays?: number;
  /** Hits one searchOrder can reach (default 15,000 as Rakuten); tests lower it to force window splits. */
  maxHits?: number;
  /** The sandbox clock (order dates, the 730-day rule, licence expiry); default the real clock. */
  now?: () => Date;
  serviceSecret?: string;
  licenseKey?: string;
  /** Last valid day of the licence key, JST `YYYY-MM-DD` (default now + 90 days). */
  licenseExpiresAt?: string;
}

/** One request the sandbox received, as tests count them. */
export interface SandboxRequestRecord {
  method: string;
  /** Path without the query string, e.g. `/es/2.0/order/searchOrder/`. */
  path: string;
  /** The HTTP status answered. */
  status: number;
  /** When it arrived (real clock). */
  at: Date;
  /** The JSON body (or the raw text when it was not JSON; null when none or refused before reading). */
  body: unknown;
}

/** A running sandbox and the knobs tests turn. */
export interface RakutenSandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash): the shop's `apiBaseUrl`. */
  baseUrl: string;
  /** The registered key pair; `licenseExpiresAt` follows {@link RakutenSandbox.expireLicense}. */
  credentials: Required<RakutenCredentials>;
  shopId: string;
  /** Order numbers of the seeded scenario by label (`R1` … `R10`). */
  scenario: Record<ScenarioLabel, string>;
  /** Every request received, in order of arrival. */
  requests: SandboxRequestRecord[];
  /** The sandbox's current time. */
  now(): Date;
  /** Sets the sandbox clock: a fixed instant or a function. */
  setNow(now: Date | (() => Date)): void;
  /** Changes the rate limit (0 = unthrottled). */
  setRatePerSec(ratePerSec: number): void;
  /** Adds an order built from `input` (next free serial) and returns its order number. */
  addOrder(input: Omit<SandboxOrderInput, 'serial'>): string;
  /** Adds `count` seeded random orders (status 300) dated between `from` and `to` (default: the last 47 h); returns their numbers. */
  addRandomOrders(count: number, range?: { from?: Date; to?: Date; seed?: number }): string[];
  /** Adds an order exactly as given (e.g. a deliberately malformed one) and returns its order number. */
  addRawOrder(order: StoredOrder): string;
  /** Moves an order to another `orderProgress` (e.g. 300 → 900 to simulate a cancellation). */
  setOrderProgress(orderNumber: string, orderProgress: OrderModel['orderProgress']): void;
  /** Lets the licence key expire (its last valid day becomes yesterday): every call answers 401 ES01-01. */
  expireLicense(): void;
  /** Switches the RakutenPay_OrderAPI functions off (400 ES04-01) or on again. */
  setApiFunctionEnabled(enabled: boolean): void;
  /** The next `count` requests answer `status` (default 429, with `Retry-After: retryAfterSec`, default 1). */
  failNext(count: number, status?: number, retryAfterSec?: number): void;
  /** searchOrder still finds the order, getOrder answers INFO_102 for it (deleted in between). */
  hideFromGetOrder(orderNumber: string): void;
  /** A copy of every stored order, in the order they were added. */
  orders(): StoredOrder[];
  close(): Promise<void>;
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
 * Every request first meets the gateway (sandbox-gateway.ts: throttling → 429, the ESA key pair
 * and its expiry → 401 ES01-01, API functions off → 400 ES04-01, Content-Type without
 * `charset=utf-8` → 415 ES04-03). Then `POST /es/2.0/order/searchOrder/` and `/getOrder/`
 * (trailing slash optional) answer from the stored orders (sandbox-search.ts, sandbox-get.ts);
 * anything else 404. Answers carry `Content-Type: application/json;charset=utf-8`.
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
  const gateway = createSandboxGateway(credentials, () => clock(), options.ratePerSec ?? 0);
  const arrivals = new WeakMap<FastifyRequest, Date>();

  function send(reply: FastifyReply, answer: GatewayAnswer): FastifyReply {
    if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
    return reply.code(answer.status).header('content-type', SANDBOX_RESPONSE_CONTENT_TYPE).send(JSON.stringify(answer.body));
  }

  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    arrivals.set(req, new Date());
    const verdict = gateway.check({ method: req.method, authorization: req.headers.authorization, contentType: req.headers['content-type'] });
    if (verdict) return send(reply, verdict);
  });
  app.addHook('onResponse', async (req, reply) => {
    requests.push({
      method: req.method,
      path: req.url.split('?')[0] ?? req.url,
      status: reply.statusCode,
      at: arrivals.get(req) ?? new Date(),
      body: bodyOf(req.body),
    });
  });

  app.all('/*', async (req, reply) => {
    const path = (req.url.split('?')[0] ?? '').replace(/\/+$/, '');
    const body = bodyOf(req.body);
    if (path === '/es/2.0/order/searchOrder' || path === '/es/2.0/order/getOrder') {
      if (req.method !== 'POST') return send(reply, gatewayAnswer(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed'));
      const search = path.endsWith('searchOrder');
      if (typeof body === 'string') {
        // Not JSON at all: a format error in the call's own envelope (code UNCERTAIN).
        const entry = messageEntry('ERROR', `ORDER_EXT_API_${search ? 'SEARCH' : 'GET'}_ORDER_ERROR_011`, 'リクエストの書式が不正です。');
        const envelope = search
          ? { orderNumberList: null, MessageModelList: [entry], PaginationResponseModel: null }
          : { MessageModelList: [entry], OrderModelList: null };
        return send(reply, { status: 400, body: envelope });
      }
      const orders = [...store.values()];
      return send(reply, search ? answerSearchOrder(body, orders, { now: clock(), maxHits }) : answerGetOrder(body, store, hidden));
    }
    return send(reply, gatewayAnswer(404, 'NOT_FOUND', 'Not Found'));
  });

  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const port = new URL(address).port;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    credentials,
    shopId: SANDBOX_SHOP_ID,
    scenario,
    requests,
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
    expireLicense() {
      credentials.licenseExpiresAt = kstDate(new Date(clock().getTime() - DAY));
    },
    setApiFunctionEnabled(enabled) {
      gateway.setFunctionsEnabled(enabled);
    },
    failNext(count, status = 429, retryAfterSec = 1) {
      gateway.failNext(count, status, retryAfterSec);
    },
    hideFromGetOrder(orderNumber) {
      hidden.add(orderNumber);
    },
    orders() {
      return [...store.values()].map((o) => structuredClone(o));
    },
    async close() {
      await app.close();
    },
  };
}
