import type { Conn } from '../db.js';
import { cancelledAfterInstruction, exportOfDay, lineOfDay, orderOfDay, text, type ReportScope, type Row } from './reports.js';

/** The reconciliation report's counts per shop (design.md §10); the lists behind them are in reports.ts. */

/** Lines of the day per shop, mapping status and rule; `loaded` = in a fulfillment order. */
export interface LineCount {
  shopId: number;
  mappingStatus: string;
  mappingRule: string | null;
  n: number;
  loaded: number;
}

/** Counts the day's lines by shop, mapping status and rule (the rule of an unmapped line is its reason keyword). */
export async function countReportLines(conn: Conn, s: ReportScope): Promise<LineCount[]> {
  if (s.shopIds.length === 0) return [];
  const q = conn('mall_order_lines as l')
    .whereIn('l.shop_id', s.shopIds)
    .groupBy('l.shop_id', 'l.mapping_status', 'l.mapping_rule')
    .select('l.shop_id', 'l.mapping_status', 'l.mapping_rule')
    .count({ n: '*' })
    .select(conn.raw('sum(case when exists (select 1 from fulfillment_order_lines fl where fl.mall_order_line_id = l.id) then 1 else 0 end) as loaded'));
  lineOfDay(q, s);
  return ((await q) as Row[]).map((r) => ({ shopId: Number(r.shop_id), mappingStatus: String(r.mapping_status), mappingRule: text(r.mapping_rule), n: Number(r.n), loaded: Number(r.loaded ?? 0) }));
}

/** Counts the day's fulfillment orders by shop and status. */
export async function countReportOrders(conn: Conn, s: ReportScope): Promise<Array<{ shopId: number; status: string; n: number }>> {
  if (s.shopIds.length === 0) return [];
  const q = conn('fulfillment_orders as f').whereIn('f.shop_id', s.shopIds).groupBy('f.shop_id', 'f.status').select('f.shop_id', 'f.status').count({ n: '*' });
  orderOfDay(q, s);
  return ((await q) as Row[]).map((r) => ({ shopId: Number(r.shop_id), status: String(r.status), n: Number(r.n) }));
}

/** Open (`pending`, `in_flight`) and `failed` confirmations or tracking numbers of the day's parcels, by shop and status. */
export async function countReportExports(conn: Conn, kind: 'confirm' | 'tracking', s: ReportScope): Promise<Array<{ shopId: number; status: string; n: number }>> {
  if (s.shopIds.length === 0) return [];
  const q = conn('export_items as e').whereIn('e.status', ['pending', 'in_flight', 'failed']).groupBy('e.shop_id', 'e.status').select('e.shop_id', 'e.status').count({ n: '*' });
  exportOfDay(conn, q, kind, s);
  return ((await q) as Row[]).map((r) => ({ shopId: Number(r.shop_id), status: String(r.status), n: Number(r.n) }));
}

/** Per shop: parcels on hold now (orders of any day) and the day's parcels cancelled after instruction. */
export async function countReportHolds(conn: Conn, s: ReportScope): Promise<Array<{ shopId: number; onHold: number; cancelledAfterInstruction: number }>> {
  if (s.shopIds.length === 0) return [];
  const held = (await conn('fulfillment_orders as f').whereIn('f.shop_id', s.shopIds).andWhere('f.status', 'on_hold').groupBy('f.shop_id').select('f.shop_id').count({ n: '*' })) as Row[];
  const q = conn('fulfillment_orders as f').whereIn('f.shop_id', s.shopIds).groupBy('f.shop_id').select('f.shop_id').count({ n: '*' });
  cancelledAfterInstruction(conn, q);
  orderOfDay(q, s);
  const cancelled = (await q) as Row[];
  return s.shopIds.map((shopId) => ({
    shopId,
    onHold: Number(held.find((r) => Number(r.shop_id) === shopId)?.n ?? 0),
    cancelledAfterInstruction: Number(cancelled.find((r) => Number(r.shop_id) === shopId)?.n ?? 0),
  }));
}

/** Stock pushes that failed for good and were not replaced by a newer value, per shop (now, any day). */
export async function countFailedStock(conn: Conn, shopIds: number[]): Promise<Array<{ shopId: number; n: number }>> {
  if (shopIds.length === 0) return [];
  const rows = (await conn('export_items').where({ kind: 'stock', status: 'failed' }).whereIn('shop_id', shopIds).groupBy('shop_id').select('shop_id').count({ n: '*' })) as Row[];
  return rows.map((r) => ({ shopId: Number(r.shop_id), n: Number(r.n) }));
}
