import { parseOffsetTime } from '../../lib/time.js';
import type { LineState, MallOrderLine, Recipient } from '../shared/order-line.js';
import type { ClaimStatus, ClaimType, NaverProductOrder, ProductOrderInfo, ShippingAddress } from './schemas.js';

/** Claim statuses after which a line must not ship (spec §3.6 "Do not ship…"). */
const CANCEL_CLAIM_STATUSES: ReadonlySet<ClaimStatus> = new Set([
  'CANCEL_REQUEST',
  'CANCELING',
  'CANCEL_DONE',
  'ADMIN_CANCELING',
  'ADMIN_CANCEL_DONE',
]);

/** Return/exchange claim statuses that mean the claim was withdrawn or refused (no longer open). */
const CLOSED_RETURN_EXCHANGE_STATUSES: ReadonlySet<ClaimStatus> = new Set(['RETURN_REJECT', 'EXCHANGE_REJECT']);

const RETURN_EXCHANGE_TYPES: ReadonlySet<ClaimType> = new Set(['RETURN', 'EXCHANGE']);

/** A line that cannot be turned into a MallOrderLine; the message names the field. */
export class NaverMappingError extends Error {
  constructor(
    readonly productOrderId: string,
    message: string,
  ) {
    super(message);
    this.name = 'NaverMappingError';
  }
}

function text(v: string | null | undefined): string {
  return (v ?? '').trim();
}

/** True when the line was bought with an option or add-on (non-empty `optionCode`, spec §3.5, design.md §4). */
export function hasOption(po: NaverProductOrder): boolean {
  return text(po.optionCode) !== '';
}

/**
 * The seller code of a line by design.md §4 step 1: an option line (non-empty `optionCode`)
 * uses `optionManageCode` only — never `sellerProductCode`, which names the product, not the
 * option; a line without option uses `sellerProductCode`. Trimmed; empty → null. `field` is the
 * field that holds (or should hold) the code, also when it is empty, so an unmapped reason can
 * name what the seller has to fill in.
 */
export function sellerCodeOf(po: NaverProductOrder): { code: string | null; field: 'optionManageCode' | 'sellerProductCode' } {
  if (hasOption(po)) return { code: text(po.optionManageCode) || null, field: 'optionManageCode' };
  return { code: text(po.sellerProductCode) || null, field: 'sellerProductCode' };
}

/**
 * Where a line stands (design.md §5, spec §3.6), from the documented field semantics only (the
 * Seller-Center tab names 신규주문 / 배송준비 are an UNCERTAIN mapping, spec §13.4, and are not
 * relied on), first rule that applies:
 * 1. `cancelled`: status CANCELED / CANCELED_BY_NOPAYMENT, or a cancel claim open or done
 *    (CANCEL_REQUEST, CANCELING, CANCEL_DONE, ADMIN_CANCELING, ADMIN_CANCEL_DONE), or nothing left
 *    to ship (`remainQuantity` 0) while the line is not shipped yet (PAYED / PAYMENT_WAITING).
 * 2. `pending`: PAYMENT_WAITING.
 * 3. PAYED: `held` with an open return/exchange claim; `awaiting` with placeOrderStatus NOT_YET
 *    or OK; `held` otherwise (placeOrderStatus CANCEL = 발주 확인 해제, or absent): a paid line in an
 *    unexpected state is kept from shipping and reported rather than silently closed.
 * 4. `closed`: everything else (DELIVERING, DELIVERED, PURCHASE_DECIDED, EXCHANGED, RETURNED).
 *    A shipped line whose `remainQuantity` fell to 0 (fully returned) stays `closed`, not
 *    `cancelled`: it is past fulfilment.
 */
export function lineStateOf(po: NaverProductOrder): LineState {
  const status = po.productOrderStatus;
  const unshipped = status === 'PAYED' || status === 'PAYMENT_WAITING';
  if (status === 'CANCELED' || status === 'CANCELED_BY_NOPAYMENT') return 'cancelled';
  if (po.claimStatus && CANCEL_CLAIM_STATUSES.has(po.claimStatus)) return 'cancelled';
  if (unshipped && po.remainQuantity === 0) return 'cancelled';
  if (status === 'PAYMENT_WAITING') return 'pending';
  if (status === 'PAYED') {
    const openReturnOrExchange =
      po.claimType != null && RETURN_EXCHANGE_TYPES.has(po.claimType) && !(po.claimStatus && CLOSED_RETURN_EXCHANGE_STATUSES.has(po.claimStatus));
    if (openReturnOrExchange) return 'held';
    if (po.placeOrderStatus === 'NOT_YET' || po.placeOrderStatus === 'OK') return 'awaiting';
    return 'held';
  }
  return 'closed';
}

/** `PAYED/NOT_YET`, or the status alone when Naver gives no placeOrderStatus. */
function mallStatusOf(po: NaverProductOrder): string {
  return po.placeOrderStatus ? `${po.productOrderStatus}/${po.placeOrderStatus}` : po.productOrderStatus;
}

/** `CANCEL/CANCEL_REQUEST`, one part alone when the other is missing, or null without a claim. */
function claimOf(po: NaverProductOrder): string | null {
  if (po.claimType && po.claimStatus) return `${po.claimType}/${po.claimStatus}`;
  return po.claimType ?? po.claimStatus ?? null;
}

/**
 * The ship-to from `productOrder.shippingAddress` (spec §3.5): name, `tel1` (else `tel2`) kept as
 * written (format UNCERTAIN, spec §13.15), zip code, base and detailed address. Country: 'KR' for a
 * DOMESTIC (or untyped) address; a FOREIGN address keeps its country only when Naver gives a
 * two-letter code, else the line fails by name rather than being sent to a guessed country. A
 * line without address (e.g. 배송 없음) gets empty fields and 'KR'.
 *
 * @throws NaverMappingError for a FOREIGN address whose country is not a two-letter code.
 */
function recipientOf(productOrderId: string, a: ShippingAddress | null | undefined): Recipient {
  if (!a) return { name: '', phone: '', postalCode: '', address1: '', address2: '', country: 'KR' };
  let country = 'KR';
  if (a.addressType === 'FOREIGN') {
    const c = text(a.country);
    if (!/^[A-Za-z]{2}$/.test(c)) {
      throw new NaverMappingError(productOrderId, `shippingAddress is FOREIGN with country "${c}", which is not a two-letter country code`);
    }
    country = c.toUpperCase();
  }
  return {
    name: a.name,
    phone: text(a.tel1) || text(a.tel2),
    postalCode: text(a.zipCode),
    address1: a.baseAddress,
    address2: a.detailedAddress ?? '',
    country,
  };
}

/**
 * One Naver product order → our normalised order line (design.md §4–§5, spec §3.5–§3.6):
 * `mallOrderId` = orderId, `mallPackageId` = '', `mallLineId` = productOrderId, `mallStatus` =
 * `productOrderStatus/placeOrderStatus`, `claimStatus` = `claimType/claimStatus` or null, seller
 * code by {@link sellerCodeOf}, `optionText` = productOption or '' with line breaks as `\n`,
 * `quantity` = `remainQuantity` (read with quantityClaimCompatibility), `unitPrice` = unitPrice +
 * optionPrice (KRW), listing keys = originalProductId + optionCode (null without option),
 * `orderedAt` = `order.orderDate` as a UTC instant, `payload` = the whole ProductOrderInfo.
 *
 * @throws NaverMappingError when a field cannot be read (the caller reports a RecordFailure).
 */
export function mapProductOrder(info: ProductOrderInfo): MallOrderLine {
  const po = info.productOrder;
  const code = sellerCodeOf(po);
  const option = hasOption(po);
  const orderedAt = parseOffsetTime(info.order.orderDate);
  if (!orderedAt) throw new NaverMappingError(po.productOrderId, `order.orderDate "${info.order.orderDate}" is not a time`);
  return {
    mall: 'naver',
    mallOrderId: info.order.orderId,
    mallPackageId: '',
    mallLineId: po.productOrderId,
    mallStatus: mallStatusOf(po),
    claimStatus: claimOf(po),
    state: lineStateOf(po),
    sellerCode: code.code,
    sellerCodeField: code.field,
    productName: po.productName,
    optionText: (po.productOption ?? '').replace(/\r\n?/g, '\n'),
    quantity: po.remainQuantity,
    unitPrice: po.unitPrice == null ? null : po.unitPrice + (po.optionPrice ?? 0),
    listingProductId: text(po.originalProductId) || null,
    listingOptionId: option ? text(po.optionCode) : null,
    recipient: recipientOf(po.productOrderId, po.shippingAddress),
    orderedAt,
    payload: info,
  };
}
