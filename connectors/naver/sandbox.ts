import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyRequest } from 'fastify';
import { RateBucket, SandboxTokens, newTraceId } from './sandbox-gateway.js';
import { randomOrders, scenarioOrders, type ScenarioKey } from './sandbox-orders.js';
import { SandboxIds, buildOrder, type SandboxFeedEvent, type SandboxOrderRef, type SandboxOrderSpec, type SandboxProductOrderInfo } from './sandbox-records.js';
import { DETAIL_ROUTE, FEED_ROUTE, TOKEN_ROUTE, registerRoutes, sendError, type DetailFault } from './sandbox-routes.js';
import { SandboxStore, type SandboxChange } from './sandbox-store.js';

/**
 * The Naver sandbox: a local fake of the Commerce API faithful to specs/naver-commerce-api.md,
 * served by fastify on 127.0.0.1 under `/external` (so a shop's API base URL is
 * `http://127.0.0.1:<port>/external`). Nothing here ever calls Naver.
 */

/**
 * The sandbox's own-store application. The secret is a canonical bcrypt salt (`$2a$04$` + 22
 * characters, the last one of `.Oeu`), so `bcrypt.hashSync` keeps it as given (spec §2.2).
 */
export const NAVER_SANDBOX_APP = {
  applicationId: 'mallbridge-sandbox-naver',
  applicationSecret: '$2a$04$MallbridgeSandbox2026u',
} as const;

export interface NaverSandboxOptions {
  /** Port on 127.0.0.1; 0 (default) = a free one. */
  port?: number;
  /** Gateway rate limit in requests/s, burst 2×; 0 (default) = unthrottled. */
  ratePerSec?: number;
  /** Seed of the extra orders' generator (default 1). */
  seed?: number;
  /** Random orders added to the scenario, ordered within the last 47 h (default 0). */
  extraOrders?: number;
  /** The sandbox's clock (order dates, token life, "future"); default the real one. */
  now?: () => Date;
  /** Life of issued tokens in seconds (default 10 800 = 3 h, spec §2.3). */
  tokenTtlSec?: number;
  applicationId?: string;
  applicationSecret?: string;
}

/** One request the sandbox answered, for tests to count calls. `at` is real time. */
export interface NaverSandboxRequest {
  method: string;
  /** Path without query, e.g. `/external/v1/oauth2/token`. */
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  at: Date;
  /** The parsed JSON body (JSON requests only; never the token form, which carries a signature). */
  body?: unknown;
}

/** A running sandbox. */
export interface NaverSandbox {
  /** `http://127.0.0.1:<port>/external`: the shop's API base URL. */
  baseUrl: string;
  /** The credentials the sandbox accepts. */
  credentials: { applicationId: string; applicationSecret: string };
  /** Every request answered, in order (cleared by `requests.length = 0`). */
  requests: NaverSandboxRequest[];
  /** The ids of the scenario orders N1–N9. */
  scenario: Record<ScenarioKey, SandboxOrderRef>;
  /** The sandbox's current time. */
  now(): Date;
  /** Sets the clock: a fixed instant or a function. */
  setNow(now: Date | (() => Date)): void;
  /** Adds orders (each line a product order with its PAYED / claim events). */
  addProductOrders(orders: SandboxOrderSpec[]): SandboxOrderRef[];
  /** Adds `count` seeded random orders between `from` and `to` (default: the last 47 h). */
  addRandomOrders(count: number, range?: { from?: Date; to?: Date; seed?: number }): SandboxOrderRef[];
  /** Changes a product order (claim, status, address…) and records its feed event. */
  changeProductOrder(productOrderId: string, change: SandboxChange): void;
  /** Every product order as the detail API would serve it (copies). */
  productOrders(): SandboxProductOrderInfo[];
  /** Every feed event, in feed order (copies). */
  feedEvents(): SandboxFeedEvent[];
  /** Makes every issued token unknown (the next call gets 401 GW.AUTHN). */
  revokeTokens(): void;
  /** false: every route answers 403 GW.IP_NOT_ALLOWED, as for an unregistered server IP. */
  setIpAllowed(allowed: boolean): void;
  /** false: order routes answer 401 GW.AUTHN to valid tokens, as when the API group 주문 판매자 is missing. */
  setOrderApiEnabled(enabled: boolean): void;
  /**
   * Makes the detail query misanswer one product order: `omit` leaves it out, `malformed` sends it
   * with an unknown productOrderStatus; null restores it.
   */
  setDetailFault(productOrderId: string, fault: DetailFault | null): void;
  /** Changes the gateway rate limit (0 = unthrottled). */
  setRatePerSec(ratePerSec: number): void;
  close(): Promise<void>;
}

const HOUR = 3600_000;

/**
 * Starts the Naver sandbox (spec §2.1–§2.4, §3.1–§3.2, §7, §10) seeded with the scenario N1–N9
 * (sandbox-orders.ts) dated relative to the clock at start, plus `extraOrders` random ones.
 *
 * - `POST /external/v1/oauth2/token`: form-urlencoded only; checks client_id, the ms timestamp
 *   (≤ 5 min old, ≤ 1 s ahead) and the bcrypt signature, refuses `account_id` with SELF; reuses a
 *   token while ≥ 30 min remain.
 * - `GET …/last-changed-statuses`, `POST …/product-orders/query`: Bearer token required
 *   (`401 GW.AUTHN`); answers in `{timestamp, traceId, data}` envelopes.
 * - Every answer carries `GNCP-GW-Trace-ID`; with `ratePerSec` > 0, `429 GW.RATE_LIMIT` and
 *   `GNCP-GW-RateLimit-*` headers.
 */
export async function startNaverSandbox(options: NaverSandboxOptions = {}): Promise<NaverSandbox> {
  let clock: () => Date = options.now ?? (() => new Date());
  const now = () => clock();
  const credentials = {
    applicationId: options.applicationId ?? NAVER_SANDBOX_APP.applicationId,
    applicationSecret: options.applicationSecret ?? NAVER_SANDBOX_APP.applicationSecret,
  };
  const ids = new SandboxIds();
  const store = new SandboxStore();
  let ordinal = 0;
  const addOrders = (specs: SandboxOrderSpec[]): SandboxOrderRef[] =>
    specs.map((spec) => {
      const built = buildOrder(spec, ids, ++ordinal);
      store.add(built.infos, built.events);
      return built.ref;
    });

  const start = now();
  const scenario = {} as Record<ScenarioKey, SandboxOrderRef>;
  for (const { key, spec } of scenarioOrders(start)) scenario[key] = addOrders([spec])[0]!;
  const seed = options.seed ?? 1;
  if (options.extraOrders) {
    addOrders(randomOrders(seed, options.extraOrders, new Date(start.getTime() - 47 * HOUR), new Date(start.getTime() - 2 * 60_000)));
  }

  const tokens = new SandboxTokens(options.tokenTtlSec ?? 10_800);
  const bucket = new RateBucket(options.ratePerSec ?? 0);
  const requests: NaverSandboxRequest[] = [];
  const traceIds = new WeakMap<FastifyRequest, string>();
  const traceId = (req: FastifyRequest) => traceIds.get(req) ?? '';
  let traceCounter = 0;
  let ipAllowed = true;
  let orderApiEnabled = true;
  let randomBatches = 0;
  const detailFaults = new Map<string, DetailFault>();
  const errCtx = { now, traceId };
  const tokenPath = `/external${TOKEN_ROUTE}`;
  const orderPaths = new Set([`/external${FEED_ROUTE}`, `/external${DETAIL_ROUTE}`]);

  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', async (req, reply) => {
    const id = newTraceId(++traceCounter);
    traceIds.set(req, id);
    reply.header('GNCP-GW-Trace-ID', id);
    if (!ipAllowed) return sendError(errCtx, req, reply, 403, 'GW.IP_NOT_ALLOWED', '호출이 허용되지 않은 IP입니다.');
    const rate = bucket.take();
    for (const [k, v] of Object.entries(rate.headers)) reply.header(k, v);
    if (!rate.allowed) return sendError(errCtx, req, reply, 429, 'GW.RATE_LIMIT', '요청이 많아 서비스를 일시적으로 사용할 수 없습니다.');
    const route = req.routeOptions.url;
    if (route === undefined || route === tokenPath) return; // unknown paths: 404 below; token: own checks
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const live = bearer !== null && tokens.isLive(bearer[1]!, now());
    if (!live || (!orderApiEnabled && orderPaths.has(route))) {
      return sendError(errCtx, req, reply, 401, 'GW.AUTHN', '요청을 보낼 권한이 없습니다.');
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    const isJson = String(req.headers['content-type'] ?? '').startsWith('application/json');
    requests.push({
      method: req.method,
      path: req.url.split('?')[0]!,
      query: { ...((req.query ?? {}) as Record<string, string | string[]>) },
      status: reply.statusCode,
      at: new Date(),
      ...(isJson && req.body !== undefined ? { body: req.body } : {}),
    });
  });

  app.setNotFoundHandler((req, reply) => sendError(errCtx, req, reply, 404, 'GW.NOT_FOUND', '등록되지 않은 API입니다.'));
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? 400 : 500;
    return sendError(errCtx, req, reply, status, status === 400 ? '4000' : '9999', status === 400 ? '잘못된 요청 파라미터입니다.' : '기타 오류가 발생했습니다.');
  });

  await app.register(
    async (scope) => {
      registerRoutes(scope, { store, tokens, now, traceId, detailFaults, ...credentials });
    },
    { prefix: '/external' },
  );
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = app.server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/external`,
    credentials,
    requests,
    scenario,
    now,
    setNow(next) {
      clock = typeof next === 'function' ? next : () => next;
    },
    addProductOrders: addOrders,
    addRandomOrders(count, range = {}) {
      const t = now().getTime();
      const from = range.from ?? new Date(t - 47 * HOUR);
      const to = range.to ?? new Date(t - 2 * 60_000);
      return addOrders(randomOrders(range.seed ?? seed + 1000 * ++randomBatches, count, from, to));
    },
    changeProductOrder(productOrderId, change) {
      store.change(productOrderId, change, now());
    },
    productOrders: () => store.all(),
    feedEvents: () => store.allEvents(),
    revokeTokens: () => tokens.revokeAll(),
    setIpAllowed(allowed) {
      ipAllowed = allowed;
    },
    setOrderApiEnabled(enabled) {
      orderApiEnabled = enabled;
    },
    setDetailFault(productOrderId, fault) {
      if (fault) detailFaults.set(productOrderId, fault);
      else detailFaults.delete(productOrderId);
    },
    setRatePerSec: (rate) => bucket.setRate(rate),
    close: () => app.close(),
  };
}
