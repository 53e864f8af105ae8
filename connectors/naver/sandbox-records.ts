import { kstDate, kstDayStart, toKstIsoMillis } from '../../lib/time.js';
import type { ClaimStatus, ClaimType, PlaceOrderStatus, ProductOrderStatus } from './schemas.js';

/**
 * The sandbox's order records: what an order is made of (specs), and the ProductOrderInfo JSON
 * and change-feed events built from them, shaped like spec §3.5 and §10.3.
 */

/** One line of an order to create in the sandbox. Omitted fields take the defaults noted. */
export interface SandboxLineSpec {
  productName: string;
  /** Option label; a line with an option also gets an `optionCode` (below). Omitted = no option. */
  productOption?: string;
  /** Naver's option id; default: generated when `productOption` is set. */
  optionCode?: string;
  /** The seller's option code; may be '' (an option without code). Only on option lines. */
  optionManageCode?: string;
  /** The seller's product code; may be ''. */
  sellerProductCode: string;
  originalProductId?: string;
  productId?: string;
  /** KRW; default 10 000. */
  unitPrice?: number;
  /** KRW; default 0. */
  optionPrice?: number;
  /** Units ordered. */
  quantity: number;
  /** Units left to ship; default `quantity`. */
  remainQuantity?: number;
  /** Default PAYED. */
  productOrderStatus?: ProductOrderStatus;
  /** Default NOT_YET (absent for PAYMENT_WAITING lines). */
  placeOrderStatus?: PlaceOrderStatus;
  /** 일반/추가 상품 구분 (free text at Naver); default 조합형옵션상품 for option lines, else 단일상품. Add-ons: 추가구성상품. */
  productClass?: string;
  /** A claim on the line, with when it was made (a feed event at that time). */
  claim?: { type: ClaimType; status: ClaimStatus; at: Date };
}

/** A person and an address (Korean, domestic). */
export interface SandboxAddress {
  name: string;
  tel: string;
  zipCode: string;
  baseAddress: string;
  detailedAddress: string;
}

/** One order (one checkout) to create in the sandbox. */
export interface SandboxOrderSpec {
  /** When the buyer ordered; payment (and the PAYED feed event) follows 20 s later. */
  orderedAt: Date;
  buyer: { name: string; tel: string };
  recipient: SandboxAddress;
  shippingMemo?: string;
  lines: SandboxLineSpec[];
}

/** One change-feed event (spec §3.1): one row of `last-changed-statuses`. */
export interface SandboxFeedEvent {
  orderId: string;
  productOrderId: string;
  lastChangedType: string;
  lastChangedDate: Date;
  paymentDate: Date;
  productOrderStatus: ProductOrderStatus;
  claimType?: ClaimType;
  claimStatus?: ClaimStatus;
  receiverAddressChanged: boolean;
}

/** ProductOrderInfo as the sandbox serves it (spec §3.5): plain JSON. */
export interface SandboxProductOrderInfo {
  order: Record<string, unknown>;
  productOrder: Record<string, unknown>;
  [key: string]: unknown;
}

/** What creating an order gives back: its ids, for tests to refer to. */
export interface SandboxOrderRef {
  orderId: string;
  productOrderIds: string[];
}

/** Hands out 16-digit `yyyymmdd…` ids (spec §10), unique within one sandbox. */
export class SandboxIds {
  private order = 12_000_000;
  private productOrder = 31_000_000;
  private pkg = 10_100_000;
  private claim = 50_000_000;
  private option = 41_234_567_900;

  private static day(at: Date): string {
    return kstDate(at).replace(/-/g, '');
  }
  orderId(at: Date): string {
    return `${SandboxIds.day(at)}${++this.order}`;
  }
  productOrderId(at: Date): string {
    return `${SandboxIds.day(at)}${++this.productOrder}`;
  }
  packageNumber(at: Date): string {
    return `${SandboxIds.day(at)}${++this.pkg}`;
  }
  claimId(at: Date): string {
    return `${SandboxIds.day(at)}${++this.claim}`;
  }
  optionCode(): string {
    return String(++this.option);
  }
}

const PAYMENT_DELAY_MS = 20_000;
const DELIVERY_FEE = 3000;

/** A masked buyer id as Naver shows it (`abcd****`). */
function maskedBuyerId(n: number): string {
  return `${['abcd', 'mall', 'shop', 'nvrx'][n % 4]}****`;
}

/** 23:59:59.000 KST, `days` after `at`'s KST day: the dispatch deadline (`shippingDueDate`). */
function dueDate(at: Date, days: number): Date {
  return new Date(kstDayStart(kstDate(new Date(at.getTime() + days * 86_400_000))).getTime() + 86_399_000);
}

/**
 * Builds the ProductOrderInfo JSON and feed events of one order (spec §3.5, §10.3): every field of
 * the §10.3 sample, option fields only on option lines, claim fields and a `cancel` object on
 * claimed lines, `placeOrderDate` on confirmed lines. Events: PAY_WAITING or PAYED at payment
 * (status PAYED at that time), then CLAIM_REQUESTED / CLAIM_COMPLETED for a claim. A feed row
 * carries the status as of its change (the docs do not say whether it is that or the current
 * one; consumers must decide on the detail, spec §8.4). Confirming (발주확인, placeOrderStatus OK)
 * adds no feed event: no change type exists for it (UNCERTAIN, spec §13.3).
 */
export function buildOrder(spec: SandboxOrderSpec, ids: SandboxIds, ordinal: number): { infos: SandboxProductOrderInfo[]; events: SandboxFeedEvent[]; ref: SandboxOrderRef } {
  const orderId = ids.orderId(spec.orderedAt);
  const paidAt = new Date(spec.orderedAt.getTime() + PAYMENT_DELAY_MS);
  const packageNumber = ids.packageNumber(spec.orderedAt);
  const lineTotals = spec.lines.map((l) => ((l.unitPrice ?? 10_000) + (l.optionPrice ?? 0)) * l.quantity);
  const orderTotal = lineTotals.reduce((a, b) => a + b, 0) + DELIVERY_FEE;
  const waiting = spec.lines.every((l) => l.productOrderStatus === 'PAYMENT_WAITING');
  const order: Record<string, unknown> = {
    orderId,
    orderDate: toKstIsoMillis(spec.orderedAt),
    paymentDate: toKstIsoMillis(paidAt),
    paymentMeans: ordinal % 3 === 0 ? '신용카드' : ordinal % 3 === 1 ? '신용카드 간편결제' : '계좌 간편결제',
    payLocationType: ordinal % 2 === 0 ? 'MOBILE' : 'PC',
    ordererId: maskedBuyerId(ordinal),
    ordererNo: String(100_200_300 + ordinal),
    ordererName: spec.buyer.name,
    ordererTel: spec.buyer.tel,
    orderDiscountAmount: 0,
    generalPaymentAmount: waiting ? 0 : orderTotal,
    naverMileagePaymentAmount: 0,
    chargeAmountPaymentAmount: 0,
    checkoutAccumulationPaymentAmount: 0,
    payLaterPaymentAmount: 0,
    isDeliveryMemoParticularInput: 'false',
    isMembershipSubscribed: ordinal % 5 === 0,
  };
  const infos: SandboxProductOrderInfo[] = [];
  const events: SandboxFeedEvent[] = [];
  const productOrderIds: string[] = [];
  spec.lines.forEach((line, i) => {
    const productOrderId = ids.productOrderId(spec.orderedAt);
    productOrderIds.push(productOrderId);
    const status = line.productOrderStatus ?? 'PAYED';
    const option = line.productOption !== undefined;
    const optionCode = line.optionCode ?? (option ? ids.optionCode() : undefined);
    const remain = line.remainQuantity ?? line.quantity;
    const unitPrice = line.unitPrice ?? 10_000;
    const optionPrice = line.optionPrice ?? 0;
    const total = lineTotals[i]!;
    const remainAmount = (unitPrice + optionPrice) * remain;
    const fee = i === 0 ? DELIVERY_FEE : 0;
    const placeOrderStatus = status === 'PAYMENT_WAITING' ? undefined : (line.placeOrderStatus ?? 'NOT_YET');
    const productOrder: Record<string, unknown> = {
      productOrderId,
      productOrderStatus: status,
      ...(placeOrderStatus ? { placeOrderStatus } : {}),
      ...(placeOrderStatus === 'OK' ? { placeOrderDate: toKstIsoMillis(new Date(paidAt.getTime() + 3600_000)) } : {}),
      ...(line.claim ? { claimType: line.claim.type, claimStatus: line.claim.status, claimId: ids.claimId(line.claim.at) } : {}),
      productClass: line.productClass ?? (option ? '조합형옵션상품' : '단일상품'),
      productId: line.productId ?? '9876543210',
      originalProductId: line.originalProductId ?? '9812345678',
      merchantChannelId: '500123456',
      productName: line.productName,
      ...(option
        ? { productOption: line.productOption, optionCode, itemNo: optionCode, optionManageCode: line.optionManageCode ?? '' }
        : {}),
      sellerProductCode: line.sellerProductCode,
      optionPrice,
      unitPrice,
      quantity: line.quantity,
      initialQuantity: line.quantity,
      remainQuantity: remain,
      totalProductAmount: total,
      initialProductAmount: total,
      remainProductAmount: remainAmount,
      productDiscountAmount: 0,
      totalPaymentAmount: total,
      initialPaymentAmount: total,
      remainPaymentAmount: remainAmount,
      deliveryFeeAmount: fee,
      deliveryPolicyType: '유료',
      shippingFeeType: '선결제',
      sectionDeliveryFee: 0,
      packageNumber,
      expectedDeliveryMethod: 'DELIVERY',
      deliveryAttributeType: 'NORMAL',
      shippingDueDate: toKstIsoMillis(dueDate(spec.orderedAt, 3)),
      shippingMemo: spec.shippingMemo ?? '',
      mallId: 'ncp_1sandbox',
      shippingAddress: {
        addressType: 'DOMESTIC',
        name: spec.recipient.name,
        tel1: spec.recipient.tel,
        tel2: '',
        zipCode: spec.recipient.zipCode,
        baseAddress: spec.recipient.baseAddress,
        detailedAddress: spec.recipient.detailedAddress,
        city: '',
        state: '',
        country: '한국',
        isRoadNameAddress: true,
      },
      takingAddress: {
        addressType: 'DOMESTIC',
        name: 'mallbridge 샌드박스 출고지',
        tel1: '02-000-0000',
        zipCode: '08390',
        baseAddress: '서울특별시 구로구 샘플로 45',
        detailedAddress: 'B동 1층',
        isRoadNameAddress: true,
      },
      expectedSettlementAmount: Math.round(remainAmount * 0.955),
      paymentCommission: Math.round(remainAmount * 0.035),
      saleCommission: 0,
      channelCommission: Math.round(remainAmount * 0.01),
      inflowPath: '네이버 쇼핑',
    };
    const info: SandboxProductOrderInfo = { order: { ...order }, productOrder };
    if (line.claim && (line.claim.type === 'CANCEL' || line.claim.type === 'ADMIN_CANCEL')) {
      const done = line.claim.status.endsWith('_DONE');
      info.cancel = {
        claimId: productOrder.claimId,
        claimStatus: line.claim.status,
        claimRequestDate: toKstIsoMillis(line.claim.at),
        cancelReason: 'INTENT_CHANGED',
        cancelDetailedReason: '단순 변심',
        requestChannel: '구매회원',
        requestQuantity: line.quantity,
        ...(done ? { cancelCompletedDate: toKstIsoMillis(line.claim.at), cancelApprovalDate: toKstIsoMillis(line.claim.at) } : {}),
      };
    }
    infos.push(info);
    const base = { orderId, productOrderId, paymentDate: paidAt, receiverAddressChanged: false };
    events.push({
      ...base,
      lastChangedType: status === 'PAYMENT_WAITING' ? 'PAY_WAITING' : 'PAYED',
      lastChangedDate: status === 'PAYMENT_WAITING' ? spec.orderedAt : paidAt,
      productOrderStatus: status === 'PAYMENT_WAITING' ? 'PAYMENT_WAITING' : 'PAYED',
    });
    if (line.claim) {
      events.push({
        ...base,
        lastChangedType: line.claim.status.endsWith('_DONE') ? 'CLAIM_COMPLETED' : 'CLAIM_REQUESTED',
        lastChangedDate: line.claim.at,
        productOrderStatus: status,
        claimType: line.claim.type,
        claimStatus: line.claim.status,
      });
    }
  });
  return { infos, events, ref: { orderId, productOrderIds } };
}
