import { got } from 'got';
import type { ConnectionTest, ConnectorContext, OrderSource, PullOptions } from '../shared/connector.js';
import type { ExportSink } from '../shared/exports.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../shared/http.js';
import { closeLimiter, createLimiter } from '../shared/limiter.js';
import type { OrderLinePage, TimeWindow } from '../shared/order-line.js';
import { createNaverClient, DETAIL_BATCH_MAX, FEED_PAGE_MAX, type NaverApi } from './client.js';
import { runConnectionTest } from './connection-test.js';
import { NAVER_BASE_URL, NAVER_DEFAULT_RATE, type NaverCredentials } from './credentials.js';
import { confirmTargets } from './export-confirm.js';
import { createStockWriter } from './export-stock.js';
import { sendTrackingTargets } from './export-tracking.js';
import { pullWindow, type PullDeps } from './pull.js';
import { createRateFollower } from './rate.js';
import { remoteStateOf, type SinkDeps } from './remote-state.js';
import { feedWindows } from './windows.js';

/** Tuning of one Naver connector; the defaults are Naver's maximums. */
export interface NaverConnectorOptions {
  /** Feed page size (`limitCount`), 1–300; default 300 (spec §3.1). Tests use small pages. */
  feedPageSize?: number;
  /** Ids per detail query, 1–300; default 300 (spec §3.2). */
  detailBatchSize?: number;
}

/** A Naver connector: the read side and the write side of one shop, over one limiter and one token. */
export type NaverConnector = OrderSource & ExportSink;

/** The connection test gives up sooner than a job: a seller is waiting for its sentence. */
function testRetry(policy: RetryPolicy): RetryPolicy {
  return { attempts: Math.min(policy.attempts, 3), baseDelayMs: policy.baseDelayMs, maxDelayMs: Math.min(policy.maxDelayMs, 5_000) };
}

/** The write side (ExportSink) over a connector's client (exported for tests; use {@link createNaverConnector}). */
export function naverExportSink(deps: SinkDeps): ExportSink {
  const stock = createStockWriter(deps);
  return {
    confirm: (targets) => confirmTargets(deps, targets),
    sendTracking: (targets) => sendTrackingTargets(deps, targets),
    pushStock: (targets) => stock.pushStock(targets),
    remoteState: (mallOrderIds, mallLineIds) => remoteStateOf(deps, mallOrderIds, mallLineIds),
  };
}

function clampSize(value: number | undefined, max: number): number {
  if (value === undefined) return max;
  return Math.min(max, Math.max(1, Math.floor(value)));
}

/**
 * The Naver SmartStore connector of one shop (design.md §6, spec §2–§6): both the order source
 * and the export sink, so reads and writes share one limiter and one cached token.
 *
 * Read side (OrderSource):
 * - `pullOrderLines(window)`: `window` (UTC instants, both ends inclusive) is clamped to now − 5 s
 *   and cut into feed windows of ≤ 24 h (a window entirely in the future makes no request and
 *   yields nothing). Per window: every feed page (`data.more`, fixed `lastChangedTo`), ids
 *   deduplicated and grouped by order, then detail queries of ≤ 300 ids matched by productOrderId;
 *   one OrderLinePage per detail batch, the window's last page with `coveredUntil` = its end.
 *   Throws ApiError / ResponseShapeError when a feed or detail call fails after retries; one bad
 *   product order is a RecordFailure in its page instead.
 * - `testConnection()`: a token, one feed read of the last 10 minutes and one product search
 *   (connection-test.ts), with at most 3 attempts per call; never throws.
 * - `close()`: releases the shop's limiter (and its Redis connection).
 *
 * Write side (ExportSink; never throws for marketplace answers, one WriteResult per target):
 * - `confirm(targets)`: 발주확인 in calls of ≤ 30 ids (export-confirm.ts);
 * - `sendTracking(targets)`: 발송처리 in calls of ≤ 30 items after reading the lines (export-tracking.ts);
 * - `pushStock(targets)`: option-stock (read, then every option) or multi-update `STOCK` (export-stock.ts);
 * - `remoteState(orderIds, lineIds?)`: confirmed / cancelled / tracking numbers read back (remote-state.ts; throws when the read fails).
 * Writes are never resent on 5xx or a lost answer (`unknown`); 429 is retried.
 *
 * Every request goes through one limiter `naver:<shop id>` at `shop.rateLimitPerSec ?? 2`/s
 * (shared through Redis when `redisUrl` is set), slowed to `GNCP-GW-RateLimit-Replenish-Rate`
 * when the gateway sends a lower rate (rate.ts), and the retry policy `ctx.retry`.
 */
export function createNaverConnector(ctx: ConnectorContext<NaverCredentials>, options: NaverConnectorOptions = {}): NaverConnector {
  const logger = ctx.logger.child({ module: 'connector:naver' });
  const baseUrl = ctx.shop.apiBaseUrl ?? NAVER_BASE_URL;
  const now = ctx.now ?? (() => new Date());
  const rate = ctx.shop.rateLimitPerSec ?? NAVER_DEFAULT_RATE;
  const limiter = createLimiter({ id: `naver:${ctx.shop.id}`, ratePerSec: rate, redisUrl: ctx.redisUrl });
  const followRate = createRateFollower(limiter, rate, logger);
  const http = got.extend({
    prefixUrl: baseUrl,
    timeout: { request: ctx.timeoutMs ?? 30_000 },
    headers: { 'user-agent': 'mallbridge' },
    hooks: {
      afterResponse: [
        (response) => {
          followRate(response.headers);
          return response;
        },
      ],
    },
  });
  const retry = ctx.retry ?? DEFAULT_RETRY;
  const httpContext = { mall: 'naver' as const, got: http, limiter, logger, retry, sleep: ctx.sleep };
  const client = createNaverClient({ http: httpContext, credentials: ctx.credentials, now });
  // The test's own client: fewer attempts, and a token of its own (Naver hands back the same one, spec §2.3).
  let testClient: NaverApi | undefined;
  const sink = naverExportSink({ api: client, logger, now });
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

    testConnection(): Promise<ConnectionTest> {
      testClient ??= createNaverClient({ http: { ...httpContext, retry: testRetry(retry) }, credentials: ctx.credentials, now });
      return runConnectionTest(testClient, now, baseUrl);
    },

    ...sink,

    async close() {
      if (closed) return;
      closed = true;
      await closeLimiter(limiter);
    },
  };
}
