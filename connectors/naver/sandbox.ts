import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { originProductJson, sandboxCatalog, type SandboxProduct } from './sandbox-catalog.js';
import { Delays, FaultBook, WRITE_ROUTES, type NaverSandboxFault, type NaverSandboxRandomFaults } from './sandbox-faults.js';
import { RateBucket, SandboxTokens } from './sandbox-gateway.js';
import { installGateway, type NaverSandboxArrival, type NaverSandboxRequest } from './sandbox-hooks.js';
import { randomOrders, scenarioOrders, type ScenarioKey } from './sandbox-orders.js';
import { registerProductRoutes } from './sandbox-product-routes.js';
import { SandboxIds, buildOrder, type SandboxFeedEvent, type SandboxOrderRef, type SandboxOrderSpec, type SandboxProductOrderInfo } from './sandbox-records.js';
import { registerRoutes, sendError, type DetailFault } from './sandbox-routes.js';
import { SandboxStore, type SandboxChange } from './sandbox-store.js';
import { registerWriteRoutes, type DispatchSuccessStyle, type NaverSandboxWrite } from './sandbox-writes.js';

export type { NaverSandboxArrival, NaverSandboxRequest } from './sandbox-hooks.js';
export type { NaverSandboxFault, NaverSandboxFaultKind, NaverSandboxRandomFaults, NaverSandboxRoute } from './sandbox-faults.js';
export type { NaverSandboxWrite } from './sandbox-writes.js';

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
  /** Random faults from a seed (429, 500, slow, malformed) on the chosen routes; default none. */
  faults?: NaverSandboxRandomFaults;
}

/** A running sandbox. */
export interface NaverSandbox {
  /** `http://127.0.0.1:<port>/external`: the shop's API base URL. */
  baseUrl: string;
  /** The credentials the sandbox accepts. */
  credentials: { applicationId: string; applicationSecret: string };
  /** Every request answered, in order (cleared by `requests.length = 0`). */
  requests: NaverSandboxRequest[];
  /**
   * Every request as it arrived, before any check, in order: also those whose answer the client
   * never got (a slow answer past its timeout). "Exactly once" is counted here.
   */
  received: NaverSandboxArrival[];
  /** Every confirmation, dispatch and stock write item, applied or refused, in order. */
  writes: NaverSandboxWrite[];
  /** How many write requests arrived (all write routes, or one). */
  writeRequests(route?: 'confirm' | 'dispatch' | 'option-stock' | 'multi-update'): number;
  /** The product as `GET /v2/products/origin-products/{no}` answers it now (a copy), or undefined. */
  product(originProductNo: string): Record<string, unknown> | undefined;
  /** The sandbox's products (copies of its own model: stock, options, prices, status). */
  products(): SandboxProduct[];
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
  /** false: product routes answer 401 GW.AUTHN to valid tokens, as when the API group 상품 is missing. */
  setProductApiEnabled(enabled: boolean): void;
  /** The next matching requests meet this fault (see {@link NaverSandboxFault}). */
  addFault(fault: NaverSandboxFault): void;
  /** Random faults from a seed from now on; null stops them. */
  setRandomFaults(faults: NaverSandboxRandomFaults | null): void;
  /** Drops every pending and random fault. */
  clearFaults(): void;
  /** How dispatch lists successes: `ids` (documented, default) or `infos` (seen by one integrator). */
  setDispatchSuccessStyle(style: DispatchSuccessStyle): void;
  /** true: confirm and dispatch process this product order but leave it out of both answer lists. */
  setOmittedFromAnswers(productOrderId: string, omitted: boolean): void;
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
 * - `GET …/last-changed-statuses`, `POST …/product-orders/query`, `GET …/orders/{id}/product-order-ids`:
 *   Bearer token required (`401 GW.AUTHN`); answers in `{timestamp, traceId, data}` envelopes.
 * - `POST …/confirm`, `POST …/dispatch` (sandbox-writes.ts): ≤ 30 items, per-item success and
 *   failure lists in HTTP 200 as Naver answers them; each item recorded in `writes`.
 * - `GET /v2/products/origin-products/{no}`, `PUT …/option-stock` (omitted options and prices
 *   become 0), `PATCH …/multi-update`, `POST /v1/products/search` (sandbox-product-routes.ts) on
 *   the catalogue of sandbox-catalog.ts; product errors in the product API's format.
 * - Every answer carries `GNCP-GW-Trace-ID`; with `ratePerSec` > 0, `429 GW.RATE_LIMIT` and
 *   `GNCP-GW-RateLimit-*` headers; faults (429, 500, slow, malformed) by `faults` or `addFault`.
 * - Every request is logged on arrival (`received`) and once answered (`requests`).
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
  const received: NaverSandboxArrival[] = [];
  const writes: NaverSandboxWrite[] = [];
  const faults = new FaultBook(options.faults);
  const delays = new Delays();
  const switches = { ipAllowed: true, orderApi: true, productApi: true };
  const catalog = new Map(sandboxCatalog().map((p) => [p.originProductNo, p]));
  let randomBatches = 0;
  let successStyle: DispatchSuccessStyle = 'ids';
  const omitFromAnswer = new Set<string>();
  const detailFaults = new Map<string, DetailFault>();

  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const { traceId, writeRequestNo } = installGateway(app, { now, tokens, bucket, faults, delays, requests, received, switches });
  const errCtx = { now, traceId };
  const record = (_req: unknown, write: NaverSandboxWrite) => writes.push(write);

  app.setNotFoundHandler((req, reply) => sendError(errCtx, req, reply, 404, 'GW.NOT_FOUND', '등록되지 않은 API입니다.'));
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? 400 : 500;
    return sendError(errCtx, req, reply, status, status === 400 ? '4000' : '9999', status === 400 ? '잘못된 요청 파라미터입니다.' : '기타 오류가 발생했습니다.');
  });

  await app.register(
    async (scope) => {
      registerRoutes(scope, { store, tokens, now, traceId, detailFaults, ...credentials });
      registerWriteRoutes(scope, { store, now, traceId, record, writeRequestNo, dispatchSuccessStyle: () => successStyle, omitFromAnswer });
      registerProductRoutes(scope, { products: catalog, now, traceId, record, writeRequestNo });
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
      switches.ipAllowed = allowed;
    },
    setOrderApiEnabled(enabled) {
      switches.orderApi = enabled;
    },
    setProductApiEnabled(enabled) {
      switches.productApi = enabled;
    },
    received,
    writes,
    writeRequests: (route) => received.filter((r) => r.route !== undefined && (route === undefined ? WRITE_ROUTES.has(r.route) : r.route === route)).length,
    product(originProductNo) {
      const p = catalog.get(originProductNo);
      return p ? structuredClone(originProductJson(p)) : undefined;
    },
    products: () => [...catalog.values()].map((p) => structuredClone(p)),
    addFault: (fault) => faults.add(fault),
    setRandomFaults: (config) => faults.setRandom(config),
    clearFaults: () => faults.clear(),
    setDispatchSuccessStyle(style) {
      successStyle = style;
    },
    setOmittedFromAnswers(productOrderId, omitted) {
      if (omitted) omitFromAnswer.add(productOrderId);
      else omitFromAnswer.delete(productOrderId);
    },
    setDetailFault(productOrderId, fault) {
      if (fault) detailFaults.set(productOrderId, fault);
      else detailFaults.delete(productOrderId);
    },
    setRatePerSec: (rate) => bucket.setRate(rate),
    async close() {
      delays.releaseAll();
      await app.close();
    },
  };
}
