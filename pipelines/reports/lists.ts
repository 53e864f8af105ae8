import type { Conn } from '../../data/db.js';
import {
  streamFailedStock,
  streamReportDifferences,
  streamReportExports,
  streamReportHolds,
  streamReportLines,
  streamReportOrders,
  type ReportExport,
  type ReportScope,
} from '../../data/stores/reports.js';
import { kstDate } from '../../lib/time.js';
import type { Cell, CellType, ListDef, ShopReconciliation } from './model.js';

/** A row of a list with the shop it belongs to (rows are counted per shop against the Summary). */
export interface ListRow {
  shopId: number;
  cells: Cell[];
}

/** What a list is read with: the snapshot's connection, the day and shops, and the shops' counts. */
export interface ListContext {
  conn: Conn;
  scope: ReportScope;
  shops: ShopReconciliation[];
  names: Map<number, string>;
}

/** One list of the report: its columns, how its rows are read, and the count it must match per shop. */
export interface ReportList {
  def: ListDef;
  read(ctx: ListContext): AsyncGenerator<ListRow[]>;
  expected(r: ShopReconciliation): number;
}

const w = (header: string, width: number, type: CellType = 'text') => ({ header, width, type });
const SHOP = [w('shop_id', 9, 'number'), w('shop', 24)];

async function* rowsOf<T extends { shopId: number }>(batches: AsyncGenerator<T[]>, names: Map<number, string>, cells: (x: T) => Cell[]): AsyncGenerator<ListRow[]> {
  for await (const b of batches) yield b.map((x) => ({ shopId: x.shopId, cells: [x.shopId, names.get(x.shopId) ?? '', ...cells(x)] }));
}

function payloadOf(e: ReportExport): Record<string, unknown> {
  try {
    const p = JSON.parse(e.payload) as unknown;
    return p && typeof p === 'object' ? (p as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

const EXPORT_TAIL = [w('status', 11), w('attempts', 9, 'number'), w('last_error', 60), w('next_attempt_at (KST)', 20, 'time'), w('created_at (KST)', 20, 'time'), w('updated_at (KST)', 20, 'time')];
const exportTail = (e: ReportExport): Cell[] => [e.status, e.attempts, e.lastError, e.nextAttemptAt, e.createdAt, e.updatedAt];

/** `lines`: every marketplace line of the day, with its mapping and the parcel it went into. */
const LINES: ReportList = {
  def: {
    name: 'lines',
    columns: [
      ...SHOP,
      w('order_id', 24), w('package_id', 12), w('line_id', 24), w('ordered_at (KST)', 20, 'time'), w('mall_status', 16), w('line_state', 12),
      w('seller_code', 20), w('product_name', 40), w('option_text', 30), w('quantity', 9, 'number'),
      w('mapping_status', 14), w('mapping_rule', 20), w('mapping_ref', 20), w('unmapped_reason', 50),
      w('fulfillment_order_id', 12, 'number'), w('fulfillment_status', 14), w('first_seen_at (KST)', 20, 'time'),
    ],
  },
  read: (ctx) =>
    rowsOf(streamReportLines(ctx.conn, ctx.scope), ctx.names, (l) => [
      l.mallOrderId, l.mallPackageId, l.mallLineId, l.orderedAt, l.mallStatus, l.lineState,
      l.sellerCode, l.productName, l.optionText, l.quantity,
      l.mappingStatus, l.mappingRule, l.mappingRef, l.unmappedReason,
      l.fulfillmentOrderId, l.fulfillmentStatus, l.firstSeenAt,
    ]),
  expected: (r) => r.lines.seen,
};

/** `unmapped`: the day's lines waiting for a mapping, with the reason keyword and sentence. */
const UNMAPPED: ReportList = {
  def: {
    name: 'unmapped',
    columns: [...SHOP, w('order_id', 24), w('package_id', 12), w('line_id', 24), w('ordered_at (KST)', 20, 'time'), w('seller_code', 20), w('product_name', 40), w('option_text', 30), w('quantity', 9, 'number'), w('reason', 22), w('reason_text', 70)],
  },
  read: (ctx) =>
    rowsOf(streamReportLines(ctx.conn, ctx.scope, { unmappedOnly: true }), ctx.names, (l) => [l.mallOrderId, l.mallPackageId, l.mallLineId, l.orderedAt, l.sellerCode, l.productName, l.optionText, l.quantity, l.mappingRule, l.unmappedReason]),
  expected: (r) => r.lines.unmapped,
};

/** `orders`: the day's fulfillment orders (parcels) with their status. */
const ORDERS: ReportList = {
  def: {
    name: 'orders',
    columns: [...SHOP, w('fulfillment_order_id', 12, 'number'), w('order_id', 24), w('package_id', 12), w('ordered_at (KST)', 20, 'time'), w('status', 14), w('hold_reason', 60), w('lines', 7, 'number'), w('instruction_batch', 10, 'number'), w('tracking_number', 18), w('created_at (KST)', 20, 'time'), w('updated_at (KST)', 20, 'time')],
  },
  read: (ctx) => rowsOf(streamReportOrders(ctx.conn, ctx.scope), ctx.names, (f) => [f.id, f.mallOrderId, f.mallPackageId, f.orderedAt, f.status, f.holdReason, f.lineCount, f.instructionBatchId, f.trackingNumber, f.createdAt, f.updatedAt]),
  expected: (r) => r.orders.total,
};

/** `confirmations`: the day's confirmations still pending, in flight, or failed. */
const CONFIRMATIONS: ReportList = {
  def: { name: 'confirmations', columns: [...SHOP, w('export_item_id', 10, 'number'), w('order_id', 24), w('lines', 30), ...EXPORT_TAIL] },
  read: (ctx) => rowsOf(streamReportExports(ctx.conn, 'confirm', ctx.scope), ctx.names, (e) => [e.id, e.targetKey, ((payloadOf(e).mallLineIds as unknown[] | undefined) ?? []).map(str).join(' '), ...exportTail(e)]),
  expected: (r) => r.confirmations.pending + r.confirmations.failed,
};

/** `tracking`: the day's tracking numbers still pending, in flight, or failed. */
const TRACKING: ReportList = {
  def: { name: 'tracking', columns: [...SHOP, w('export_item_id', 10, 'number'), w('order_id', 24), w('package_id', 12), w('fulfillment_order_id', 12, 'number'), w('tracking_number', 18), w('carrier', 10), ...EXPORT_TAIL] },
  read: (ctx) =>
    rowsOf(streamReportExports(ctx.conn, 'tracking', ctx.scope), ctx.names, (e) => {
      const p = payloadOf(e);
      const slash = e.targetKey.indexOf('/');
      const fo = Number(p.fulfillmentOrderId);
      return [e.id, slash < 0 ? e.targetKey : e.targetKey.slice(0, slash), slash < 0 ? '' : e.targetKey.slice(slash + 1), Number.isFinite(fo) ? fo : null, str(p.trackingNumber), str(p.carrierCode), ...exportTail(e)];
    }),
  expected: (r) => r.tracking.pending + r.tracking.failed,
};

/** `holds`: parcels on hold now (any day), and the day's parcels cancelled after instruction. */
const HOLDS: ReportList = {
  def: {
    name: 'holds',
    columns: [...SHOP, w('fulfillment_order_id', 12, 'number'), w('order_id', 24), w('package_id', 12), w('order_day (KST)', 13), w('kind', 28), w('status', 11), w('reason', 80), w('since (KST)', 20, 'time'), w('instructed_at (KST)', 20, 'time')],
  },
  read: (ctx) =>
    rowsOf(streamReportHolds(ctx.conn, ctx.scope), ctx.names, (h) => {
      const day = h.orderedAt ?? h.createdAt;
      return [h.id, h.mallOrderId, h.mallPackageId, day ? kstDate(day) : '', h.status === 'on_hold' ? 'on hold' : 'cancelled after instruction', h.status, h.status === 'on_hold' ? (h.holdReason ?? h.lastReason) : h.lastReason, h.since, h.instructedAt];
    }),
  expected: (r) => r.holds.onHold + r.holds.cancelledAfterInstruction,
};

/** `stock`: stock pushes the marketplace refused for good (now, any day). */
const STOCK: ReportList = {
  def: { name: 'stock', columns: [...SHOP, w('export_item_id', 10, 'number'), w('listing', 30), w('quantity', 9, 'number'), w('attempts', 9, 'number'), w('last_error', 70), w('settled_at (KST)', 20, 'time'), w('updated_at (KST)', 20, 'time')] },
  read: (ctx) =>
    rowsOf(streamFailedStock(ctx.conn, ctx.scope.shopIds), ctx.names, (e) => {
      const q = Number(payloadOf(e).quantity);
      return [e.id, e.targetKey, Number.isFinite(q) ? q : null, e.attempts, e.lastError, e.settledAt, e.updatedAt];
    }),
  expected: (r) => r.stockFailed,
};

/** `shops`: a row per alert — a Rakuten licence key expired or expiring within 14 days, an unhealthy shop. */
const SHOPS: ReportList = {
  def: { name: 'shops', columns: [...SHOP, w('seller', 14), w('mall', 8), w('alert', 30), w('licence_last_day (KST)', 14), w('days_left', 9, 'number'), w('health', 10), w('message', 90)] },
  async *read(ctx) {
    const rows: ListRow[] = [];
    for (const s of ctx.shops) {
      const base = [s.shopId, s.shop, s.seller, s.mall];
      if (s.licence.alert) rows.push({ shopId: s.shopId, cells: [...base, (s.licence.daysLeft ?? 0) < 0 ? 'licence key expired' : 'licence key expiring', s.licence.expiresOn, s.licence.daysLeft, s.health.status, s.licence.warning] });
      if (s.health.alert) rows.push({ shopId: s.shopId, cells: [...base, 'unhealthy', s.licence.expiresOn, s.licence.daysLeft, s.health.status, s.health.message] });
    }
    if (rows.length > 0) yield rows;
  },
  expected: (r) => (r.licence.alert ? 1 : 0) + (r.health.alert ? 1 : 0),
};

/** The columns of the `check` list: the rows behind a difference, then lists whose rows differ from their counts. */
export const CHECK_DEF: ListDef = {
  name: 'check',
  columns: [...SHOP, w('check', 52), w('kind', 18), w('id', 10, 'number'), w('order_id', 24), w('line_id', 24), w('value', 24), w('note', 80)],
};

/** `check`: the day's rows that make a check differ (normally none). */
export const CHECK: ReportList = {
  def: CHECK_DEF,
  read: (ctx) =>
    rowsOf(streamReportDifferences(ctx.conn, ctx.scope), ctx.names, (d) => {
      if (d.kind === 'fulfillment order') return ['fulfillment orders = sum of statuses', d.kind, d.id, d.mallOrderId, '', d.status, 'a parcel status outside new/confirmed/instructed/shipped/tracking_sent/on_hold/cancelled'];
      if (d.status === 'unmapped') return ['unmapped = sum of reasons', d.kind, d.id, d.mallOrderId, d.mallLineId, d.reason ?? '(none)', 'an unmapped line without a known reason keyword (no_code, code_not_registered, name_not_registered)'];
      return ['seen = mapped + unmapped + ignored', d.kind, d.id, d.mallOrderId, d.mallLineId, d.status, 'a line whose mapping status is neither mapped, unmapped nor ignored'];
    }),
  expected: (r) => r.lines.other + (r.lines.unmappedByReason.other ?? 0) + r.orders.other,
};

/** The lists after the Summary, in the order of the workbook's sheets (the check list last). */
export const REPORT_LISTS: readonly ReportList[] = [LINES, UNMAPPED, ORDERS, CONFIRMATIONS, TRACKING, HOLDS, STOCK, SHOPS, CHECK];
