import type { Logger } from '../../lib/logger.js';
import type { Mall } from '../../lib/errors.js';
import type { RetryPolicy } from './http.js';
import type { OrderLinePage, TimeWindow } from './order-line.js';
import type { ExportSink } from './exports.js';

/** What a connector needs to know about the shop it talks for (no database row, no secrets). */
export interface ConnectorShop {
  id: number;
  mall: Mall;
  mallShopId: string;
  /** API base URL; null = the marketplace's production URL. */
  apiBaseUrl: string | null;
  /** Requests per second; null = the marketplace's documented rate. */
  rateLimitPerSec: number | null;
  autoOrderConfirm: boolean;
}

/** Everything a connector is built from: passed in by the pipeline, never global (style.md point 3). */
export interface ConnectorContext<C> {
  shop: ConnectorShop;
  /** Decrypted credentials, already validated against the mall's schema. */
  credentials: C;
  logger: Logger;
  /** Shares each shop's rate limit across workers when set. */
  redisUrl?: string | undefined;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Options of one pull. */
export interface PullOptions {
  /** Rakuten: also take in orders waiting for confirmation (100), for auto-confirm shops. */
  includeUnconfirmed: boolean;
}

/** The outcome of a connection test: a sentence a seller can act on. */
export interface ConnectionTest {
  ok: boolean;
  message: string;
  /**
   * The marketplace refused the credentials (authentication or permission): counts towards the
   * shop's authentication back-off. Network and server trouble do not (the shop is unhealthy, its
   * runs are not paused).
   */
  authRefused?: boolean;
}

/** The read side every marketplace connector offers the orders pipeline. */
export interface OrderSource {
  readonly mall: Mall;
  /**
   * Yields the lines of the orders changed (Naver) or placed (Rakuten) inside `window`, page by
   * page, each order complete within one page. Windows longer than the marketplace allows are
   * split; `coveredUntil` on a page marks how far the pull has got.
   */
  pullOrderLines(window: TimeWindow, options: PullOptions): AsyncGenerator<OrderLinePage>;
  /**
   * Re-reads these orders (Rakuten getOrder), page by page, so a cancellation or an address
   * change of an order already taken in is seen (design.md §6). Connectors whose change feed
   * already reports such changes (Naver) leave it out.
   */
  readOrders?(mallOrderIds: readonly string[]): AsyncGenerator<OrderLinePage>;
  /** One cheap authenticated read; never throws for marketplace answers, only returns the sentence. */
  testConnection(): Promise<ConnectionTest>;
  /** Releases the limiter and sockets. */
  close(): Promise<void>;
}

/** A marketplace connector: the read side and the write side over one limiter per shop. */
export type Connector = OrderSource & ExportSink;
