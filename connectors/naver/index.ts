import { got } from 'got';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { ConnectionTest, ConnectorContext, OrderSource, PullOptions } from '../shared/connector.js';
import { DEFAULT_RETRY } from '../shared/http.js';
import { closeLimiter, createLimiter } from '../shared/limiter.js';
import type { OrderLinePage, TimeWindow } from '../shared/order-line.js';
import { createNaverClient, DETAIL_BATCH_MAX, FEED_PAGE_MAX } from './client.js';
import { NAVER_BASE_URL, NAVER_DEFAULT_RATE, type NaverCredentials } from './credentials.js';
import { pullWindow, type PullDeps } from './pull.js';
import { FEED_END_MARGIN_MS, feedWindows } from './windows.js';

/** Tuning of one Naver connector; the defaults are Naver's maximums. */
export interface NaverConnectorOptions {
  /** Feed page size (`limitCount`), 1–300; default 300 (spec §3.1). Tests use small pages. */
  feedPageSize?: number;
  /** Ids per detail query, 1–300; default 300 (spec §3.2). */
  detailBatchSize?: number;
}

function clampSize(value: number | undefined, max: number): number {
  if (value === undefined) return max;
  return Math.min(max, Math.max(1, Math.floor(value)));
}

/** A sentence a seller can act on, for a failure of the connection test (design.md §1). */
function explain(err: unknown, stage: 'token' | 'orders', baseUrl: string): string {
  if (err instanceof ApiError) {
    const said = err.code ? ` (Naver: ${err.code})` : ` (HTTP ${err.status ?? '-'})`;
    if (err.code === 'GW.IP_NOT_ALLOWED') {
      return "This server's IP is not registered for the application in 커머스API센터: add it under the application's API호출 IP, then test again.";
    }
    switch (err.kind) {
      case 'auth':
      case 'forbidden':
        if (stage === 'token') {
          return `Naver refused the application ID or secret${said}: copy both again from 커머스API센터 → 애플리케이션 (the secret starts with $2a$ and is 29 characters long; a re-issued secret replaces the old one).`;
        }
        return `The application ID and secret are accepted, but the order API refused the token${said}: add the API group '주문 판매자' (and '상품' for stock sync) to the application in 커머스API센터, and check that its 180-day authentication has not lapsed.`;
      case 'network':
        return `The Naver Commerce API at ${baseUrl} could not be reached (${err.code ?? 'no answer'}): check this server's network or proxy and the shop's API base URL.`;
      case 'rate_limited':
        return 'Naver is limiting this application\'s calls (GW.RATE_LIMIT): another program may be using the same application; try again in a minute.';
      case 'server':
        return `Naver answered with a server error${said}; the problem is on Naver's side: try again later.`;
      default:
        return `Naver refused the test request${said}: ${err.message}. Check the shop's API base URL (${baseUrl}).`;
    }
  }
  if (err instanceof ResponseShapeError) {
    return `Naver answered in an unexpected form (${err.message}); check that the shop's API base URL (${baseUrl}) points at the Commerce API.`;
  }
  return `The connection test failed: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * The Naver SmartStore order source of one shop (design.md §6, spec §2–§3).
 *
 * - `pullOrderLines(window)`: `window` (UTC instants, both ends inclusive) is clamped to now − 5 s
 *   and cut into feed windows of ≤ 24 h (a window entirely in the future makes no request and
 *   yields nothing). Per window: every feed page (`data.more`, fixed `lastChangedTo`), ids
 *   deduplicated and grouped by order, then detail queries of ≤ 300 ids matched by productOrderId;
 *   one OrderLinePage per detail batch, the window's last page with `coveredUntil` = its end.
 *   Throws ApiError / ResponseShapeError when a feed or detail call fails after retries; one bad
 *   product order is a RecordFailure in its page instead.
 * - `testConnection()`: a token and one feed read of the last 10 minutes; never throws.
 * - `close()`: releases the shop's limiter (and its Redis connection).
 *
 * Every request goes through one limiter `naver:<shop id>` at `shop.rateLimitPerSec ?? 2`/s
 * (shared through Redis when `redisUrl` is set) and the retry policy `ctx.retry`.
 */
export function createNaverConnector(ctx: ConnectorContext<NaverCredentials>, options: NaverConnectorOptions = {}): OrderSource {
  const logger = ctx.logger.child({ module: 'connector:naver' });
  const baseUrl = ctx.shop.apiBaseUrl ?? NAVER_BASE_URL;
  const now = ctx.now ?? (() => new Date());
  const limiter = createLimiter({ id: `naver:${ctx.shop.id}`, ratePerSec: ctx.shop.rateLimitPerSec ?? NAVER_DEFAULT_RATE, redisUrl: ctx.redisUrl });
  const http = got.extend({
    prefixUrl: baseUrl,
    timeout: { request: ctx.timeoutMs ?? 30_000 },
    headers: { 'user-agent': 'mallbridge' },
  });
  const client = createNaverClient({
    http: { mall: 'naver', got: http, limiter, logger, retry: ctx.retry ?? DEFAULT_RETRY, sleep: ctx.sleep },
    credentials: ctx.credentials,
    now,
  });
  const deps: PullDeps = {
    client,
    logger,
    feedPageSize: clampSize(options.feedPageSize, FEED_PAGE_MAX),
    detailBatchSize: clampSize(options.detailBatchSize, DETAIL_BATCH_MAX),
  };
  let closed = false;

  return {
    mall: 'naver',

    async *pullOrderLines(window: TimeWindow, _options?: PullOptions): AsyncGenerator<OrderLinePage> {
      for (const w of feedWindows(window, now())) yield* pullWindow(deps, w);
    },

    async testConnection(): Promise<ConnectionTest> {
      try {
        await client.tokens.token();
      } catch (err) {
        return { ok: false, message: explain(err, 'token', baseUrl) };
      }
      try {
        const t = now().getTime() - FEED_END_MARGIN_MS;
        await client.lastChangedStatuses({ from: new Date(t - 10 * 60_000), to: new Date(t), limitCount: 1 });
      } catch (err) {
        return { ok: false, message: explain(err, 'orders', baseUrl) };
      }
      return { ok: true, message: 'Connected to Naver: the application ID and secret are accepted and the order API (주문 판매자) answers from this server.' };
    },

    async close() {
      if (closed) return;
      closed = true;
      await closeLimiter(limiter);
    },
  };
}
