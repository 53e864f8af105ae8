import { parseOffsetTime, toKstIsoMillis } from '../../lib/time.js';
import type { SandboxFeedEvent, SandboxProductOrderInfo } from './sandbox-records.js';
import type { ClaimStatus, ClaimType, PlaceOrderStatus, ProductOrderStatus } from './schemas.js';

/** A change to apply to a product order, with the feed event it produces (spec §3.1). */
export interface SandboxChange {
  /** The feed's `lastChangedType`, e.g. `CLAIM_REQUESTED`, `DELIVERY_ADDRESS_CHANGED`. */
  lastChangedType: string;
  /** When it happened; default the sandbox's now. */
  at?: Date;
  productOrderStatus?: ProductOrderStatus;
  placeOrderStatus?: PlaceOrderStatus;
  claim?: { type: ClaimType; status: ClaimStatus } | null;
  remainQuantity?: number;
  /** Fields merged into `productOrder.shippingAddress` (sets `receiverAddressChanged` on the event). */
  shippingAddress?: Record<string, unknown>;
  /** The `delivery` object the line gets (a dispatch). */
  delivery?: Record<string, unknown>;
}

/** One page of the feed as the store computes it. */
export interface FeedSlice {
  rows: SandboxFeedEvent[];
  more?: { moreFrom: Date; moreSequence: string };
}

function compareEvents(a: SandboxFeedEvent, b: SandboxFeedEvent): number {
  const d = a.lastChangedDate.getTime() - b.lastChangedDate.getTime();
  if (d !== 0) return d;
  return a.productOrderId < b.productOrderId ? -1 : a.productOrderId > b.productOrderId ? 1 : 0;
}

/**
 * The sandbox's orders: ProductOrderInfo records by productOrderId and the change feed, one event
 * per change (a product order that changed twice is listed twice, spec §8.4).
 */
export class SandboxStore {
  private readonly records = new Map<string, SandboxProductOrderInfo>();
  private events: SandboxFeedEvent[] = [];
  private sorted = true;

  add(infos: SandboxProductOrderInfo[], events: SandboxFeedEvent[]): void {
    for (const info of infos) this.records.set(String(info.productOrder.productOrderId), info);
    this.events.push(...events);
    this.sorted = false;
  }

  private feedEvents(): SandboxFeedEvent[] {
    if (!this.sorted) {
      this.events.sort(compareEvents);
      this.sorted = true;
    }
    return this.events;
  }

  /**
   * The feed between `from` and `to` (both inclusive), sorted by lastChangedDate then
   * productOrderId (spec §3.1). With `moreSequence`, rows at exactly `from` start at that
   * productOrderId (≥), so a page never repeats the previous one. At most `limit` rows; when more
   * remain, `more` points at the first row left out.
   */
  feed(q: { from: Date; to: Date; moreSequence?: string | undefined; limit: number; type?: string | undefined }): FeedSlice {
    const from = q.from.getTime();
    const to = q.to.getTime();
    const matching = this.feedEvents().filter((e) => {
      const t = e.lastChangedDate.getTime();
      if (t < from || t > to) return false;
      if (q.moreSequence !== undefined && t === from && e.productOrderId < q.moreSequence) return false;
      return q.type === undefined || e.lastChangedType === q.type;
    });
    const rows = matching.slice(0, q.limit);
    const next = matching[q.limit];
    return next ? { rows, more: { moreFrom: next.lastChangedDate, moreSequence: next.productOrderId } } : { rows };
  }

  /** Deep copies of the records asked for that exist (unknown ids are left out, duplicates once). */
  detail(ids: string[]): SandboxProductOrderInfo[] {
    const out: SandboxProductOrderInfo[] = [];
    for (const id of new Set(ids)) {
      const info = this.records.get(id);
      if (info) out.push(structuredClone(info));
    }
    return out;
  }

  /** The productOrderIds of one order, sorted ([] for an unknown order). */
  idsOfOrder(orderId: string): string[] {
    return [...this.records.values()].filter((r) => String(r.order.orderId) === orderId).map((r) => String(r.productOrder.productOrderId)).sort();
  }

  /** True when the line's shipping address was changed after the order (a feed event says so). */
  addressChanged(productOrderId: string): boolean {
    return this.events.some((e) => e.productOrderId === productOrderId && e.receiverAddressChanged);
  }

  /**
   * 발주확인 of one line: placeOrderStatus OK and placeOrderDate, without a feed event (no change
   * type exists for it, UNCERTAIN spec §13.3).
   */
  confirm(productOrderId: string, at: Date): void {
    const po = this.records.get(productOrderId)?.productOrder;
    if (!po) throw new Error(`sandbox: no product order ${productOrderId}`);
    po.placeOrderStatus = 'OK';
    po.placeOrderDate = toKstIsoMillis(at);
  }

  /** Every record (deep copies), in productOrderId order. */
  all(): SandboxProductOrderInfo[] {
    return [...this.records.keys()].sort().map((id) => structuredClone(this.records.get(id)!));
  }

  /** Every feed event (copies), in feed order. */
  allEvents(): SandboxFeedEvent[] {
    return this.feedEvents().map((e) => ({ ...e }));
  }

  /**
   * Changes one product order and appends its feed event.
   *
   * @throws Error when the product order does not exist.
   */
  change(productOrderId: string, change: SandboxChange, now: Date): void {
    const info = this.records.get(productOrderId);
    if (!info) throw new Error(`sandbox: no product order ${productOrderId}`);
    const po = info.productOrder;
    const at = change.at ?? now;
    if (change.productOrderStatus) po.productOrderStatus = change.productOrderStatus;
    if (change.placeOrderStatus) {
      po.placeOrderStatus = change.placeOrderStatus;
      if (change.placeOrderStatus === 'OK') po.placeOrderDate = toKstIsoMillis(at);
    }
    if (change.claim === null) {
      delete po.claimType;
      delete po.claimStatus;
      delete po.claimId;
    } else if (change.claim) {
      po.claimType = change.claim.type;
      po.claimStatus = change.claim.status;
      po.claimId ??= `${productOrderId.slice(0, 8)}${String(at.getTime()).slice(-8)}`;
    }
    if (change.remainQuantity !== undefined) po.remainQuantity = change.remainQuantity;
    if (change.shippingAddress) po.shippingAddress = { ...(po.shippingAddress as object), ...change.shippingAddress };
    if (change.delivery) info.delivery = { ...change.delivery };
    this.events.push({
      orderId: String(info.order.orderId),
      productOrderId,
      lastChangedType: change.lastChangedType,
      lastChangedDate: at,
      paymentDate: parseOffsetTime(String(info.order.paymentDate)) ?? at,
      productOrderStatus: po.productOrderStatus as ProductOrderStatus,
      ...(po.claimType ? { claimType: po.claimType as ClaimType, claimStatus: po.claimStatus as ClaimStatus } : {}),
      receiverAddressChanged: change.shippingAddress !== undefined,
    });
    this.sorted = false;
  }
}
