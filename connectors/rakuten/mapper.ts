/**
 * Rakuten getOrder payload → our order lines (design.md §4, spec §3.2, §8). Pure functions: no
 * HTTP, no database.
 */
import { ResponseShapeError } from '../../lib/errors.js';
import { parseOffsetTime } from '../../lib/time.js';
import { MallOrderLine, type LineState, type RecordFailure, type Recipient } from '../shared/order-line.js';
import { parseShape } from '../shared/shape.js';
import { OrderModel, type ItemModel, type PackageModel, type SenderModel } from './schemas.js';

/** The social-gift placeholder Rakuten writes into SenderModel until the recipient answers (spec §3.2). */
export const SOCIAL_GIFT_PLACEHOLDER = '入力待ち';

const STATE_BY_PROGRESS: Record<OrderModel['orderProgress'], LineState> = {
  100: 'unconfirmed', // 注文確認待ち
  200: 'unconfirmed', // 楽天処理中
  300: 'awaiting', // 発送待ち
  400: 'held', // 変更確定待ち
  500: 'closed', // 発送済
  600: 'closed', // 支払手続き中
  700: 'closed', // 支払手続き済
  800: 'held', // キャンセル確定待ち
  900: 'cancelled', // キャンセル確定
};

function nonEmpty(text: string | null | undefined): text is string {
  return typeof text === 'string' && text.trim() !== '';
}

/** Line breaks as `\n`; nothing else changes (design.md §4 step 2 wins over the spec's NFKC advice). */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * True while a social-gift package waits for the recipient's address: `SocialGiftModel.inputFlag`
 * is 0, or SenderModel still holds the `入力待ち` placeholder (spec §3.2, pitfall 13).
 */
export function awaitsGiftAddress(pkg: PackageModel): boolean {
  if (pkg.SocialGiftModel?.inputFlag === 0) return true;
  const s = pkg.SenderModel;
  return [s.prefecture, s.city, s.subAddress, s.familyName].some((v) => v === SOCIAL_GIFT_PLACEHOLDER);
}

/**
 * The state of the lines of one package: 300 → awaiting; 100/200 → unconfirmed; 400/800 → held;
 * 900 → cancelled; 500/600/700 → closed. A package that would be taken in (awaiting or
 * unconfirmed) but still waits for a social-gift address is `pending`: it must not ship yet.
 */
export function lineState(orderProgress: OrderModel['orderProgress'], pkg: PackageModel): LineState {
  const state = STATE_BY_PROGRESS[orderProgress];
  if ((state === 'awaiting' || state === 'unconfirmed') && awaitsGiftAddress(pkg)) return 'pending';
  return state;
}

/**
 * The option text of a line (design.md §4 step 2): `skuInfo` when non-empty, else
 * `selectedChoice`, else ''. Line breaks become `\n`; nothing is trimmed or folded here (the
 * resolver trims both sides when it compares).
 */
export function optionText(item: ItemModel): string {
  const skuInfo = item.SkuModelList?.[0]?.skuInfo;
  if (nonEmpty(skuInfo)) return normaliseLineBreaks(skuInfo);
  if (nonEmpty(item.selectedChoice)) return normaliseLineBreaks(item.selectedChoice);
  return '';
}

/**
 * The line's variantId, or null for a pre-migration line. Pre-migration `SkuModelList` is missing,
 * null, `[]`, or carries an empty/null `variantId` (spec §7.6 fixture note, §8; UNCERTAIN which,
 * so all are read the same way).
 */
export function variantIdOf(item: ItemModel): string | null {
  const id = item.SkuModelList?.[0]?.variantId;
  return nonEmpty(id) ? id : null;
}

/**
 * The seller code of a line and the field it came from — or, when the code is null, the field
 * that should have held it (as the Naver mapper does), so an unmapped reason can name it.
 */
export interface SellerCode {
  sellerCode: string | null;
  sellerCodeField: 'merchantDefinedSkuId' | 'itemNumber';
}

/**
 * The seller code by design.md §4 step 1, exactly:
 * 1. `SkuModelList[0].merchantDefinedSkuId` (システム連携用SKU番号), trimmed, when non-empty;
 * 2. else `itemNumber` (trimmed; null when empty) when the line is pre-migration (no variantId:
 *    there it already holds 商品番号 + option child numbers) or has no option text;
 * 3. else null, field `merchantDefinedSkuId`: a post-migration option line without it — its
 *    `itemNumber` is the parent product and would map every variant to one SKU (spec pitfall 4).
 */
export function sellerCodeOf(item: ItemModel): SellerCode {
  const defined = item.SkuModelList?.[0]?.merchantDefinedSkuId;
  if (nonEmpty(defined)) return { sellerCode: defined.trim(), sellerCodeField: 'merchantDefinedSkuId' };
  const preMigration = variantIdOf(item) === null;
  // design.md §4 keeps itemNumber away from post-migration *option* lines because there it names
  // the parent product. A single-SKU item (no skuInfo) has no parent/child split: its itemNumber
  // is the product, even when selectedChoice carries a non-SKU choice such as gift wrapping
  // (spec §6.2 pitfall 7, §8 case 1). Reading "option text" there as the variant text keeps
  // such orders mapping by code instead of stranding them on a per-order wrapping choice.
  const variantText = item.SkuModelList?.[0]?.skuInfo;
  if (preMigration || !nonEmpty(variantText)) {
    return { sellerCode: nonEmpty(item.itemNumber) ? item.itemNumber.trim() : null, sellerCodeField: 'itemNumber' };
  }
  return { sellerCode: null, sellerCodeField: 'merchantDefinedSkuId' };
}

/**
 * The ship-to of a package (SenderModel is the recipient, spec pitfall 10): name = familyName +
 * ' ' + firstName (firstName nullable), phone = the three parts joined by '-' skipping nulls,
 * postal code `NNN-NNNN`, address1 = prefecture + city, address2 = subAddress, country JP. Text is
 * kept as written (full-width digits, `ー`).
 */
export function recipientOf(sender: SenderModel): Recipient {
  const phone = [sender.phoneNumber1, sender.phoneNumber2, sender.phoneNumber3].filter(nonEmpty).join('-');
  return {
    name: nonEmpty(sender.firstName) ? `${sender.familyName} ${sender.firstName}` : sender.familyName,
    phone,
    postalCode: `${sender.zipCode1}-${sender.zipCode2}`,
    address1: `${sender.prefecture}${sender.city}`,
    address2: sender.subAddress,
    country: 'JP',
  };
}

/**
 * The lines of one parsed order: one {@link MallOrderLine} per item of each package
 * (`mallOrderId` = orderNumber, `mallPackageId` = basketId, `mallLineId` = itemDetailId). The
 * payload keeps `{orderNumber, orderProgress, package: {basketId, SenderModel}, item}`.
 *
 * @throws ResponseShapeError when a line breaks the MallOrderLine contract (recordId = orderNumber).
 */
export function mapRakutenOrder(order: OrderModel): MallOrderLine[] {
  const orderedAt = parseOffsetTime(order.orderDatetime) ?? null;
  const lines: MallOrderLine[] = [];
  for (const pkg of order.PackageModelList) {
    const state = lineState(order.orderProgress, pkg);
    const recipient = recipientOf(pkg.SenderModel);
    for (const item of pkg.ItemModelList) {
      const line = {
        mall: 'rakuten' as const,
        mallOrderId: order.orderNumber,
        mallPackageId: String(pkg.basketId),
        mallLineId: String(item.itemDetailId),
        mallStatus: String(order.orderProgress),
        claimStatus: null,
        state,
        ...sellerCodeOf(item),
        productName: item.itemName,
        optionText: optionText(item),
        quantity: item.units,
        unitPrice: item.price,
        listingProductId: item.manageNumber,
        listingOptionId: variantIdOf(item),
        recipient,
        orderedAt,
        payload: {
          orderNumber: order.orderNumber,
          orderProgress: order.orderProgress,
          package: { basketId: pkg.basketId, SenderModel: pkg.SenderModel },
          item,
        },
      };
      lines.push(parseShape(MallOrderLine, line, 'rakuten', 'getOrder', order.orderNumber));
    }
  }
  return lines;
}

/** The order number of a raw order as far as it can be read, for naming a failure. */
function orderNumberOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null) {
    const n = (raw as Record<string, unknown>).orderNumber;
    if (typeof n === 'string' && n !== '') return n;
  }
  return '(order without orderNumber)';
}

/** The outcome of reading one raw order: its lines, or why it could not be read. */
export type OrderReading =
  | { orderNumber: string; lines: MallOrderLine[]; failure?: undefined }
  | { orderNumber: string; lines?: undefined; failure: RecordFailure };

/**
 * Validates and maps one raw entry of `OrderModelList` on its own, so one bad order becomes a
 * {@link RecordFailure} (recordId = orderNumber, reason = the paths that did not match) and never
 * blocks the others. An order without any item is a failure too: it must not vanish silently.
 */
export function readRakutenOrder(raw: unknown): OrderReading {
  const orderNumber = orderNumberOf(raw);
  try {
    const order = parseShape(OrderModel, raw, 'rakuten', 'getOrder', orderNumber);
    const lines = mapRakutenOrder(order);
    if (lines.length === 0) return { orderNumber, failure: { recordId: orderNumber, reason: 'rakuten getOrder: the order has no items' } };
    return { orderNumber, lines };
  } catch (err) {
    if (err instanceof ResponseShapeError) {
      const paths = err.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
      return { orderNumber, failure: { recordId: orderNumber, reason: `rakuten getOrder answered with an unexpected shape: ${paths}` } };
    }
    throw err;
  }
}
