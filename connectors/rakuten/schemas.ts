/**
 * zod schemas of the RakutenPay order API payloads we send and read (spec §1.3, §1.4, §2, §3).
 *
 * Fields we use are validated strictly; every object is a `looseObject`, so fields we do not
 * use (and fields Rakuten adds later) pass through untouched and stay in the raw payload kept
 * for audit. An order is parsed on its own ({@link OrderModel}) so one malformed order becomes a
 * record failure and never blocks the others in its getOrder answer.
 */
import { z } from 'zod';
import { parseOffsetTime } from '../../lib/time.js';

/** An order-API time as Rakuten writes it: `2025-06-01T21:14:05+0900` (spec §6.2 pitfall 1). */
const OffsetTime = z.string().refine((s) => parseOffsetTime(s) !== undefined, 'not a time with an offset (YYYY-MM-DDThh:mm:ss+0900)');

// ---------------------------------------------------------------- messages and gateway errors

/** One entry of `MessageModelList` (spec §1.3). `orderNumber` only on per-order calls. */
export const MessageModel = z.looseObject({
  messageType: z.string(),
  messageCode: z.string(),
  message: z.string().nullable().optional(),
  orderNumber: z.string().nullable().optional(),
});
export type MessageModel = z.infer<typeof MessageModel>;

/** The root `MessageModelList` every order-API answer carries (spec §1.3). */
export const MessageModelList = z.array(MessageModel);
export type MessageModelList = z.infer<typeof MessageModelList>;

/** Gateway error envelope B (spec §1.4): `{"Results": {"errorCode": "ES01-01", "message": "Un-Authorised"}}`. */
export const GatewayError = z.looseObject({
  Results: z.looseObject({
    errorCode: z.string().min(1),
    message: z.string().nullable().optional(),
  }),
});
export type GatewayError = z.infer<typeof GatewayError>;

// ---------------------------------------------------------------- searchOrder (spec §2)

/** Order statuses `orderProgress` (spec §0): 100 注文確認待ち … 900 キャンセル確定. */
export const OrderProgress = z.literal([100, 200, 300, 400, 500, 600, 700, 800, 900]);
export type OrderProgress = z.infer<typeof OrderProgress>;

/** One sort key; only `sortColumn` 1 (注文日時) exists, `sortDirection` 1 asc / 2 desc (spec §2.1). */
export const SortModel = z.object({
  sortColumn: z.literal(1),
  sortDirection: z.literal([1, 2]),
});

/**
 * `PaginationRequestModel` (spec §2.1): ≤1000 per page, 1-based pages. Note the capital S of
 * `SortModelList`: a lowercase key is probably ignored silently (UNCERTAIN), which would lose the
 * ascending order the paging relies on, so the schema only knows the documented spelling.
 */
export const PaginationRequestModel = z.object({
  requestRecordsAmount: z.number().int().min(1).max(1000),
  requestPage: z.number().int().min(1),
  SortModelList: z.array(SortModel).optional(),
});

/**
 * The searchOrder request we send (spec §2.1, §7.1). Datetimes are JST with `+0900` (no colon,
 * no milliseconds); the window is at most 63 days and starts within the past 730 days.
 */
export const SearchOrderRequest = z.object({
  dateType: z.literal([1, 2, 3, 4, 5, 6]),
  startDatetime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$/),
  endDatetime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$/),
  orderProgressList: z.array(OrderProgress).optional(),
  PaginationRequestModel: PaginationRequestModel.optional(),
});
export type SearchOrderRequest = z.infer<typeof SearchOrderRequest>;

/** `PaginationResponseModel`: every field is null with 0 hits (spec §2.3, §7.3). */
export const PaginationResponseModel = z.looseObject({
  totalRecordsAmount: z.number().int().nonnegative().nullable(),
  totalPages: z.number().int().nonnegative().nullable(),
  requestPage: z.number().int().nonnegative().nullable(),
});

/**
 * The searchOrder answer (spec §2.3, §7.2–7.4): `orderNumberList` null on error and `[]` with 0
 * hits; `PaginationResponseModel` null on error.
 */
export const SearchOrderResponse = z.looseObject({
  orderNumberList: z.array(z.string().min(1)).nullable(),
  MessageModelList: MessageModelList,
  PaginationResponseModel: PaginationResponseModel.nullable(),
});
export type SearchOrderResponse = z.infer<typeof SearchOrderResponse>;

// ---------------------------------------------------------------- getOrder (spec §3)

/** The getOrder request (spec §3.1, §7.5): ≤100 order numbers, `version` required (we send 10). */
export const GetOrderRequest = z.object({
  orderNumberList: z.array(z.string().min(1)).min(1).max(100),
  version: z.number().int().min(3),
});
export type GetOrderRequest = z.infer<typeof GetOrderRequest>;

/**
 * One SKU of an order line (version ≥ 7, spec §3.2). Pre-migration orders carry an empty
 * `variantId` (`""` or null; UNCERTAIN, spec §10 item 4), so every field is nullable.
 */
export const SkuModel = z.looseObject({
  variantId: z.string().nullable().optional(),
  merchantDefinedSkuId: z.string().nullable().optional(),
  skuInfo: z.string().nullable().optional(),
});
export type SkuModel = z.infer<typeof SkuModel>;

/** One order line (ItemModel, spec §3.2). `itemNumber` and `selectedChoice` are nullable. */
export const ItemModel = z.looseObject({
  itemDetailId: z.number().int().nonnegative(),
  itemName: z.string(),
  itemNumber: z.string().nullable(),
  manageNumber: z.string(),
  price: z.number().int(),
  units: z.number().int().nonnegative(),
  selectedChoice: z.string().nullable(),
  /** Missing before version 7; missing, null or `[]` on pre-migration lines (UNCERTAIN, spec §7.6 note). */
  SkuModelList: z.array(SkuModel).nullable().optional(),
});
export type ItemModel = z.infer<typeof ItemModel>;

/**
 * The ship-to of a package (SenderModel = 送付先, spec §3.2 and pitfall 10). `firstName` is
 * nullable; at most one of the three phone parts may be null.
 */
export const SenderModel = z.looseObject({
  zipCode1: z.string(),
  zipCode2: z.string(),
  prefecture: z.string(),
  city: z.string(),
  subAddress: z.string(),
  familyName: z.string(),
  firstName: z.string().nullable(),
  phoneNumber1: z.string().nullable(),
  phoneNumber2: z.string().nullable(),
  phoneNumber3: z.string().nullable(),
});
export type SenderModel = z.infer<typeof SenderModel>;

/** One shipping row of a package (spec §3.2); `[]` for an unshipped order. */
export const ShippingModel = z.looseObject({
  shippingDetailId: z.number().int(),
  shippingNumber: z.string().nullable().optional(),
  deliveryCompany: z.string().nullable().optional(),
  deliveryCompanyName: z.string().nullable().optional(),
  shippingDate: z.string().nullable().optional(),
});
export type ShippingModel = z.infer<typeof ShippingModel>;

/** Social-gift state (version 10, spec §3.2): `inputFlag` 0 = the recipient has not entered an address yet. */
export const SocialGiftModel = z.looseObject({
  inputFlag: z.number().int().nullable().optional(),
});

/** One destination of an order (PackageModel, spec §3.2): its `basketId`, ship-to and lines. */
export const PackageModel = z.looseObject({
  basketId: z.number().int().nonnegative(),
  SenderModel: SenderModel,
  ItemModelList: z.array(ItemModel),
  ShippingModelList: z.array(ShippingModel).nullable().optional(),
  SocialGiftModel: SocialGiftModel.nullable().optional(),
});
export type PackageModel = z.infer<typeof PackageModel>;

/** One order (OrderModel, spec §3.2), parsed on its own so a bad one fails alone. */
export const OrderModel = z.looseObject({
  orderNumber: z.string().min(1),
  orderProgress: OrderProgress,
  orderDatetime: OffsetTime,
  socialGiftFlag: z.number().int().nullable().optional(),
  severalSenderFlag: z.number().int().nullable().optional(),
  PackageModelList: z.array(PackageModel),
});
export type OrderModel = z.infer<typeof OrderModel>;

/**
 * The getOrder envelope (spec §3.2, §7.6): the orders stay `unknown` here and are parsed one by
 * one with {@link OrderModel}. Not-found orders come back as INFO_102 messages with `orderNumber`
 * and `OrderModelList: []`.
 */
export const GetOrderResponse = z.looseObject({
  MessageModelList: MessageModelList,
  version: z.union([z.number(), z.string()]).nullable().optional(),
  OrderModelList: z.array(z.unknown()).nullable().optional(),
});
export type GetOrderResponse = z.infer<typeof GetOrderResponse>;

// ---------------------------------------------------------------- confirmOrder (spec §4.1, §7.7)

/** The confirmOrder request (spec §4.1, §7.7): 1–100 order numbers. */
export const ConfirmOrderRequest = z.object({
  orderNumberList: z.array(z.string().min(1)).min(1).max(100),
});
export type ConfirmOrderRequest = z.infer<typeof ConfirmOrderRequest>;

/** The confirmOrder answer (spec §7.7): one MessageModel per order, naming it in `orderNumber`. */
export const ConfirmOrderResponse = z.looseObject({
  MessageModelList: MessageModelList,
});
export type ConfirmOrderResponse = z.infer<typeof ConfirmOrderResponse>;

// ---------------------------------------------------------------- updateOrderShipping (spec §4.2, §7.8, §7.9)

/** `YYYY-MM-DD`, the only `shippingDate` form the docs show (spec §4.2; `yyyyMMdd` is UNCERTAIN, §10 item 9). */
export const ShippingDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'shippingDate must be YYYY-MM-DD');

/**
 * One ShippingModel row of an updateOrderShipping request (spec §4.2): without `shippingDetailId`
 * it adds a row, with one it updates (or, with `shippingDeleteFlag` 1, deletes) that row. A field
 * left out stays unchanged; an empty string clears it.
 */
export const ShippingRowRequest = z.object({
  shippingDetailId: z.number().int().positive().optional(),
  deliveryCompany: z.string().min(1).optional(),
  shippingNumber: z.string().min(1).max(120).optional(),
  shippingDate: ShippingDate.optional(),
  shippingDeleteFlag: z.literal([0, 1]).optional(),
});
export type ShippingRowRequest = z.infer<typeof ShippingRowRequest>;

/** One basket of the request: note the lowercase `id` of `Basketid` (spec §4.2); ≤ 20 rows. */
export const BasketidModel = z.object({
  basketId: z.number().int().nonnegative(),
  ShippingModelList: z.array(ShippingRowRequest).min(1).max(20),
});
export type BasketidModel = z.infer<typeof BasketidModel>;

/** The updateOrderShipping request (spec §4.2, §7.8): one order per call. */
export const UpdateOrderShippingRequest = z.object({
  orderNumber: z.string().min(1),
  BasketidModelList: z.array(BasketidModel).min(1),
});
export type UpdateOrderShippingRequest = z.infer<typeof UpdateOrderShippingRequest>;

/**
 * One entry of the updateOrderShipping answer (spec §1.3, §7.9): `dataNumber` is the 1-based
 * index of the row counted across all baskets of the request; `shippingDetailId` the row's id
 * (issued on INFO_101, the existing one on INFO_102, null on errors).
 */
export const ShippingMessageModel = MessageModel.extend({
  dataNumber: z.number().int().nullable().optional(),
  shippingDetailId: z.number().int().nullable().optional(),
});
export type ShippingMessageModel = z.infer<typeof ShippingMessageModel>;

/** The updateOrderShipping answer, 200 and 400 alike (spec §7.9). */
export const UpdateOrderShippingResponse = z.looseObject({
  MessageModelList: z.array(ShippingMessageModel),
});
export type UpdateOrderShippingResponse = z.infer<typeof UpdateOrderShippingResponse>;

// ---------------------------------------------------------------- Inventory API 2.0 (spec §5.2, §5.3, §7.11)

/** One row of `inventories/bulk-upsert` (spec §5.2, §7.11): keyed by manageNumber + variantId. */
export const InventoryUpsertRow = z.object({
  manageNumber: z.string().min(1),
  variantId: z.string().min(1),
  mode: z.literal(['ABSOLUTE', 'RELATIVE']),
  quantity: z.number().int(),
});
export type InventoryUpsertRow = z.infer<typeof InventoryUpsertRow>;

/** The bulk-upsert request: 1–400 rows (spec §5.2). */
export const InventoryBulkUpsertRequest = z.object({
  inventories: z.array(InventoryUpsertRow).min(1).max(400),
});
export type InventoryBulkUpsertRequest = z.infer<typeof InventoryBulkUpsertRequest>;

/** One entry of the inventory error envelope (spec §5.3, §7.11): `metadata.propertyPath` names the row. */
export const InventoryError = z.looseObject({
  code: z.string().min(1),
  message: z.string().nullable().optional(),
  metadata: z
    .looseObject({ propertyPath: z.string().nullable().optional() })
    .nullable()
    .optional(),
});
export type InventoryError = z.infer<typeof InventoryError>;

/** The inventory API's error answer `{"errors": [...]}` (spec §5.3). */
export const InventoryErrorResponse = z.looseObject({
  errors: z.array(InventoryError).min(1),
});
export type InventoryErrorResponse = z.infer<typeof InventoryErrorResponse>;

// ---------------------------------------------------------------- order state (read-back for the write side)

/**
 * The part of an OrderModel the write side reads back (spec §3.2): status, baskets and their
 * shipping rows. Kept apart from {@link OrderModel} so a line that breaks the order-line schema
 * does not hide an order's state.
 */
export const OrderStateModel = z.looseObject({
  orderNumber: z.string().min(1),
  orderProgress: OrderProgress,
  PackageModelList: z.array(
    z.looseObject({
      basketId: z.number().int().nonnegative(),
      ShippingModelList: z.array(ShippingModel).nullable().optional(),
    }),
  ),
});
export type OrderStateModel = z.infer<typeof OrderStateModel>;
