import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { RemoteOrderState } from '../shared/exports.js';
import { DETAIL_BATCH_MAX, type NaverApi } from './client.js';
import { lineStateOf } from './mapper.js';
import type { NaverProductOrder, ProductOrderInfo } from './schemas.js';
import { chunks } from './windows.js';

/** What the write side is built from (one per connector: its client, logger and clock). */
export interface SinkDeps {
  api: NaverApi;
  logger: Logger;
  now: () => Date;
}

/** Statuses after dispatch (spec §3.6): the line has left the seller. */
export const SHIPPED_STATUSES: ReadonlySet<string> = new Set(['DELIVERING', 'DELIVERED', 'PURCHASE_DECIDED', 'EXCHANGED', 'RETURNED']);

/** Order-API codes meaning "no such order / not yours" on the order-id list (spec §7.2). */
const NO_SUCH_ORDER = new Set(['100001', '100003', '101009']);

/** True when 발주확인 is done: `placeOrderStatus` OK, or the line already left (a shipped line was confirmed). */
export function isConfirmedAtNaver(po: NaverProductOrder): boolean {
  return po.placeOrderStatus === 'OK' || SHIPPED_STATUSES.has(po.productOrderStatus);
}

/** Tracking numbers compared as Naver may store them: letters and digits only, upper case. */
export function sameTrackingNumber(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (s: string | null | undefined) => (s ?? '').replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  return norm(a) !== '' && norm(a) === norm(b);
}

/**
 * Reads product orders (`product-orders/query`, ≤ 300 ids a call, matched by productOrderId).
 * `unreadable` names ids whose element failed the schema; ids Naver did not return are simply absent.
 *
 * @throws ApiError / ResponseShapeError from the call (a read: already retried).
 */
export async function readProductOrders(api: NaverApi, ids: string[]): Promise<{ infos: Map<string, ProductOrderInfo>; unreadable: Map<string, string> }> {
  const infos = new Map<string, ProductOrderInfo>();
  const unreadable = new Map<string, string>();
  for (const chunk of chunks([...new Set(ids)], DETAIL_BATCH_MAX)) {
    const answer = await api.queryProductOrders(chunk);
    for (const info of answer.infos) infos.set(info.productOrder.productOrderId, info);
    for (const f of answer.failures) unreadable.set(f.recordId, f.reason);
  }
  return { infos, unreadable };
}

/** The state of one order from its lines (design.md §5, exports.ts RemoteOrderState). */
export function orderStateOf(mallOrderId: string, lines: ProductOrderInfo[]): RemoteOrderState {
  const cancelled = lines.filter((l) => lineStateOf(l.productOrder) === 'cancelled');
  const live = lines.filter((l) => lineStateOf(l.productOrder) !== 'cancelled');
  const numbers = [...new Set(lines.map((l) => (l.delivery?.trackingNumber ?? '').trim()).filter((n) => n !== ''))];
  return {
    mallOrderId,
    confirmed: live.length > 0 && live.every((l) => isConfirmedAtNaver(l.productOrder)),
    cancelled: cancelled.length > 0,
    trackingNumbers: { '': numbers },
  };
}

/**
 * `ExportSink.remoteState` for Naver (spec §3.2, §3.4): the lines are `mallLineIds` when given,
 * else every product order of each order (`orders/{orderId}/product-order-ids`, one call per
 * order; an order Naver does not know is left out). They are read with `product-orders/query` and
 * grouped by `order.orderId`:
 * - `confirmed`: every line not cancelled has placeOrderStatus OK (or has shipped), and there is one;
 * - `cancelled`: some line is cancelled or its cancellation is under way (status or claim, as the
 *   mapper decides: CANCELED, CANCEL_REQUEST, CANCELING, CANCEL_DONE, ADMIN_CANCEL…);
 * - `trackingNumbers['']`: the distinct `delivery.trackingNumber`s of the lines.
 * Orders with no line found are absent from the map (the caller treats them as unknown).
 *
 * @throws ApiError / ResponseShapeError when a read fails, or when a line's answer cannot be read
 *   (a state built without it could say "confirmed" wrongly).
 */
export async function remoteStateOf(deps: SinkDeps, mallOrderIds: string[], mallLineIds?: string[]): Promise<Map<string, RemoteOrderState>> {
  const wanted = new Set(mallOrderIds);
  let ids: string[];
  if (mallLineIds && mallLineIds.length > 0) {
    ids = mallLineIds;
  } else {
    ids = [];
    for (const orderId of wanted) {
      try {
        ids.push(...(await deps.api.productOrderIdsOf(orderId)));
      } catch (err) {
        if (err instanceof ApiError && err.kind === 'request' && err.code !== undefined && NO_SUCH_ORDER.has(err.code)) continue;
        throw err;
      }
    }
  }
  const { infos, unreadable } = await readProductOrders(deps.api, ids);
  if (unreadable.size > 0) {
    const [id, reason] = [...unreadable][0]!;
    throw new ResponseShapeError({ mall: 'naver', call: 'product-orders/query', recordId: id, issues: [{ path: '', message: reason }] });
  }
  const byOrder = new Map<string, ProductOrderInfo[]>();
  for (const info of infos.values()) {
    const orderId = info.order.orderId;
    if (!wanted.has(orderId)) continue;
    byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), info]);
  }
  const missing = ids.filter((id) => !infos.has(id));
  if (missing.length > 0) deps.logger.warn(`remote state: Naver did not return ${missing.length} product order(s): ${missing.slice(0, 5).join(', ')}`);
  const out = new Map<string, RemoteOrderState>();
  for (const [orderId, lines] of byOrder) out.set(orderId, orderStateOf(orderId, lines));
  return out;
}
