/**
 * Pure functions of `sendTracking` (spec §4.2): which shipping rows to write for one order, given
 * what Rakuten shows right now, and what the answer says about each row. No HTTP here.
 */
import { kstDate } from '../../lib/time.js';
import type { TrackingTarget } from '../shared/exports.js';
import { MAX_SHIPPING_ROWS, type ShippingAnswer } from './client-write.js';
import { isCompleteRow } from './remote-state.js';
import type { OrderStateModel, ShippingMessageModel, ShippingModel, ShippingRowRequest, UpdateOrderShippingRequest } from './schemas.js';
import type { Outcome } from './write-results.js';

/** A target settled without writing, or the 1-based `dataNumber` of the row that carries it. */
export type PlannedTarget = { settled: Outcome; note?: string } | { dataNumber: number; note?: string };

/** What to send for one order. */
export interface ShippingPlan {
  /** The request, or null when no row needs writing. */
  request: UpdateOrderShippingRequest | null;
  /** Rows in the request, counted across baskets as `dataNumber` counts them (spec §4.2). */
  rowCount: number;
  /** One per target, in the order given. */
  targets: PlannedTarget[];
}

const failed = (message: string): Outcome => ({ outcome: 'failed', permanent: true, message });

function hasText(v: string | null | undefined): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

interface BasketWork {
  basketId: number;
  rows: ShippingModel[];
  claimed: Set<number>;
  /** Rows to send for this basket. */
  out: ShippingRowRequest[];
  /** Rows it would have after the call. */
  total: number;
}

/** The note for a basket that keeps an incomplete row of someone else's (it holds another number). */
function foreignIncompleteNote(b: BasketWork): string | undefined {
  const left = b.rows.filter((r) => !b.claimed.has(r.shippingDetailId) && !isCompleteRow(r) && hasText(r.shippingNumber));
  if (left.length === 0) return undefined;
  const ids = left.map((r) => `${r.shippingDetailId} (${r.shippingNumber ?? ''})`).join(', ');
  return `note: basket ${b.basketId} keeps incomplete shipping row ${ids} typed in RMS; Rakuten shows the order shipped only once every row has carrier, number and date (spec §4.2)`;
}

/**
 * Plans the updateOrderShipping request of one order from its state read right before (spec
 * pitfall 15) and the targets of that order. Per target, in order:
 * - an empty or over-120-character number, an empty carrier, an invalid date, or a basket the order
 *   does not have → failed, permanent, nothing sent;
 * - the same number already in a complete row of the basket → done, nothing sent;
 * - the same number in an incomplete row → that row is completed by its `shippingDetailId`;
 * - else the first incomplete row without a number (a carrier typed in RMS, spec §4.2) is completed
 *   and replaced by ours (carrier, number, date) by its `shippingDetailId`, not doubled by a new row;
 * - else a new row is added, unless the basket would pass 20 rows (failed, permanent).
 * An incomplete row holding another number is never overwritten; the targets of its basket carry a
 * note. Targets repeating a number in one basket share its row. `shippingDate` is the JST date of
 * `shippedAt`, `YYYY-MM-DD` (spec §4.2; `yyyyMMdd` is UNCERTAIN and not used).
 */
export function planOrderShipping(order: OrderStateModel, targets: readonly TrackingTarget[]): ShippingPlan {
  const baskets = new Map<number, BasketWork>();
  const planned: Array<PlannedTarget | { basketId: number; index: number }> = [];
  for (const t of targets) {
    const number = t.trackingNumber.trim();
    const carrier = t.carrierCode.trim();
    if (number === '') planned.push({ settled: failed('the tracking number is empty') });
    else if (number.length > 120) planned.push({ settled: failed(`tracking number ${number} is longer than Rakuten's 120 characters`) });
    else if (carrier === '') planned.push({ settled: failed('the carrier code (deliveryCompany) is empty') });
    else if (Number.isNaN(t.shippedAt.getTime())) planned.push({ settled: failed('the shipping date is not a valid time') });
    else {
      const basketId = /^\d+$/.test(t.mallPackageId) ? Number(t.mallPackageId) : Number.NaN;
      const pkg = order.PackageModelList.find((p) => p.basketId === basketId);
      if (!pkg) {
        planned.push({ settled: failed(`basket ${t.mallPackageId || '(none)'} is not part of order ${order.orderNumber} at Rakuten now (destinations changed after import?); re-read the order`) });
        continue;
      }
      let b = baskets.get(basketId);
      if (!b) {
        const rows = pkg.ShippingModelList ?? [];
        b = { basketId, rows, claimed: new Set(), out: [], total: rows.length };
        baskets.set(basketId, b);
      }
      const row = { deliveryCompany: carrier, shippingNumber: number, shippingDate: kstDate(t.shippedAt) };
      const shared = b.out.findIndex((r) => r.shippingNumber === number);
      const existing = b.rows.find((r) => (r.shippingNumber ?? '').trim() === number);
      if (shared >= 0) planned.push({ basketId, index: shared });
      else if (existing && isCompleteRow(existing)) {
        planned.push({ settled: { outcome: 'done', permanent: false, message: `already registered at Rakuten (shippingDetailId ${existing.shippingDetailId}); nothing sent` } });
      } else {
        const blank = existing ?? b.rows.find((r) => !b.claimed.has(r.shippingDetailId) && !isCompleteRow(r) && !hasText(r.shippingNumber));
        if (blank) {
          b.claimed.add(blank.shippingDetailId);
          b.out.push({ shippingDetailId: blank.shippingDetailId, ...row });
        } else if (b.total + 1 > MAX_SHIPPING_ROWS) {
          planned.push({ settled: failed(`basket ${basketId} already has ${b.total} shipping rows; Rakuten allows ${MAX_SHIPPING_ROWS}`) });
          continue;
        } else {
          b.total++;
          b.out.push(row);
        }
        planned.push({ basketId, index: b.out.length - 1 });
      }
    }
  }

  const firstData = new Map<number, number>();
  let rowCount = 0;
  const list = [...baskets.values()].filter((b) => b.out.length > 0);
  for (const b of list) {
    firstData.set(b.basketId, rowCount + 1);
    rowCount += b.out.length;
  }
  const result: PlannedTarget[] = planned.map((p, i) => {
    const basket = baskets.get(Number(targets[i]!.mallPackageId));
    const note = basket ? foreignIncompleteNote(basket) : undefined;
    const base: PlannedTarget = 'index' in p ? { dataNumber: firstData.get(p.basketId)! + p.index } : p;
    return note && !('settled' in base && base.settled.outcome === 'failed') ? { ...base, note } : base;
  });
  return {
    request: list.length === 0 ? null : { orderNumber: order.orderNumber, BasketidModelList: list.map((b) => ({ basketId: b.basketId, ShippingModelList: b.out })) },
    rowCount,
    targets: result,
  };
}

/**
 * Codes after which sending the same row again cannot help: 102 the order is cancelled
 * (spec §1.3, §4.2), 009/010/011 a missing, empty or malformed field (e.g. a carrier code Rakuten
 * does not know).
 */
const PERMANENT = /_ERROR_(102|009|010|011)$/;

function text(m: ShippingMessageModel): string {
  const id = typeof m.shippingDetailId === 'number' ? ` (shippingDetailId ${m.shippingDetailId})` : '';
  return `${m.messageCode} ${m.message ?? ''}`.trimEnd() + id;
}

/**
 * The outcome of each row (index = dataNumber − 1) from an updateOrderShipping answer (spec §7.9):
 * - an ERROR entry with the row's `dataNumber` → failed (permanent for 102 cancelled and 009/010/011);
 * - an INFO entry (101 added, 102 updated) → done;
 * - only a WARNING (WARNING_101, meaning UNCERTAIN) → unknown: read the order back;
 * - ERROR entries without a `dataNumber` concern the whole order (e.g. 102 cancelled) and settle
 *   every row without an entry of its own;
 * - a row the answer does not mention: on a 400, failed, not permanent — the sandbox and the safe
 *   reading take a refused request as applied to no row (whether Rakuten applies the valid rows of
 *   a 400 is UNCERTAIN; a resend is guarded by the read-back, which finds a row already there);
 *   on a 200, unknown.
 */
export function readShippingAnswer(answer: ShippingAnswer, rowCount: number): Outcome[] {
  const isType = (m: ShippingMessageModel, type: string) => m.messageType.toUpperCase() === type;
  const orderErrors = answer.messages.filter((m) => isType(m, 'ERROR') && !(typeof m.dataNumber === 'number' && m.dataNumber >= 1 && m.dataNumber <= rowCount));
  const outcomes: Outcome[] = [];
  for (let d = 1; d <= rowCount; d++) {
    const own = answer.messages.filter((m) => m.dataNumber === d);
    const error = own.find((m) => isType(m, 'ERROR')) ?? (own.length === 0 ? orderErrors[0] : undefined);
    const info = own.find((m) => isType(m, 'INFO'));
    if (error) outcomes.push({ outcome: 'failed', permanent: PERMANENT.test(error.messageCode), code: error.messageCode, message: text(error) });
    else if (info) outcomes.push({ outcome: 'done', permanent: false, code: info.messageCode, message: text(info) });
    else if (own[0]) outcomes.push({ outcome: 'unknown', permanent: false, code: own[0].messageCode, message: `${text(own[0])}; read the order back to know whether the row was written` });
    else if (answer.status === 400) outcomes.push({ outcome: 'failed', permanent: false, message: 'not applied: Rakuten refused this request because of other rows of the order' });
    else outcomes.push({ outcome: 'unknown', permanent: false, message: "Rakuten's answer did not mention this row; read the order back to know whether it was written" });
  }
  return outcomes;
}
