import type { Knex } from 'knex';
import { isMysql, type Conn } from '../db.js';
import { mapped, streamQuery } from './stream-query.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/**
 * The reconciliation report's reads (design.md §10). Every list is one query, read as a stream in
 * batches so a day of a million lines is held a batch at a time: MySQL through the driver's row
 * stream, SQLite through better-sqlite3's statement iterator (knex's own SQLite "stream" reads
 * every row first). While a list streams, its connection is busy: everything a row needs is
 * joined in the same query, and no other statement may run on that connection until the batches
 * are consumed (or the generator is closed).
 *
 * Days: a marketplace line belongs to the day of its `ordered_at` (its `first_seen_at` when the
 * marketplace gave no order time), a fulfillment order to the day of its `ordered_at` (else its
 * `created_at`); export items of confirmations and tracking numbers to the day of their parcel.
 */

/** Which shops and which UTC half-open range `[from, to)` a report covers. */
export interface ReportScope {
  shopIds: number[];
  from: Date;
  to: Date;
}

/** A row as the driver returns it. */
export type Row = Record<string, unknown>;

/** Fulfillment statuses of design.md §5, in lifecycle order. */
export const FULFILLMENT_STATUSES = ['new', 'confirmed', 'instructed', 'shipped', 'tracking_sent', 'on_hold', 'cancelled'] as const;
/** Mapping statuses a line may have (design.md §3). */
export const MAPPING_STATUSES = ['mapped', 'unmapped', 'ignored'] as const;
/** Reason keywords of unmapped lines (`mall_order_lines.mapping_rule`). */
export const UNMAPPED_REASONS = ['no_code', 'code_not_registered', 'name_not_registered'] as const;

/**
 * Runs `work` on one read snapshot, so every count and every list of a report sees the same
 * database state: MySQL a REPEATABLE READ transaction (MVCC, no locks taken), SQLite a deferred
 * transaction (WAL: writers in other processes go on; in this process the one pooled connection
 * is held until `work` ends). Nothing is written.
 */
export async function inReadSnapshot<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (isMysql(knex)) return knex.transaction(work, { isolationLevel: 'repeatable read' });
  return knex.transaction(work);
}

export function text(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function num(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

// ---------------------------------------------------------------- day predicates

function inRange(q: Knex.QueryBuilder, column: string, s: ReportScope): void {
  q.where(column, '>=', toDbTime(s.from)).andWhere(column, '<', toDbTime(s.to));
}

/** Lines of the day: by `ordered_at`, or `first_seen_at` when there is none. */
export function lineOfDay(q: Knex.QueryBuilder, s: ReportScope, alias = 'l'): void {
  q.where((w) => w.where((a) => inRange(a, `${alias}.ordered_at`, s)).orWhere((b) => b.whereNull(`${alias}.ordered_at`).andWhere((c) => inRange(c, `${alias}.first_seen_at`, s))));
}

/** Fulfillment orders of the day: by `ordered_at`, or `created_at` when there is none. */
export function orderOfDay(q: Knex.QueryBuilder, s: ReportScope, alias = 'f'): void {
  q.where((w) => w.where((a) => inRange(a, `${alias}.ordered_at`, s)).orWhere((b) => b.whereNull(`${alias}.ordered_at`).andWhere((c) => inRange(c, `${alias}.created_at`, s))));
}

/**
 * The marketplace order and package a tracking item's `target_key` (`ORDER/PACKAGE`) names: the
 * one dialect-specific expression of the report (SQLite has no SUBSTRING_INDEX, MySQL no INSTR
 * with this meaning in every version). Order ids never hold a `/`.
 */
function trackingKeyParts(conn: Conn, column: string): { order: Knex.Raw; pkg: Knex.Raw } {
  if (isMysql(conn)) return { order: conn.raw('SUBSTRING_INDEX(??, ?, 1)', [column, '/']), pkg: conn.raw('SUBSTRING(??, LOCATE(?, ??) + 1)', [column, '/', column]) };
  return { order: conn.raw('substr(??, 1, instr(??, ?) - 1)', [column, column, '/']), pkg: conn.raw('substr(??, instr(??, ?) + 1)', [column, column, '/']) };
}

/** Export items (alias `e`) of one kind whose parcel is of the day. */
export function exportOfDay(conn: Conn, q: Knex.QueryBuilder, kind: 'confirm' | 'tracking', s: ReportScope): void {
  q.where('e.kind', kind).whereIn('e.shop_id', s.shopIds);
  q.whereExists((sub) => {
    sub.select(conn.raw('1')).from('fulfillment_orders as f').whereRaw('f.shop_id = e.shop_id');
    if (kind === 'confirm') sub.whereRaw('f.mall_order_id = e.target_key');
    else {
      const k = trackingKeyParts(conn, 'e.target_key');
      sub.where('f.mall_order_id', '=', k.order).andWhere('f.mall_package_id', '=', k.pkg);
    }
    orderOfDay(sub, s);
  });
}

/** Parcels cancelled after their shipping instruction: `cancelled` now, `instructed` once (events). */
export function cancelledAfterInstruction(conn: Conn, q: Knex.QueryBuilder): void {
  q.where('f.status', 'cancelled').whereExists((sub) => sub.select(conn.raw('1')).from('fulfillment_order_events as ev').whereRaw('ev.fulfillment_order_id = f.id').andWhere('ev.to_status', 'instructed'));
}

/** One marketplace line of the day with the parcel it went into. Times are UTC instants. */
export interface ReportLine {
  shopId: number;
  mallOrderId: string;
  mallPackageId: string;
  mallLineId: string;
  orderedAt: Date | null;
  firstSeenAt: Date | null;
  mallStatus: string;
  lineState: string;
  sellerCode: string | null;
  productName: string;
  optionText: string;
  quantity: number;
  mappingStatus: string;
  mappingRule: string | null;
  mappingRef: string | null;
  unmappedReason: string | null;
  fulfillmentOrderId: number | null;
  fulfillmentStatus: string | null;
}

/**
 * The day's lines of the scope in batches, by shop, marketplace order and row id (the order of the
 * index `(shop_id, mall_order_id)`, so no sort); `unmappedOnly` for the unmapped list.
 */
export function streamReportLines(conn: Conn, s: ReportScope, options: { unmappedOnly?: boolean; batch?: number } = {}): AsyncGenerator<ReportLine[]> {
  const fo = '(select min(fl.fulfillment_order_id) from fulfillment_order_lines fl where fl.mall_order_line_id = l.id)';
  const q = conn('mall_order_lines as l')
    .leftJoin('fulfillment_orders as f', (j) => j.on(conn.raw(`f.id = ${fo}`)))
    .whereIn('l.shop_id', s.shopIds.length ? s.shopIds : [-1])
    .select('l.shop_id', 'l.mall_order_id', 'l.mall_package_id', 'l.mall_line_id', 'l.ordered_at', 'l.first_seen_at', 'l.mall_status', 'l.line_state', 'l.seller_code', 'l.product_name', 'l.option_text', 'l.quantity', 'l.mapping_status', 'l.mapping_rule', 'l.mapping_ref', 'l.unmapped_reason', 'f.id as fo_id', 'f.status as fo_status')
    .orderBy(['l.shop_id', 'l.mall_order_id', 'l.id']);
  lineOfDay(q, s);
  if (options.unmappedOnly) q.andWhere('l.mapping_status', 'unmapped');
  return mapped(streamQuery(conn, q, options.batch ?? 1000), (r) => ({
    shopId: Number(r.shop_id),
    mallOrderId: String(r.mall_order_id),
    mallPackageId: String(r.mall_package_id),
    mallLineId: String(r.mall_line_id),
    orderedAt: fromDbTime(r.ordered_at),
    firstSeenAt: fromDbTime(r.first_seen_at),
    mallStatus: String(r.mall_status),
    lineState: String(r.line_state),
    sellerCode: text(r.seller_code),
    productName: String(r.product_name),
    optionText: String(r.option_text),
    quantity: Number(r.quantity),
    mappingStatus: String(r.mapping_status),
    mappingRule: text(r.mapping_rule),
    mappingRef: text(r.mapping_ref),
    unmappedReason: text(r.unmapped_reason),
    fulfillmentOrderId: num(r.fo_id),
    fulfillmentStatus: text(r.fo_status),
  }));
}

/** One fulfillment order (parcel) with its first tracking number. */
export interface ReportOrder {
  id: number;
  shopId: number;
  mallOrderId: string;
  mallPackageId: string;
  orderedAt: Date | null;
  status: string;
  holdReason: string | null;
  instructionBatchId: number | null;
  trackingNumber: string | null;
  lineCount: number;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** The day's fulfillment orders of the scope in batches, by shop, order and package (the unique index's order). */
export function streamReportOrders(conn: Conn, s: ReportScope, batch = 1000): AsyncGenerator<ReportOrder[]> {
  const q = conn('fulfillment_orders as f')
    .whereIn('f.shop_id', s.shopIds.length ? s.shopIds : [-1])
    .select('f.id', 'f.shop_id', 'f.mall_order_id', 'f.mall_package_id', 'f.ordered_at', 'f.status', 'f.hold_reason', 'f.instruction_batch_id', 'f.created_at', 'f.updated_at')
    .select(conn.raw('(select min(sh.tracking_number) from shipments sh where sh.fulfillment_order_id = f.id) as tracking_number'))
    .select(conn.raw('(select count(*) from fulfillment_order_lines fl where fl.fulfillment_order_id = f.id) as line_count'))
    .orderBy(['f.shop_id', 'f.mall_order_id', 'f.mall_package_id']);
  orderOfDay(q, s);
  return mapped(streamQuery(conn, q, batch), (r) => ({
    id: Number(r.id),
    shopId: Number(r.shop_id),
    mallOrderId: String(r.mall_order_id),
    mallPackageId: String(r.mall_package_id),
    orderedAt: fromDbTime(r.ordered_at),
    status: String(r.status),
    holdReason: text(r.hold_reason),
    instructionBatchId: num(r.instruction_batch_id),
    trackingNumber: text(r.tracking_number),
    lineCount: Number(r.line_count ?? 0),
    createdAt: fromDbTime(r.created_at),
    updatedAt: fromDbTime(r.updated_at),
  }));
}

/** One export item as the report lists it; `payload` is the stored JSON text. */
export interface ReportExport {
  id: number;
  shopId: number;
  kind: string;
  targetKey: string;
  payload: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  settledAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

function toExport(r: Row): ReportExport {
  return {
    id: Number(r.id),
    shopId: Number(r.shop_id),
    kind: String(r.kind),
    targetKey: String(r.target_key),
    payload: String(r.payload),
    status: String(r.status),
    attempts: Number(r.attempts),
    lastError: text(r.last_error),
    nextAttemptAt: fromDbTime(r.next_attempt_at),
    settledAt: fromDbTime(r.settled_at),
    createdAt: fromDbTime(r.created_at),
    updatedAt: fromDbTime(r.updated_at),
  };
}

const EXPORT_COLUMNS = ['e.id', 'e.shop_id', 'e.kind', 'e.target_key', 'e.payload', 'e.status', 'e.attempts', 'e.last_error', 'e.next_attempt_at', 'e.settled_at', 'e.created_at', 'e.updated_at'];

/** Open (`pending`, `in_flight`) and `failed` confirmations or tracking numbers of the day's parcels, by shop and id. */
export function streamReportExports(conn: Conn, kind: 'confirm' | 'tracking', s: ReportScope, batch = 1000): AsyncGenerator<ReportExport[]> {
  const q = conn('export_items as e').whereIn('e.status', ['pending', 'in_flight', 'failed']).select(EXPORT_COLUMNS).orderBy(['e.shop_id', 'e.id']);
  exportOfDay(conn, q, kind, s.shopIds.length ? s : { ...s, shopIds: [-1] });
  return mapped(streamQuery(conn, q, batch), toExport);
}

/** Stock pushes failed for good (now, any day), by shop and id. */
export function streamFailedStock(conn: Conn, shopIds: number[], batch = 1000): AsyncGenerator<ReportExport[]> {
  const q = conn('export_items as e').where({ 'e.kind': 'stock', 'e.status': 'failed' }).whereIn('e.shop_id', shopIds.length ? shopIds : [-1]).select(EXPORT_COLUMNS).orderBy(['e.shop_id', 'e.id']);
  return mapped(streamQuery(conn, q, batch), toExport);
}

/** A held parcel (on hold now) or one of the day cancelled after its instruction, with the story from its events. */
export interface ReportHold {
  id: number;
  shopId: number;
  mallOrderId: string;
  mallPackageId: string;
  orderedAt: Date | null;
  createdAt: Date | null;
  status: string;
  holdReason: string | null;
  /** The reason of the latest event into the current status (the cancellation's reason). */
  lastReason: string | null;
  /** When it entered its current status (latest event into it). */
  since: Date | null;
  /** When it was first instructed (its event), if it was. */
  instructedAt: Date | null;
}

/** Parcels on hold now (orders of any day) and the day's parcels cancelled after instruction, by shop and id. */
export function streamReportHolds(conn: Conn, s: ReportScope, batch = 1000): AsyncGenerator<ReportHold[]> {
  const q = conn('fulfillment_orders as f')
    .whereIn('f.shop_id', s.shopIds.length ? s.shopIds : [-1])
    .andWhere((w) =>
      w.where('f.status', 'on_hold').orWhere((c) => {
        cancelledAfterInstruction(conn, c);
        orderOfDay(c, s);
      }),
    )
    .select('f.id', 'f.shop_id', 'f.mall_order_id', 'f.mall_package_id', 'f.ordered_at', 'f.created_at', 'f.status', 'f.hold_reason')
    .select(conn.raw('(select ev.reason from fulfillment_order_events ev where ev.fulfillment_order_id = f.id and ev.to_status = f.status order by ev.id desc limit 1) as last_reason'))
    .select(conn.raw('(select max(ev.created_at) from fulfillment_order_events ev where ev.fulfillment_order_id = f.id and ev.to_status = f.status) as since'))
    .select(conn.raw("(select min(ev.created_at) from fulfillment_order_events ev where ev.fulfillment_order_id = f.id and ev.to_status = 'instructed') as instructed_at"))
    .orderBy(['f.shop_id', 'f.id']);
  return mapped(streamQuery(conn, q, batch), (r) => ({
    id: Number(r.id),
    shopId: Number(r.shop_id),
    mallOrderId: String(r.mall_order_id),
    mallPackageId: String(r.mall_package_id),
    orderedAt: fromDbTime(r.ordered_at),
    createdAt: fromDbTime(r.created_at),
    status: String(r.status),
    holdReason: text(r.hold_reason),
    lastReason: text(r.last_reason),
    since: fromDbTime(r.since),
    instructedAt: fromDbTime(r.instructed_at),
  }));
}

/** A row of the day that breaks a check: a line with a status or reason outside the known ones, or a parcel with an unknown status. */
export interface ReportDifference {
  shopId: number;
  kind: 'line' | 'fulfillment order';
  id: number;
  mallOrderId: string;
  mallLineId: string | null;
  status: string;
  reason: string | null;
}

/**
 * The day's rows that do not fit the sums: lines whose mapping status is not mapped, unmapped or
 * ignored, unmapped lines without a known reason keyword, parcels whose status is not one of
 * design.md §5. Lines first, then parcels, each by shop and id.
 */
export async function* streamReportDifferences(conn: Conn, s: ReportScope, batch = 1000): AsyncGenerator<ReportDifference[]> {
  const shopIds = s.shopIds.length ? s.shopIds : [-1];
  const lines = conn('mall_order_lines as l')
    .whereIn('l.shop_id', shopIds)
    .andWhere((w) => w.whereNotIn('l.mapping_status', [...MAPPING_STATUSES]).orWhere((u) => u.where('l.mapping_status', 'unmapped').andWhere((r) => r.whereNull('l.mapping_rule').orWhereNotIn('l.mapping_rule', [...UNMAPPED_REASONS]))))
    .select('l.id', 'l.shop_id', 'l.mall_order_id', 'l.mall_line_id', 'l.mapping_status', 'l.mapping_rule')
    .orderBy(['l.shop_id', 'l.id']);
  lineOfDay(lines, s);
  yield* mapped(streamQuery(conn, lines, batch), (r): ReportDifference => ({ shopId: Number(r.shop_id), kind: 'line', id: Number(r.id), mallOrderId: String(r.mall_order_id), mallLineId: String(r.mall_line_id), status: String(r.mapping_status), reason: text(r.mapping_rule) }));
  const orders = conn('fulfillment_orders as f').whereIn('f.shop_id', shopIds).whereNotIn('f.status', [...FULFILLMENT_STATUSES]).select('f.id', 'f.shop_id', 'f.mall_order_id', 'f.status').orderBy(['f.shop_id', 'f.id']);
  orderOfDay(orders, s);
  yield* mapped(streamQuery(conn, orders, batch), (r): ReportDifference => ({ shopId: Number(r.shop_id), kind: 'fulfillment order', id: Number(r.id), mallOrderId: String(r.mall_order_id), mallLineId: null, status: String(r.status), reason: null }));
}
