import { z } from 'zod';
import { parseOffsetTime } from '../../lib/time.js';

/**
 * zod schemas of every Naver Commerce API payload the read side uses (spec §2.1, §3.1, §3.2, §3.5,
 * §7.1). The fields we read are validated strictly; every object is loose (`z.looseObject`) so the
 * fields Naver adds every other week pass through untouched (spec header: "field additions are
 * common"). One schema, one type (style.md point 2).
 */

/** Naver date-time: ISO 8601 with an offset, e.g. `2025-03-04T09:58:41.000+09:00` (spec §1). */
export const NaverDateTime = z.string().refine((v) => parseOffsetTime(v) !== undefined, 'not an ISO 8601 time with an offset');

/** Answer of `POST /v1/oauth2/token` (spec §2.1, §10.1). `expires_in` is in seconds. */
export const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

/**
 * Error body of the gateway (`GW.*`) and the order API (numeric string codes such as `104139`),
 * spec §7.1 and §10.6. The token endpoint adds `invalidInputs` (spec §2.1). A numeric `code` is
 * read as text so `104139` and `"104139"` compare alike.
 */
export const ErrorBody = z.looseObject({
  code: z.union([z.string(), z.number()]).transform(String),
  message: z.string().optional(),
  timestamp: z.string().optional(),
  traceId: z.string().optional(),
  invalidInputs: z.array(z.looseObject({ name: z.string().optional(), type: z.string().optional(), message: z.string().optional() })).nullish(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/**
 * One row of the change feed: one change event of one product order (spec §3.1). A product order
 * that changed twice appears twice. `lastChangedType` stays a string: the feed only gives us ids
 * to read in detail, and Naver adds change types (`CLAIM_HOLDBACK_RELEASED`, spec §3.1) that must
 * not break a whole page.
 */
export const ChangedStatus = z.looseObject({
  orderId: z.string().min(1),
  productOrderId: z.string().min(1),
  lastChangedType: z.string(),
  lastChangedDate: NaverDateTime,
  paymentDate: z.string().nullish(),
  productOrderStatus: z.string().nullish(),
  claimType: z.string().nullish(),
  claimStatus: z.string().nullish(),
  receiverAddressChanged: z.boolean().nullish(),
});
export type ChangedStatus = z.infer<typeof ChangedStatus>;

/** The paging cursor of the feed: the next call sends `lastChangedFrom = moreFrom` and `moreSequence` (spec §3.1). */
export const FeedMore = z.looseObject({
  moreFrom: NaverDateTime,
  moreSequence: z.string().min(1),
});
export type FeedMore = z.infer<typeof FeedMore>;

/**
 * Answer of `GET /v1/pay-order/seller/product-orders/last-changed-statuses` (spec §3.1, §10.2).
 * `more` lives under `data` (spec §3.1 real-world note). The empty-window shape is UNCERTAIN
 * (spec §10.2): `lastChangeStatuses` may be absent only when `count` is 0.
 */
export const ChangedStatusesAnswer = z.looseObject({
  timestamp: z.string().optional(),
  traceId: z.string().optional(),
  data: z
    .looseObject({
      lastChangeStatuses: z.array(ChangedStatus).nullish(),
      more: FeedMore.nullish(),
      count: z.number().int().nonnegative().optional(),
    })
    .refine((d) => d.lastChangeStatuses != null || !d.count, {
      message: 'lastChangeStatuses is missing although count > 0',
      path: ['lastChangeStatuses'],
    }),
});
export type ChangedStatusesAnswer = z.infer<typeof ChangedStatusesAnswer>;

/** `productOrderStatus` (spec §3.6). Strict: an unknown status would make a line look shippable. */
export const ProductOrderStatus = z.enum([
  'PAYMENT_WAITING',
  'PAYED',
  'DELIVERING',
  'DELIVERED',
  'PURCHASE_DECIDED',
  'EXCHANGED',
  'CANCELED',
  'RETURNED',
  'CANCELED_BY_NOPAYMENT',
]);
export type ProductOrderStatus = z.infer<typeof ProductOrderStatus>;

/** `placeOrderStatus` (spec §3.5): 발주 미확인 / 발주 확인 / 발주 확인 해제. */
export const PlaceOrderStatus = z.enum(['NOT_YET', 'OK', 'CANCEL']);
export type PlaceOrderStatus = z.infer<typeof PlaceOrderStatus>;

/** `claimType` (spec §3.6). Strict for the same reason as the status. */
export const ClaimType = z.enum(['CANCEL', 'RETURN', 'EXCHANGE', 'PURCHASE_DECISION_HOLDBACK', 'ADMIN_CANCEL']);
export type ClaimType = z.infer<typeof ClaimType>;

/** `claimStatus` (spec §3.6, 19 values). Strict: an unknown claim must not pass as "no cancel claim". */
export const ClaimStatus = z.enum([
  'CANCEL_REQUEST',
  'CANCELING',
  'CANCEL_DONE',
  'CANCEL_REJECT',
  'RETURN_REQUEST',
  'EXCHANGE_REQUEST',
  'COLLECTING',
  'COLLECT_DONE',
  'EXCHANGE_REDELIVERING',
  'RETURN_DONE',
  'EXCHANGE_DONE',
  'RETURN_REJECT',
  'EXCHANGE_REJECT',
  'PURCHASE_DECISION_HOLDBACK',
  'PURCHASE_DECISION_REQUEST',
  'PURCHASE_DECISION_HOLDBACK_RELEASE',
  'ADMIN_CANCELING',
  'ADMIN_CANCEL_DONE',
  'ADMIN_CANCEL_REJECT',
]);
export type ClaimStatus = z.infer<typeof ClaimStatus>;

/** `productOrder.shippingAddress` (spec §3.5). Phone formatting is UNCERTAIN: kept as text. */
export const ShippingAddress = z.looseObject({
  addressType: z.enum(['DOMESTIC', 'FOREIGN']).nullish(),
  name: z.string(),
  tel1: z.string().nullish(),
  tel2: z.string().nullish(),
  zipCode: z.string().nullish(),
  baseAddress: z.string(),
  detailedAddress: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  country: z.string().nullish(),
});
export type ShippingAddress = z.infer<typeof ShippingAddress>;

/** `order` of a ProductOrderInfo (spec §3.5): only what the mapper reads is required. */
export const NaverOrder = z.looseObject({
  orderId: z.string().min(1),
  orderDate: NaverDateTime,
  paymentDate: z.string().nullish(),
  ordererName: z.string().nullish(),
});
export type NaverOrder = z.infer<typeof NaverOrder>;

/**
 * `productOrder` of a ProductOrderInfo (spec §3.5). `remainQuantity` is required: we always ask
 * with `quantityClaimCompatibility=true` (spec §3.2), and shipping `quantity` instead would ship
 * units a partial cancel removed (spec §3.6, §8.10).
 */
export const NaverProductOrder = z.looseObject({
  productOrderId: z.string().min(1),
  productOrderStatus: ProductOrderStatus,
  placeOrderStatus: PlaceOrderStatus.nullish(),
  claimType: ClaimType.nullish(),
  claimStatus: ClaimStatus.nullish(),
  claimId: z.string().nullish(),
  productId: z.string().nullish(),
  originalProductId: z.string().nullish(),
  productName: z.string(),
  productOption: z.string().nullish(),
  optionCode: z.string().nullish(),
  itemNo: z.string().nullish(),
  optionManageCode: z.string().nullish(),
  sellerProductCode: z.string().nullish(),
  quantity: z.number().int().nonnegative().nullish(),
  initialQuantity: z.number().int().nonnegative().nullish(),
  remainQuantity: z.number().int().nonnegative(),
  unitPrice: z.number().int().nullish(),
  optionPrice: z.number().int().nullish(),
  /** 일반/추가 상품 구분: free text, exact values UNCERTAIN (spec §3.5); read only to send main products before add-ons. */
  productClass: z.string().nullish(),
  packageNumber: z.string().nullish(),
  shippingAddress: ShippingAddress.nullish(),
});
export type NaverProductOrder = z.infer<typeof NaverProductOrder>;

/**
 * `delivery` of a ProductOrderInfo (spec §3.5, §10.3): present once the line is dispatched. Only
 * what the write side reads back is named; all of it is optional so a partial object passes.
 */
export const NaverDelivery = z.looseObject({
  deliveryMethod: z.string().nullish(),
  deliveryCompany: z.string().nullish(),
  trackingNumber: z.string().nullish(),
  sendDate: z.string().nullish(),
  deliveryStatus: z.string().nullish(),
  isWrongTrackingNumber: z.boolean().nullish(),
});
export type NaverDelivery = z.infer<typeof NaverDelivery>;

/**
 * One product order with everything around it: `data[]` of the detail query (spec §3.2, §3.5,
 * §10.3). `delivery` is absent or null before dispatch (UNCERTAIN which, spec §13.15: both pass);
 * claim objects are optional and read only through `productOrder.claimType/claimStatus`.
 */
export const ProductOrderInfo = z.looseObject({
  order: NaverOrder,
  productOrder: NaverProductOrder,
  delivery: NaverDelivery.nullish(),
  cancel: z.looseObject({}).nullish(),
  return: z.looseObject({}).nullish(),
  exchange: z.looseObject({}).nullish(),
  beforeClaim: z.looseObject({}).nullish(),
  currentClaim: z.looseObject({}).nullish(),
  completedClaims: z.array(z.unknown()).nullish(),
});
export type ProductOrderInfo = z.infer<typeof ProductOrderInfo>;

/**
 * The envelope of `POST /v1/pay-order/seller/product-orders/query` (spec §3.2, §10.3). Elements
 * are left unknown here and validated one by one with {@link ProductOrderInfo}, so one malformed
 * product order becomes a RecordFailure instead of failing the batch.
 */
export const ProductOrdersAnswer = z.looseObject({
  timestamp: z.string().optional(),
  traceId: z.string().optional(),
  data: z.array(z.unknown()),
});
export type ProductOrdersAnswer = z.infer<typeof ProductOrdersAnswer>;

/** A Naver code as text: order-API codes are numeric strings, some clients have seen numbers. */
const CodeText = z.union([z.string(), z.number()]).transform(String);

/** One refused item of a confirm or dispatch (spec §4, §5.1): `code` is often just `9999` (spec §4). */
export const ItemFailure = z.looseObject({
  productOrderId: z.string().min(1),
  code: CodeText.nullish(),
  message: z.string().nullish(),
});
export type ItemFailure = z.infer<typeof ItemFailure>;

/** Body of `POST /v1/pay-order/seller/product-orders/confirm` (spec §4): ≤ 30 ids. */
export const ConfirmRequest = z.object({ productOrderIds: z.array(z.string().min(1)).min(1).max(30) });
export type ConfirmRequest = z.infer<typeof ConfirmRequest>;

/**
 * Answer of the confirm call (spec §4, §10.4): HTTP 200 even when items failed. Success items are
 * objects here (`successProductOrderInfos`), unlike dispatch (spec §8.2).
 */
export const ConfirmAnswer = z.looseObject({
  timestamp: z.string().optional(),
  traceId: z.string().optional(),
  data: z.looseObject({
    successProductOrderInfos: z.array(z.looseObject({ productOrderId: z.string().min(1), isReceiverAddressChanged: z.boolean().nullish() })).nullish(),
    failProductOrderInfos: z.array(ItemFailure).nullish(),
  }),
});
export type ConfirmAnswer = z.infer<typeof ConfirmAnswer>;

/** One item of a dispatch (spec §5.1, §10.5). `dispatchDate` is KST with milliseconds. */
export const DispatchItem = z.object({
  productOrderId: z.string().min(1),
  deliveryMethod: z.literal('DELIVERY'),
  deliveryCompanyCode: z.string().min(1),
  trackingNumber: z.string().min(1),
  dispatchDate: z.string(),
});
export type DispatchItem = z.infer<typeof DispatchItem>;

/** Body of `POST /v1/pay-order/seller/product-orders/dispatch` (spec §5.1): ≤ 30 items. */
export const DispatchRequest = z.object({ dispatchProductOrders: z.array(DispatchItem).min(1).max(30) });
export type DispatchRequest = z.infer<typeof DispatchRequest>;

/**
 * Answer of the dispatch call (spec §5.1, §10.5): HTTP 200 even when items failed. The success
 * list is documented as `successProductOrderIds` (strings); one integrator saw
 * `successProductOrderInfos[].productOrderId` on dispatch, so both are read.
 */
export const DispatchAnswer = z.looseObject({
  timestamp: z.string().optional(),
  traceId: z.string().optional(),
  data: z.looseObject({
    successProductOrderIds: z.array(z.string().min(1)).nullish(),
    successProductOrderInfos: z.array(z.looseObject({ productOrderId: z.string().min(1) })).nullish(),
    failProductOrderInfos: z.array(ItemFailure).nullish(),
  }),
});
export type DispatchAnswer = z.infer<typeof DispatchAnswer>;

/** Answer of `GET /v1/pay-order/seller/orders/{orderId}/product-order-ids` (spec §3.4): `data` is the id list. */
export const ProductOrderIdsAnswer = z.looseObject({
  timestamp: z.string().optional(),
  traceId: z.string().optional(),
  data: z.array(z.string().min(1)),
});
export type ProductOrderIdsAnswer = z.infer<typeof ProductOrderIdsAnswer>;

export * from './schemas-products.js';
