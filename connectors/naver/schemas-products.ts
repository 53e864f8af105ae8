import { z } from 'zod';

/**
 * zod schemas of the product API payloads stock sync uses (spec §6.2, §6.3, §10.7). Product
 * answers are not wrapped in `{timestamp, traceId, data}` (spec §6.2). Re-exported by schemas.ts,
 * so callers import every Naver schema from one place.
 */

/** Most stock one option or product takes (spec §6.3: `stockQuantity` ≤ 99,999,999). */
export const STOCK_MAX = 99_999_999;

/**
 * One combination option as `GET /v2/products/origin-products/{no}` gives it (spec §6.2).
 * `stockQuantity`, `price` and `usable` are required: the option-stock call saves an omitted
 * price or stock as 0 and an omitted `usable` as true (spec §6.3), so a product whose answer lacks
 * one of them cannot be written back safely and fails here, before anything is written.
 */
export const OptionCombination = z.looseObject({
  id: z.number().int().positive(),
  stockQuantity: z.number().int(),
  price: z.number().int(),
  usable: z.boolean(),
  sellerManagerCode: z.string().nullish(),
});
export type OptionCombination = z.infer<typeof OptionCombination>;

/** One standard option (spec §6.2, §6.3): no option price; stock and `usable` required as above. */
export const OptionStandard = z.looseObject({
  id: z.number().int().positive(),
  stockQuantity: z.number().int(),
  usable: z.boolean(),
  sellerManagerCode: z.string().nullish(),
});
export type OptionStandard = z.infer<typeof OptionStandard>;

/** `originProduct.detailAttribute.optionInfo` (spec §6.2); simple and custom options carry no stock. */
export const OptionInfo = z.looseObject({
  optionCombinations: z.array(OptionCombination).nullish(),
  optionStandards: z.array(OptionStandard).nullish(),
  useStockManagement: z.boolean().nullish(),
});
export type OptionInfo = z.infer<typeof OptionInfo>;

/** Answer of `GET /v2/products/origin-products/{originProductNo}` (spec §6.2): only what stock sync reads is named. */
export const OriginProductAnswer = z.looseObject({
  originProduct: z.looseObject({
    statusType: z.string(),
    salePrice: z.number().int().nonnegative(),
    stockQuantity: z.number().int().nullish(),
    detailAttribute: z
      .looseObject({
        optionInfo: OptionInfo.nullish(),
        /** 추가상품: their ids are `optionCode`s on order lines too (spec §6.1), but option-stock does not set them. */
        supplementProductInfo: z.looseObject({ supplementProducts: z.array(z.looseObject({ id: z.number().int() })).nullish() }).nullish(),
      })
      .nullish(),
  }),
});
export type OriginProductAnswer = z.infer<typeof OriginProductAnswer>;

/** One combination option sent to option-stock (spec §6.3, §10.7): every field, always. */
export const OptionCombinationWrite = z.object({
  id: z.number().int().positive(),
  stockQuantity: z.number().int().min(0).max(STOCK_MAX),
  price: z.number().int(),
  usable: z.boolean(),
});
export type OptionCombinationWrite = z.infer<typeof OptionCombinationWrite>;

/** One standard option sent to option-stock (spec §6.3). */
export const OptionStandardWrite = z.object({
  id: z.number().int().positive(),
  stockQuantity: z.number().int().min(0).max(STOCK_MAX),
  usable: z.boolean(),
});
export type OptionStandardWrite = z.infer<typeof OptionStandardWrite>;

/**
 * Body of `PUT /v1/products/origin-products/{originProductNo}/option-stock` (spec §6.3, §10.7).
 * `immediateDiscountPolicy` is never sent: the spec's safe usage and the integrator it cites send
 * the sale price and the full option list only. Whether leaving it out clears a running discount
 * is not documented (UNCERTAIN, not in spec §13): the sandbox keeps the discount, and the risk is
 * named in the closing note. Whether leaving `productSalePrice` out keeps the sale price is
 * equally undocumented, so it is always sent with the value just read.
 */
export const OptionStockRequest = z.object({
  productSalePrice: z.object({ salePrice: z.number().int().nonnegative() }),
  optionInfo: z.object({
    optionCombinations: z.array(OptionCombinationWrite).optional(),
    optionStandards: z.array(OptionStandardWrite).optional(),
    useStockManagement: z.boolean(),
  }),
});
export type OptionStockRequest = z.infer<typeof OptionStockRequest>;

/** Success answer of option-stock (spec §6.3): a product body; nothing in it is needed. */
export const OptionStockAnswer = z.looseObject({
  originProductNo: z.number().int().nullish(),
  smartstoreChannelProductNo: z.number().int().nullish(),
});
export type OptionStockAnswer = z.infer<typeof OptionStockAnswer>;

/** One product of a multi-update (spec §6.3): stock only. */
export const MultiUpdateItem = z.object({
  originProductNo: z.number().int().positive(),
  multiUpdateTypes: z.tuple([z.literal('STOCK')]),
  stockQuantity: z.number().int().min(0).max(STOCK_MAX),
});
export type MultiUpdateItem = z.infer<typeof MultiUpdateItem>;

/** Body of `PATCH /v1/products/origin-products/multi-update` (spec §6.3). */
export const MultiUpdateRequest = z.object({ multiProductUpdateRequestVos: z.array(MultiUpdateItem).min(1) });
export type MultiUpdateRequest = z.infer<typeof MultiUpdateRequest>;

/**
 * Answer of multi-update (spec §6.3): `{code, message, data}`. The docs give no per-product result
 * in `data` (UNCERTAIN what it holds): HTTP 200 is read as every product of the call applied.
 */
export const MultiUpdateAnswer = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});
export type MultiUpdateAnswer = z.infer<typeof MultiUpdateAnswer>;

/** Answer of `POST /v1/products/search` (spec §6.2), read by the connection test only. */
export const ProductSearchAnswer = z.looseObject({
  contents: z.array(z.unknown()),
  totalElements: z.number().int().nullish(),
});
export type ProductSearchAnswer = z.infer<typeof ProductSearchAnswer>;
