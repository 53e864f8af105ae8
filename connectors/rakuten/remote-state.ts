/**
 * Reading orders back for the write side (spec §3): what Rakuten shows now about an order's
 * status, baskets and shipping rows. Used by `remoteState`, by `sendTracking` right before it
 * writes (spec pitfall 15), and to check what CONFIRM_ORDER_ERROR_102/103 meant.
 */
import type { Logger } from '../../lib/logger.js';
import type { RemoteOrderState } from '../shared/exports.js';
import type { RakutenClient } from './client.js';
import { OrderStateModel, type ShippingModel } from './schemas.js';
import { chunks } from './windows.js';

/** What a batch of read-backs gave. */
export interface OrderStates {
  /** Orders Rakuten returned, by order number. */
  orders: Map<string, OrderStateModel>;
  /**
   * Orders asked for and not returned, with why; `notFound` when Rakuten said it has no such order
   * (INFO_102, or simply left it out), not for a per-order ERROR or a shape that cannot be read.
   */
  missing: Map<string, { reason: string; notFound: boolean }>;
}

/**
 * Reads `orderNumbers` with getOrder (version 10) in batches of at most `batchSize` (≤ 100).
 * Each order is parsed on its own with {@link OrderStateModel}; one that does not match is listed
 * in `missing` with the mismatching paths.
 *
 * @throws ApiError / ResponseShapeError when a getOrder call fails as a whole.
 */
export async function readOrderStates(client: RakutenClient, orderNumbers: readonly string[], batchSize: number, logger: Logger): Promise<OrderStates> {
  const orders = new Map<string, OrderStateModel>();
  const missing: OrderStates['missing'] = new Map();
  const unique = [...new Set(orderNumbers)];
  for (const batch of chunks(unique, batchSize)) {
    const asked = new Set(batch);
    const result = await client.getOrder(batch);
    for (const raw of result.orders) {
      const parsed = OrderStateModel.safeParse(raw);
      const n = typeof raw === 'object' && raw !== null ? (raw as { orderNumber?: unknown }).orderNumber : undefined;
      if (!parsed.success) {
        if (typeof n === 'string' && asked.has(n)) {
          const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
          missing.set(n, { reason: `rakuten getOrder answered with an unexpected shape: ${where}`, notFound: false });
        } else logger.warn('getOrder returned an order without a readable orderNumber; ignored');
        continue;
      }
      if (!asked.has(parsed.data.orderNumber)) continue;
      orders.set(parsed.data.orderNumber, parsed.data);
      missing.delete(parsed.data.orderNumber);
    }
    const note = (list: typeof result.notFound, notFound: boolean) => {
      for (const e of list) {
        if (asked.has(e.orderNumber) && !orders.has(e.orderNumber) && !missing.has(e.orderNumber)) {
          missing.set(e.orderNumber, { reason: `rakuten getOrder: ${e.code} ${e.message}`.trimEnd(), notFound });
        }
      }
    };
    note(result.orderErrors, false);
    note(result.notFound, true);
    for (const n of batch) if (!orders.has(n) && !missing.has(n)) missing.set(n, { reason: 'rakuten getOrder did not return this order', notFound: true });
  }
  return { orders, missing };
}

/** True when a shipping row carries carrier, number and date: only then does RMS count it (spec §4.2, pitfall 14). */
export function isCompleteRow(row: ShippingModel): boolean {
  return [row.deliveryCompany, row.shippingNumber, row.shippingDate].every((v) => typeof v === 'string' && v.trim() !== '');
}

/**
 * An order's state as the export pipelines ask for it (connectors/shared/exports.ts):
 * confirmed = `orderProgress` ≥ 200 and not 900 (100 is 注文確認待ち; 200 楽天処理中 follows
 * confirmOrder, spec §2.4); cancelled = 800 キャンセル確定待ち or 900 キャンセル確定; tracking numbers
 * per basket (`basketId` as text) from `ShippingModelList`, rows without a number left out.
 */
export function remoteStateOf(order: OrderStateModel): RemoteOrderState {
  const p = order.orderProgress;
  const trackingNumbers: Record<string, string[]> = {};
  for (const pkg of order.PackageModelList) {
    trackingNumbers[String(pkg.basketId)] = (pkg.ShippingModelList ?? []).map((r) => r.shippingNumber?.trim() ?? '').filter((n) => n !== '');
  }
  return { mallOrderId: order.orderNumber, confirmed: p >= 200 && p !== 900, cancelled: p === 800 || p === 900, trackingNumbers };
}
