import type { Conn } from '../db.js';
import { fromDbTime } from '../../lib/time.js';
import { countFulfillmentByStatus } from './fulfillment.js';

/** What one shop holds: marketplace orders and lines taken in, fulfillment orders and their lines. */
export interface ShopTotals {
  ordersSeen: number;
  linesSeen: number;
  fulfillmentOrders: number;
  fulfillmentLines: number;
  /** Fulfillment orders by status (design.md §5 statuses). */
  byStatus: Record<string, number>;
}

/** Totals of one shop over all time (the demo's summary). Reads only. */
export async function shopTotals(conn: Conn, shopId: number): Promise<ShopTotals> {
  const orders = (await conn('mall_order_lines').where('shop_id', shopId).countDistinct({ n: 'mall_order_id' }).first()) as { n: number | string };
  const lines = (await conn('mall_order_lines').where('shop_id', shopId).count({ n: '*' }).first()) as { n: number | string };
  const fol = (await conn('fulfillment_order_lines as l').join('fulfillment_orders as f', 'f.id', 'l.fulfillment_order_id').where('f.shop_id', shopId).count({ n: '*' }).first()) as { n: number | string };
  const byStatus: Record<string, number> = await countFulfillmentByStatus(conn, [shopId]);
  return {
    ordersSeen: Number(orders.n),
    linesSeen: Number(lines.n),
    fulfillmentOrders: Object.values(byStatus).reduce((a, b) => a + b, 0),
    fulfillmentLines: Number(fol.n),
    byStatus,
  };
}

/** The earliest and latest marketplace order time of the given shops' lines (UTC), or null when none. */
export async function orderedSpan(conn: Conn, shopIds: number[]): Promise<{ first: Date; last: Date } | null> {
  const r = (await conn('mall_order_lines').whereIn('shop_id', shopIds).min({ first: 'ordered_at' }).max({ last: 'ordered_at' }).first()) as { first: unknown; last: unknown } | undefined;
  if (!r || r.first === null || r.last === null) return null;
  return { first: fromDbTime(r.first)!, last: fromDbTime(r.last)! };
}
