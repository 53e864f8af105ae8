import { z } from 'zod';

/**
 * The ship-to of a parcel as the marketplace gave it. Text is kept as written (Hangul, kana,
 * full-width digits); phone numbers stay text.
 * Korean addresses: `address1` = base address (도로명/지번), `address2` = detailed address.
 * Japanese addresses: `address1` = prefecture + city, `address2` = sub-address.
 */
export const Recipient = z.object({
  name: z.string(),
  phone: z.string(),
  postalCode: z.string(),
  address1: z.string(),
  address2: z.string(),
  country: z.string().length(2),
});
export type Recipient = z.infer<typeof Recipient>;

/**
 * Where a marketplace line stands, as mallbridge reads it:
 * - `awaiting`: paid and waiting for shipment (Naver PAYED + 발주 NOT_YET/OK, no cancel claim;
 *   Rakuten 300 発送待ち) — taken in.
 * - `unconfirmed`: waiting for the shop's confirmation (Rakuten 100/200) — taken in only when the
 *   shop auto-confirms (design.md §5).
 * - `cancelled`: cancelled or a cancellation is under way (must not ship).
 * - `held`: a claim or change is open at the marketplace (Rakuten 400/800, Naver return/exchange claims).
 * - `closed`: shipped, delivered or otherwise past fulfilment.
 * - `pending`: not paid yet.
 */
export const LineState = z.enum(['awaiting', 'unconfirmed', 'cancelled', 'held', 'closed', 'pending']);
export type LineState = z.infer<typeof LineState>;

/**
 * One marketplace order line, normalised by a connector's mapper: what the pipeline maps and
 * loads. Naver: one product order (`productOrderId`). Rakuten: one item (`itemDetailId`) of one
 * package (`basketId`) of an order.
 */
export const MallOrderLine = z.object({
  mall: z.enum(['naver', 'rakuten']),
  /** Naver `orderId`; Rakuten `orderNumber`. */
  mallOrderId: z.string().min(1),
  /** Rakuten `basketId` (a parcel destination); Naver ''. */
  mallPackageId: z.string(),
  /** Naver `productOrderId`; Rakuten `itemDetailId`. Unique per shop. */
  mallLineId: z.string().min(1),
  /** The marketplace's status as it wrote it: Naver `PAYED/NOT_YET`, Rakuten `300`. */
  mallStatus: z.string().min(1),
  /** Naver `claimType/claimStatus` when a claim exists; Rakuten null. */
  claimStatus: z.string().nullable(),
  state: LineState,
  /** The seller-defined code by design.md §4 step 1, trimmed; null when the line has none usable. */
  sellerCode: z.string().nullable(),
  /** Which marketplace field the code came from (`optionManageCode`, `merchantDefinedSkuId`…). */
  sellerCodeField: z.string().nullable(),
  /** Naver `productName`; Rakuten `itemName` (as shown at purchase). */
  productName: z.string(),
  /** Naver `productOption`; Rakuten `skuInfo`, else `selectedChoice`; '' when none. Line breaks are `\n`. */
  optionText: z.string(),
  /** Units to ship: Naver `remainQuantity`; Rakuten `units`. */
  quantity: z.number().int().nonnegative(),
  /** Unit price in the marketplace currency (KRW or JPY), when known. */
  unitPrice: z.number().int().nullable(),
  /** Listing keys for stock sync: Naver `originalProductId` + `optionCode`; Rakuten `manageNumber` + `variantId`. */
  listingProductId: z.string().nullable(),
  listingOptionId: z.string().nullable(),
  recipient: Recipient,
  /** When the buyer ordered (UTC instant). */
  orderedAt: z.date().nullable(),
  /** The marketplace record the line was read from, kept for audit (`mall_order_lines.payload`). */
  payload: z.unknown(),
});
export type MallOrderLine = z.infer<typeof MallOrderLine>;

/** A record the connector could not turn into lines: named, with the reason, never silently dropped. */
export interface RecordFailure {
  /** Order or line id as far as it could be read. */
  recordId: string;
  reason: string;
}

/**
 * One page of a pull. Every order in `lines` is complete (all its lines are in this page).
 * `coveredUntil`, when set, means every change up to that instant has now been yielded: the
 * cursor may move there once this page is committed.
 */
export interface OrderLinePage {
  lines: MallOrderLine[];
  failures: RecordFailure[];
  coveredUntil?: Date;
}

/** A time range to read, both ends inclusive, as UTC instants. */
export interface TimeWindow {
  from: Date;
  to: Date;
}
