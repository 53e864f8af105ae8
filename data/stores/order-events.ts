import type { Conn } from '../db.js';
import { fromDbTime } from '../../lib/time.js';
import type { FulfillmentStatus } from './fulfillment.js';

/** One status change of a fulfillment order (table `fulfillment_order_events`, design.md §5). */
export interface OrderEvent {
  fulfillmentOrderId: number;
  fromStatus: FulfillmentStatus | null;
  toStatus: FulfillmentStatus;
  reason: string | null;
  at: Date;
}

/** The status history of these fulfillment orders, oldest first. */
export async function listOrderEvents(conn: Conn, fulfillmentOrderIds: number[]): Promise<OrderEvent[]> {
  if (fulfillmentOrderIds.length === 0) return [];
  const rows = (await conn('fulfillment_order_events').whereIn('fulfillment_order_id', fulfillmentOrderIds).orderBy([{ column: 'created_at' }, { column: 'id' }])) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    fulfillmentOrderId: Number(r.fulfillment_order_id),
    fromStatus: (r.from_status as FulfillmentStatus | null) ?? null,
    toStatus: r.to_status as FulfillmentStatus,
    reason: (r.reason as string | null) ?? null,
    at: fromDbTime(r.created_at)!,
  }));
}
