/**
 * The write side every marketplace connector offers the export pipelines (design.md §5–6):
 * confirmations, tracking numbers and stock. Each call takes many targets, splits them into the
 * marketplace's batch limits, and answers one result per target read from the marketplace's
 * answer body (HTTP 200 does not mean every item succeeded).
 *
 * Exactly-once is the pipeline's job (export_items written before, settled after); the connector's
 * part is to never resend a write on its own when the answer was lost, to say `unknown` instead,
 * and to offer {@link ExportSink.remoteState} so the pipeline can ask what the marketplace has.
 */

/** One marketplace order to confirm (Naver 발주확인 of its lines; Rakuten confirmOrder). */
export interface ConfirmTarget {
  /** Naver `orderId`; Rakuten `orderNumber`. */
  mallOrderId: string;
  /** Naver: the `productOrderId`s to confirm; Rakuten: ignored (the whole order is confirmed). */
  mallLineIds: string[];
}

/** One parcel's tracking number (Naver dispatch of its lines; Rakuten updateOrderShipping of its basket). */
export interface TrackingTarget {
  mallOrderId: string;
  /** Rakuten `basketId`; Naver ''. */
  mallPackageId: string;
  /** Naver: the `productOrderId`s of the parcel; Rakuten: ignored. */
  mallLineIds: string[];
  trackingNumber: string;
  /** Naver `deliveryCompanyCode` (e.g. QXPRESS); Rakuten `deliveryCompany` (e.g. 1000). */
  carrierCode: string;
  /** When the parcel left (UTC instant); sent as a KST/JST date or date-time as each API wants. */
  shippedAt: Date;
}

/** One listing's absolute stock. */
export interface StockTarget {
  /** Naver `originProductNo`; Rakuten `manageNumber`. */
  listingProductId: string;
  /** Naver option id (`optionCombinations[].id`), '' for a product without options; Rakuten `variantId`. */
  listingOptionId: string;
  /** Units available to sell, ≥ 0. */
  quantity: number;
}

/**
 * The marketplace's answer for one target.
 * - `done`: accepted (also when it was already in that state, e.g. dispatched with this very number).
 * - `failed`: refused; `permanent` when repeating cannot help (cancelled order, invalid number).
 * - `unknown`: no usable answer (timeout, garbled body): ask {@link ExportSink.remoteState} before any resend.
 */
export interface WriteResult {
  /** `mallOrderId` for confirmations, `mallOrderId/mallPackageId` for tracking, `listingProductId/listingOptionId` for stock. */
  key: string;
  outcome: 'done' | 'failed' | 'unknown';
  permanent: boolean;
  /** The marketplace's code (`104122`, `ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102`, `IE0117`…). */
  code?: string;
  message?: string;
}

/** What the marketplace says about one order now (read-back after a lost answer). */
export interface RemoteOrderState {
  mallOrderId: string;
  /** Naver: every line's placeOrderStatus is OK; Rakuten: orderProgress ≥ 200 (or 300 and later). */
  confirmed: boolean;
  /** The marketplace cancelled the order or a cancellation is under way. */
  cancelled: boolean;
  /** Tracking numbers registered per package ('' for Naver), as the marketplace shows them. */
  trackingNumbers: Record<string, string[]>;
}

/** The write side of a connector. */
export interface ExportSink {
  confirm(targets: ConfirmTarget[]): Promise<WriteResult[]>;
  sendTracking(targets: TrackingTarget[]): Promise<WriteResult[]>;
  pushStock(targets: StockTarget[]): Promise<WriteResult[]>;
  /** Reads the current state of these orders (Naver: product-orders/query; Rakuten: getOrder). */
  remoteState(mallOrderIds: string[], mallLineIds?: string[]): Promise<Map<string, RemoteOrderState>>;
}

/** The key of a tracking result. */
export function trackingKey(t: Pick<TrackingTarget, 'mallOrderId' | 'mallPackageId'>): string {
  return `${t.mallOrderId}/${t.mallPackageId}`;
}

/** The key of a stock result. */
export function stockKey(t: Pick<StockTarget, 'listingProductId' | 'listingOptionId'>): string {
  return `${t.listingProductId}/${t.listingOptionId}`;
}
