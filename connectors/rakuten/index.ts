/**
 * The Rakuten Ichiba connector of one shop: the read side (pull.ts: searchOrder + getOrder →
 * order lines), the write side (sink.ts: confirmOrder, updateOrderShipping, inventory bulk
 * upsert, order read-back) and the connection test, all over ONE got instance and ONE limiter, so
 * reads and writes of a shop share its rate limit (design.md §6).
 */
import got from 'got';
import { ApiError } from '../../lib/errors.js';
import { toRakutenDatetime } from '../../lib/time.js';
import type { ConnectionTest, ConnectorContext, OrderSource } from '../shared/connector.js';
import type { ExportSink } from '../shared/exports.js';
import { DEFAULT_RETRY, type HttpContext } from '../shared/http.js';
import { closeLimiter, createLimiter } from '../shared/limiter.js';
import type { OrderLinePage } from '../shared/order-line.js';
import { rakutenHeaders } from './auth.js';
import { createRakutenClient, MAX_GET_ORDER_BATCH, MAX_PAGE_SIZE, MAX_SEARCH_HITS } from './client.js';
import { createRakutenWriteClient, MAX_CONFIRM_BATCH, MAX_INVENTORY_BATCH } from './client-write.js';
import { expiryNote, failureSentence } from './connection-test.js';
import { RAKUTEN_BASE_URL, RAKUTEN_DEFAULT_RATE, type RakutenCredentials } from './credentials.js';
import { createOrderPuller } from './pull.js';
import { createRakutenSink } from './sink.js';

export { RAKUTEN_BASE_URL, RAKUTEN_DEFAULT_RATE, RakutenCredentials } from './credentials.js';
export { LICENCE_KEY_SENTENCE, FUNCTION_DISABLED_SENTENCE, CONTENT_TYPE_SENTENCE } from './client.js';
export { EXPIRY_WARNING_DAYS, licenceExpiryWarning } from './connection-test.js';
export { DEFAULT_DELIVERY_COMPANY, DELIVERY_COMPANIES } from './carriers.js';

/**
 * Sizes the connector works with. The defaults are Rakuten's documented limits; tests lower them
 * to exercise paging, batching and the window split against the sandbox without 15,000 orders.
 */
export interface RakutenTuning {
  /** searchOrder `requestRecordsAmount`, 1–1000 (default 1000). */
  pageSize?: number;
  /** Hits one search can reach; a window with more is halved (default 15,000, spec §2.2). */
  maxHitsPerSearch?: number;
  /** Order numbers per getOrder call, 1–100 (default 100); also used by `remoteState`. */
  getOrderBatchSize?: number;
  /** Order numbers per confirmOrder call, 1–100 (default 100, spec §4.1). */
  confirmBatchSize?: number;
  /**
   * Orders read back per getOrder call right before their updateOrderShipping calls, 1–100
   * (default 20): each order's baskets and rows are then at most about 20 writes old when used
   * (spec pitfall 15), at 1.05 requests per order instead of 2.
   */
  shippingReadAhead?: number;
  /** Rows per inventories/bulk-upsert call, 1–400 (default 400, spec §5.2). */
  inventoryBatchSize?: number;
}

/** The Rakuten order source, plus the re-read design.md §6 asks for (orders taken in and not final). */
export interface RakutenOrderSource extends OrderSource {
  /**
   * Re-reads given orders with getOrder (batches of ≤ 100, version 10), e.g. to notice a
   * cancellation (900) or an address change. Yields one page per batch, without `coveredUntil`.
   * An order number Rakuten does not return (INFO_102) is a RecordFailure.
   */
  readOrders(orderNumbers: readonly string[]): AsyncGenerator<OrderLinePage>;
}

/** One shop's Rakuten connector: both sides over one limiter; `close()` releases it. */
export interface RakutenConnector extends RakutenOrderSource, ExportSink {}

const HOUR = 3_600_000;
const DEFAULT_SHIPPING_READ_AHEAD = 20;

function inRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`rakuten connector: ${name} must be an integer ${min}–${max}, got ${value}`);
  return value;
}

/**
 * Builds the Rakuten connector of one shop: an `OrderSource` (pull, re-read, connection test)
 * that is also the shop's `ExportSink` (confirm, sendTracking, pushStock, remoteState).
 *
 * - HTTP: one got instance with `prefixUrl` = `shop.apiBaseUrl ?? RAKUTEN_BASE_URL` and
 *   `timeout.request` = `ctx.timeoutMs ?? 30000` ms; every call goes through `callMarketplace`
 *   (reads retried on 429/5xx/network/garbled answers; writes only on 429 and on connection errors
 *   proving nothing was sent).
 * - Limiter: `createLimiter({id: 'rakuten:' + shop.id, ratePerSec: shop.rateLimitPerSec ??
 *   RAKUTEN_DEFAULT_RATE, redisUrl})` (0 = unthrottled, for tests), shared by reads and writes.
 * - Headers: `Authorization: ESA …` and `Content-Type: application/json; charset=utf-8` (spec §1).
 *
 * @param ctx shop, decrypted credentials (with the stored `licenseExpiresAt`), logger, optional
 *   clock/sleep/retry policy/timeout.
 * @param tuning page, batch and read-ahead sizes (defaults: Rakuten's limits).
 * @throws RangeError when `tuning` is outside Rakuten's limits.
 */
export function createRakutenConnector(ctx: ConnectorContext<RakutenCredentials>, tuning: RakutenTuning = {}): RakutenConnector {
  const getOrderBatchSize = inRange('getOrderBatchSize', tuning.getOrderBatchSize ?? MAX_GET_ORDER_BATCH, 1, MAX_GET_ORDER_BATCH);
  const sizes = {
    confirmBatchSize: inRange('confirmBatchSize', tuning.confirmBatchSize ?? MAX_CONFIRM_BATCH, 1, MAX_CONFIRM_BATCH),
    shippingReadAhead: inRange('shippingReadAhead', tuning.shippingReadAhead ?? DEFAULT_SHIPPING_READ_AHEAD, 1, MAX_GET_ORDER_BATCH),
    inventoryBatchSize: inRange('inventoryBatchSize', tuning.inventoryBatchSize ?? MAX_INVENTORY_BATCH, 1, MAX_INVENTORY_BATCH),
    getOrderBatchSize,
  };
  const clock = ctx.now ?? (() => new Date());
  const logger = ctx.logger.child({ module: 'connector:rakuten', shop: ctx.shop.id });
  const baseUrl = ctx.shop.apiBaseUrl ?? RAKUTEN_BASE_URL;
  const limiter = createLimiter({
    id: `rakuten:${ctx.shop.id}`,
    ratePerSec: ctx.shop.rateLimitPerSec ?? RAKUTEN_DEFAULT_RATE,
    redisUrl: ctx.redisUrl,
  });
  const http: HttpContext = {
    mall: 'rakuten',
    got: got.extend({ prefixUrl: baseUrl, timeout: { request: ctx.timeoutMs ?? 30_000 } }),
    limiter,
    logger,
    retry: ctx.retry ?? DEFAULT_RETRY,
    ...(ctx.sleep ? { sleep: ctx.sleep } : {}),
  };
  const headers = rakutenHeaders(ctx.credentials);
  const client = createRakutenClient(http, headers);
  const puller = createOrderPuller({
    client,
    logger,
    clock,
    pageSize: inRange('pageSize', tuning.pageSize ?? MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    batchSize: getOrderBatchSize,
    maxHits: inRange('maxHitsPerSearch', tuning.maxHitsPerSearch ?? MAX_SEARCH_HITS, 1, MAX_SEARCH_HITS),
  });
  const sink = createRakutenSink(
    {
      reader: client,
      writer: createRakutenWriteClient(http, headers),
      logger,
      licenceNote: () => expiryNote(ctx.credentials.licenseExpiresAt, clock()).passed,
    },
    sizes,
  );
  let closed = false;

  return {
    mall: 'rakuten',
    pullOrderLines: puller.pullOrderLines,
    readOrders: puller.readOrders,
    confirm: sink.confirm,
    sendTracking: sink.sendTracking,
    pushStock: sink.pushStock,
    remoteState: sink.remoteState,

    /**
     * One cheap searchOrder (the last hour, one record). Never throws: returns `{ok, message}` with
     * a sentence a seller can act on — wrong key pair or expired licence key (ES01-01, with a note
     * when the stored expiry date has passed or the two keys name different shops), API function
     * not enabled (ES04-01), network unreachable. When the stored licence expiry date
     * (`licenseExpiresAt`) is within 14 days or past, the sentence of `licenceExpiryWarning` is
     * added (to a success too: the key works today, but not for long).
     */
    async testConnection(): Promise<ConnectionTest> {
      const now = clock();
      const expiry = expiryNote(ctx.credentials.licenseExpiresAt, now);
      try {
        await client.searchOrder({
          dateType: 1,
          startDatetime: toRakutenDatetime(new Date(now.getTime() - HOUR)),
          endDatetime: toRakutenDatetime(now),
          PaginationRequestModel: { requestRecordsAmount: 1, requestPage: 1 },
        });
        const message = `Rakuten RMS answered for shop ${ctx.shop.mallShopId}: the key pair works.`;
        return { ok: true, message: expiry.warning ? `${message} ${expiry.warning}` : message };
      } catch (err) {
        const sentence = failureSentence(err, baseUrl, expiry.passed, ctx.credentials);
        const auth = err instanceof ApiError && err.kind === 'auth';
        const refused = err instanceof ApiError && (err.kind === 'auth' || err.kind === 'forbidden');
        return { ok: false, message: expiry.warning && !auth ? `${sentence}. ${expiry.warning}` : sentence, authRefused: refused };
      }
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await closeLimiter(limiter);
    },
  };
}
