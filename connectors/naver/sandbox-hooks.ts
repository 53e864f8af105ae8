import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toKstIsoMillis } from '../../lib/time.js';
import type { Delays, FaultBook, NaverSandboxRoute, ResolvedFault } from './sandbox-faults.js';
import { newTraceId, type RateBucket, type SandboxTokens } from './sandbox-gateway.js';
import { MULTI_UPDATE_ROUTE, OPTION_STOCK_ROUTE, ORIGIN_PRODUCT_ROUTE, PRODUCT_SEARCH_ROUTE } from './sandbox-product-routes.js';
import { DETAIL_ROUTE, FEED_ROUTE, TOKEN_ROUTE, sendError } from './sandbox-routes.js';
import { CONFIRM_ROUTE, DISPATCH_ROUTE, ORDER_IDS_ROUTE } from './sandbox-writes.js';

/**
 * The sandbox's gateway, as fastify hooks (spec §7.1, §7.4): trace ids, IP allow-list, token
 * bucket, Bearer tokens and API groups (주문 판매자 for order routes, 상품 for product routes:
 * both answer `401 GW.AUTHN` when missing, spec §2.6), faults, and the request logs.
 */

/** Route patterns (under `/external`) → names. */
export const ROUTE_NAMES: ReadonlyMap<string, NaverSandboxRoute> = new Map<string, NaverSandboxRoute>([
  [TOKEN_ROUTE, 'token'],
  [FEED_ROUTE, 'feed'],
  [DETAIL_ROUTE, 'detail'],
  [ORDER_IDS_ROUTE, 'order-ids'],
  [CONFIRM_ROUTE, 'confirm'],
  [DISPATCH_ROUTE, 'dispatch'],
  [ORIGIN_PRODUCT_ROUTE, 'origin-product'],
  [OPTION_STOCK_ROUTE, 'option-stock'],
  [MULTI_UPDATE_ROUTE, 'multi-update'],
  [PRODUCT_SEARCH_ROUTE, 'product-search'],
]);
const ORDER_GROUP = new Set<NaverSandboxRoute>(['feed', 'detail', 'order-ids', 'confirm', 'dispatch']);
const PRODUCT_GROUP = new Set<NaverSandboxRoute>(['origin-product', 'option-stock', 'multi-update', 'product-search']);

/** One request the sandbox answered (tests count calls). `at` is real time. */
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

/** One request as it arrived, before any check: also those whose answer never reached the client. */
export interface NaverSandboxArrival {
  method: string;
  path: string;
  /** undefined for a path the sandbox does not serve. */
  route: NaverSandboxRoute | undefined;
  at: Date;
}

/** What the hooks read and write. */
export interface GatewayContext {
  now: () => Date;
  tokens: SandboxTokens;
  bucket: RateBucket;
  faults: FaultBook;
  delays: Delays;
  requests: NaverSandboxRequest[];
  received: NaverSandboxArrival[];
  switches: { ipAllowed: boolean; orderApi: boolean; productApi: boolean };
}

/** Installs the gateway hooks; returns the trace id and route name lookups the routes use. */
export function installGateway(app: FastifyInstance, ctx: GatewayContext): { traceId: (req: FastifyRequest) => string; writeRequestNo: (req: FastifyRequest) => number } {
  const traceIds = new WeakMap<FastifyRequest, string>();
  const faultOf = new WeakMap<FastifyRequest, ResolvedFault>();
  const arrivalNo = new WeakMap<FastifyRequest, number>();
  const traceId = (req: FastifyRequest) => traceIds.get(req) ?? '';
  const errCtx = { now: ctx.now, traceId };
  let counter = 0;
  let writes = 0;

  app.addHook('onRequest', async (req, reply) => {
    const id = newTraceId(++counter);
    traceIds.set(req, id);
    reply.header('GNCP-GW-Trace-ID', id);
    const pattern = req.routeOptions.url?.replace(/^\/external/, '');
    const route = pattern === undefined ? undefined : ROUTE_NAMES.get(pattern);
    ctx.received.push({ method: req.method, path: req.url.split('?')[0]!, route, at: new Date() });
    if (route === 'confirm' || route === 'dispatch' || route === 'option-stock' || route === 'multi-update') arrivalNo.set(req, ++writes);
    if (!ctx.switches.ipAllowed) return sendError(errCtx, req, reply, 403, 'GW.IP_NOT_ALLOWED', '호출이 허용되지 않은 IP입니다.');
    const rate = ctx.bucket.take();
    for (const [k, v] of Object.entries(rate.headers)) reply.header(k, v);
    if (!rate.allowed) return sendError(errCtx, req, reply, 429, 'GW.RATE_LIMIT', '요청이 많아 서비스를 일시적으로 사용할 수 없습니다.');
    if (route === undefined) return; // unknown paths: 404 from the not-found handler
    if (route !== 'token') {
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
      const live = bearer !== null && ctx.tokens.isLive(bearer[1]!, ctx.now());
      const groupMissing = (!ctx.switches.orderApi && ORDER_GROUP.has(route)) || (!ctx.switches.productApi && PRODUCT_GROUP.has(route));
      if (!live || groupMissing) return sendError(errCtx, req, reply, 401, 'GW.AUTHN', '요청을 보낼 권한이 없습니다.');
    }
    const fault = ctx.faults.take(route);
    if (!fault) return;
    if (fault.kind === '429') {
      reply.header('GNCP-GW-RateLimit-Remaining', '0');
      return sendError(errCtx, req, reply, 429, 'GW.RATE_LIMIT', '요청이 많아 서비스를 일시적으로 사용할 수 없습니다.');
    }
    if (fault.kind === '500' && fault.phase === 'before') return sendError(errCtx, req, reply, 500, 'GW.INTERNAL_SERVER_ERROR', '일시적인 오류가 발생했습니다.');
    faultOf.set(req, fault);
  });

  // Faults after processing: the route has run (a write is applied); only its answer goes wrong.
  app.addHook('onSend', async (req, reply, payload) => {
    const fault = faultOf.get(req);
    if (!fault) return payload;
    faultOf.delete(req);
    if (fault.kind === '500') {
      reply.code(500);
      return JSON.stringify({ code: 'GW.INTERNAL_SERVER_ERROR', message: '일시적인 오류가 발생했습니다.', timestamp: toKstIsoMillis(ctx.now()), traceId: traceId(req) });
    }
    if (fault.kind === 'malformed') {
      const text = typeof payload === 'string' ? payload : String(payload ?? '');
      return text.slice(0, Math.floor(text.length / 2));
    }
    await ctx.delays.wait(fault.delayMs);
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const isJson = String(req.headers['content-type'] ?? '').startsWith('application/json');
    ctx.requests.push({
      method: req.method,
      path: req.url.split('?')[0]!,
      query: { ...((req.query ?? {}) as Record<string, string | string[]>) },
      status: reply.statusCode,
      at: new Date(),
      ...(isJson && req.body !== undefined ? { body: req.body } : {}),
    });
  });

  return { traceId, writeRequestNo: (req) => arrivalNo.get(req) ?? 0 };
}
