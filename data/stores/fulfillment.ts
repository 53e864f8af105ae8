import { isMysql, type Conn } from '../db.js';
import { bulkInsert } from './bulk-insert.js';
import { chunks } from './chunks.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';
import type { Recipient } from '../../connectors/shared/order-line.js';

/** Order lifecycle statuses (design.md §5). */
export type FulfillmentStatus = 'new' | 'confirmed' | 'instructed' | 'shipped' | 'tracking_sent' | 'on_hold' | 'cancelled';

/** One parcel destination (table `fulfillment_orders`). */
export interface FulfillmentOrder {
  id: number;
  shopId: number;
  mallOrderId: string;
  mallPackageId: string;
  status: FulfillmentStatus;
  holdReason: string | null;
  recipient: Recipient;
  orderedAt: Date | null;
  createdAt: Date;
}

/** One SKU × quantity to pick, tied to the marketplace line it came from. */
export interface FulfillmentLineWrite {
  mallOrderLineId: number;
  skuId: number;
  /** Units to pick: `unitQuantity` × the line's ordered quantity. */
  quantity: number;
  /** Units of this SKU per ordered unit (the mapping's component quantity), kept so a later change of the ordered quantity can be applied. */
  unitQuantity: number;
}

type Row = Record<string, unknown>;

function toOrder(r: Row): FulfillmentOrder {
  return {
    id: Number(r.id),
    shopId: Number(r.shop_id),
    mallOrderId: String(r.mall_order_id),
    mallPackageId: String(r.mall_package_id),
    status: r.status as FulfillmentStatus,
    holdReason: (r.hold_reason as string | null) ?? null,
    recipient: {
      name: String(r.recipient_name),
      phone: String(r.recipient_phone),
      postalCode: String(r.postal_code),
      address1: String(r.address1),
      address2: String(r.address2),
      country: String(r.country),
    },
    orderedAt: fromDbTime(r.ordered_at),
    createdAt: fromDbTime(r.created_at)!,
  };
}

/** Fulfillment orders of these marketplace orders of one shop. */
export async function findFulfillmentOrders(conn: Conn, shopId: number, mallOrderIds: string[]): Promise<FulfillmentOrder[]> {
  const out: FulfillmentOrder[] = [];
  for (const part of chunks([...new Set(mallOrderIds)])) {
    const rows = (await conn('fulfillment_orders').where('shop_id', shopId).whereIn('mall_order_id', part).orderBy('id')) as Row[];
    out.push(...rows.map(toOrder));
  }
  return out;
}

/**
 * Creates the fulfillment order of one package with its lines, unless it exists already (two
 * workers, or a rerun): then nothing is written. Returns the id and whether this call created it.
 */
export async function createFulfillmentOrder(
  conn: Conn,
  order: { shopId: number; mallOrderId: string; mallPackageId: string; recipient: Recipient; orderedAt: Date | null },
  lines: FulfillmentLineWrite[],
  now = new Date(),
): Promise<{ id: number; created: boolean }> {
  const existing = (await conn('fulfillment_orders').where({ shop_id: order.shopId, mall_order_id: order.mallOrderId, mall_package_id: order.mallPackageId }).first('id')) as Row | undefined;
  if (existing) return { id: Number(existing.id), created: false };
  const ids = await createFulfillmentOrders(conn, order.shopId, [{ ...order, lines }], now);
  return { id: ids.get(`${order.mallOrderId}/${order.mallPackageId}`)!, created: true };
}

/** Adds lines to a fulfillment order; a line already there is left as is. */
export async function addFulfillmentLines(conn: Conn, fulfillmentOrderId: number, lines: FulfillmentLineWrite[], now = new Date()): Promise<void> {
  const t = toDbTime(now);
  for (const part of chunks(lines, 300)) {
    await conn('fulfillment_order_lines')
      .insert(part.map((l) => ({ fulfillment_order_id: fulfillmentOrderId, mall_order_line_id: l.mallOrderLineId, sku_id: l.skuId, quantity: l.quantity, unit_quantity: l.unitQuantity, created_at: t })))
      .onConflict(['fulfillment_order_id', 'mall_order_line_id', 'sku_id'])
      .ignore();
  }
}

/** Ids of marketplace lines already in a fulfillment order, among these. */
export async function linesInFulfillment(conn: Conn, mallOrderLineIds: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const part of chunks([...new Set(mallOrderLineIds)])) {
    const rows = (await conn('fulfillment_order_lines').whereIn('mall_order_line_id', part).distinct('mall_order_line_id')) as Row[];
    for (const r of rows) out.add(Number(r.mall_order_line_id));
  }
  return out;
}

/** Fulfillment orders per status for these shops. */
export async function countFulfillmentByStatus(conn: Conn, shopIds: number[]): Promise<Partial<Record<FulfillmentStatus, number>>> {
  const out: Partial<Record<FulfillmentStatus, number>> = {};
  if (shopIds.length === 0) return out;
  const rows = (await conn('fulfillment_orders').whereIn('shop_id', shopIds).groupBy('status').select('status').count({ n: '*' })) as Row[];
  for (const r of rows) out[r.status as FulfillmentStatus] = Number(r.n);
  return out;
}

/** One stored fulfillment line. */
export interface FulfillmentLine extends FulfillmentLineWrite {
  id: number;
  fulfillmentOrderId: number;
}

/** The lines of these fulfillment orders. */
export async function findFulfillmentLines(conn: Conn, fulfillmentOrderIds: number[]): Promise<FulfillmentLine[]> {
  const out: FulfillmentLine[] = [];
  for (const part of chunks([...new Set(fulfillmentOrderIds)])) {
    const rows = (await conn('fulfillment_order_lines').whereIn('fulfillment_order_id', part).orderBy('id')) as Row[];
    out.push(...rows.map((r) => ({ id: Number(r.id), fulfillmentOrderId: Number(r.fulfillment_order_id), mallOrderLineId: Number(r.mall_order_line_id), skuId: Number(r.sku_id), quantity: Number(r.quantity), unitQuantity: Number(r.unit_quantity) })));
  }
  return out;
}

/** Removes fulfillment lines (a line cancelled at the marketplace before instruction). */
export async function deleteFulfillmentLines(conn: Conn, ids: number[]): Promise<void> {
  for (const part of chunks(ids)) await conn('fulfillment_order_lines').whereIn('id', part).del();
}

/** Sets the quantity of one fulfillment line (a partial cancellation before instruction). */
export async function updateFulfillmentLineQuantity(conn: Conn, id: number, quantity: number): Promise<void> {
  await conn('fulfillment_order_lines').where({ id }).update({ quantity });
}

/** Replaces the recipient of a fulfillment order (an address change before instruction). */
export async function updateFulfillmentRecipient(conn: Conn, id: number, r: Recipient, now = new Date()): Promise<void> {
  await conn('fulfillment_orders').where({ id }).update({ ...recipientColumns(r), updated_at: toDbTime(now) });
}

/** The recipient's columns, cut to their widths. */
function recipientColumns(r: Recipient): Record<string, string> {
  return {
    recipient_name: r.name.slice(0, 200),
    recipient_phone: r.phone.slice(0, 64),
    postal_code: r.postalCode.slice(0, 16),
    address1: r.address1.slice(0, 500),
    address2: r.address2.slice(0, 500),
    country: r.country,
  };
}

/**
 * Moves a fulfillment order to `status` (with the reason for a hold) and records the change in
 * `fulfillment_order_events`. Only moves it when it is still in `from` (a guard against a
 * concurrent change); returns whether it moved.
 */
export async function changeFulfillmentStatus(conn: Conn, id: number, from: FulfillmentStatus, status: FulfillmentStatus, reason: string | null, now = new Date()): Promise<boolean> {
  const t = toDbTime(now);
  const moved = await conn('fulfillment_orders').where({ id, status: from }).update({ status, hold_reason: status === 'on_hold' ? reason : null, updated_at: t });
  if (Number(moved) === 0) return false;
  await conn('fulfillment_order_events').insert({ fulfillment_order_id: id, from_status: from, to_status: status, reason, created_at: t });
  return true;
}

/** Records an event without a status change (creation; a hold's reason growing). */
export async function recordFulfillmentEvent(conn: Conn, id: number, from: FulfillmentStatus | null, to: FulfillmentStatus, reason: string | null, now = new Date()): Promise<void> {
  await conn('fulfillment_order_events').insert({ fulfillment_order_id: id, from_status: from, to_status: to, reason, created_at: toDbTime(now) });
}

/**
 * Marketplace orders of a shop taken in and not final (design.md §6): with a fulfillment order
 * not yet `tracking_sent` or `cancelled`, or with lines still waiting for one.
 */
export async function findOpenMallOrderIds(conn: Conn, shopId: number): Promise<string[]> {
  const withFo = (await conn('fulfillment_orders').where('shop_id', shopId).whereNotIn('status', ['tracking_sent', 'cancelled']).distinct('mall_order_id')) as Row[];
  const waiting = (await conn('mall_order_lines as l')
    .leftJoin('fulfillment_order_lines as fl', 'fl.mall_order_line_id', 'l.id')
    .where('l.shop_id', shopId)
    .whereIn('l.line_state', ['awaiting', 'unconfirmed', 'held', 'pending'])
    .whereNull('fl.id')
    .distinct('l.mall_order_id')) as Row[];
  return [...new Set([...withFo, ...waiting].map((r) => String(r.mall_order_id)))].sort();
}

/** Fulfillment orders of one shop in these statuses, oldest first. */
export async function findFulfillmentOrdersByStatus(conn: Conn, shopId: number, statuses: FulfillmentStatus[]): Promise<FulfillmentOrder[]> {
  const rows = (await conn('fulfillment_orders').where('shop_id', shopId).whereIn('status', statuses).orderBy('id')) as Row[];
  return rows.map(toOrder);
}

/** One fulfillment order by id. */
export async function findFulfillmentOrderById(conn: Conn, id: number): Promise<FulfillmentOrder | undefined> {
  const row = (await conn('fulfillment_orders').where({ id }).first()) as Row | undefined;
  return row ? toOrder(row) : undefined;
}

/** Fulfillment orders with this marketplace order id (any shop), optionally one package. */
export async function findFulfillmentOrdersByMallOrderId(conn: Conn, mallOrderId: string, mallPackageId?: string): Promise<FulfillmentOrder[]> {
  const q = conn('fulfillment_orders').where('mall_order_id', mallOrderId);
  if (mallPackageId !== undefined) q.andWhere('mall_package_id', mallPackageId);
  return ((await q.orderBy('id')) as Row[]).map(toOrder);
}

/** The SKU lines of these fulfillment orders with the SKU's code and names (instruction files). */
export async function findPickLines(conn: Conn, fulfillmentOrderIds: number[]): Promise<Array<{ fulfillmentOrderId: number; mallLineId: string; skuId: number; skuCode: string; skuName: string; optionName: string | null; barcode: string | null; quantity: number }>> {
  const out = [];
  for (const part of chunks([...new Set(fulfillmentOrderIds)])) {
    const rows = (await conn('fulfillment_order_lines as l')
      .join('skus as s', 's.id', 'l.sku_id')
      .join('mall_order_lines as m', 'm.id', 'l.mall_order_line_id')
      .whereIn('l.fulfillment_order_id', part)
      .orderBy(['l.fulfillment_order_id', 'l.id'])
      .select('l.fulfillment_order_id', 'm.mall_line_id', 'l.sku_id', 's.sku_code', 's.sku_name', 's.option_name', 's.barcode', 'l.quantity')) as Row[];
    out.push(
      ...rows.map((r) => ({
        fulfillmentOrderId: Number(r.fulfillment_order_id),
        mallLineId: String(r.mall_line_id),
        skuId: Number(r.sku_id),
        skuCode: String(r.sku_code),
        skuName: String(r.sku_name),
        optionName: (r.option_name as string | null) ?? null,
        barcode: (r.barcode as string | null) ?? null,
        quantity: Number(r.quantity),
      })),
    );
  }
  return out;
}

/** Sets the instruction batch of parcels still `confirmed`, moving them to `instructed`; returns the ids moved. */
export async function markInstructed(conn: Conn, ids: number[], batchId: number, now = new Date()): Promise<number[]> {
  const moved: number[] = [];
  for (const id of ids) {
    const n = await conn('fulfillment_orders').where({ id, status: 'confirmed' }).update({ status: 'instructed', instruction_batch_id: batchId, updated_at: toDbTime(now) });
    if (Number(n) > 0) {
      moved.push(id);
      await recordFulfillmentEvent(conn, id, 'confirmed', 'instructed', `instruction batch ${batchId}`, now);
    }
  }
  return moved;
}

/** The ids of the parcels of one instruction batch. */
export async function findBatchOrderIds(conn: Conn, batchId: number): Promise<number[]> {
  const rows = (await conn('fulfillment_orders').where({ instruction_batch_id: batchId }).orderBy('id').select('id')) as Row[];
  return rows.map((r) => Number(r.id));
}

/** The status a parcel had before its last hold (from its history), or null. */
export async function statusBeforeHold(conn: Conn, id: number): Promise<FulfillmentStatus | null> {
  const row = (await conn('fulfillment_order_events').where({ fulfillment_order_id: id, to_status: 'on_hold' }).orderBy('id', 'desc').first('from_status')) as Row | undefined;
  return (row?.from_status as FulfillmentStatus | null | undefined) ?? null;
}

/** Units allocated to parcels not yet shipped, per SKU, for these SKUs (stock sync). */
export async function allocatedBySku(conn: Conn, skuIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const part of chunks([...new Set(skuIds)])) {
    const rows = (await conn('fulfillment_order_lines as l')
      .join('fulfillment_orders as f', 'f.id', 'l.fulfillment_order_id')
      .whereIn('l.sku_id', part)
      .whereIn('f.status', ['new', 'confirmed', 'instructed', 'on_hold'])
      .groupBy('l.sku_id')
      .select('l.sku_id')
      .sum({ n: 'l.quantity' })) as Row[];
    for (const r of rows) out.set(Number(r.sku_id), Number(r.n));
  }
  return out;
}

/** Fulfillment orders by id. */
export async function findFulfillmentOrdersByIds(conn: Conn, ids: number[]): Promise<FulfillmentOrder[]> {
  const out: FulfillmentOrder[] = [];
  for (const part of chunks([...new Set(ids)])) out.push(...((await conn('fulfillment_orders').whereIn('id', part).orderBy('id')) as Row[]).map(toOrder));
  return out;
}

/** A parcel to create with its lines. */
export interface NewFulfillmentOrder {
  shopId: number;
  mallOrderId: string;
  mallPackageId: string;
  recipient: Recipient;
  orderedAt: Date | null;
  lines: FulfillmentLineWrite[];
}

/**
 * Creates many parcels at once (a page of a pull): inserted unless they exist (two workers, a
 * rerun), their lines added (keyed, so adding them twice is harmless), and a `new` event recorded
 * for each parcel that has none yet. Returns the ids by `mallOrderId/mallPackageId`.
 */
export async function createFulfillmentOrders(conn: Conn, shopId: number, orders: NewFulfillmentOrder[], now = new Date()): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (orders.length === 0) return out;
  const t = toDbTime(now);
  await bulkInsert(
    conn,
    'fulfillment_orders',
    orders.map((o) => ({
      shop_id: o.shopId,
      mall_order_id: o.mallOrderId,
      mall_package_id: o.mallPackageId,
      status: 'new',
      ...recipientColumns(o.recipient),
      ordered_at: o.orderedAt ? toDbTime(o.orderedAt) : null,
      created_at: t,
      updated_at: t,
    })),
    ['shop_id', 'mall_order_id', 'mall_package_id'],
  );
  for (const part of chunks([...new Set(orders.map((o) => o.mallOrderId))])) {
    const q = conn('fulfillment_orders').where('shop_id', shopId).whereIn('mall_order_id', part).select('id', 'mall_order_id', 'mall_package_id');
    // A locking read on MySQL sees parcels another worker committed after our snapshot.
    for (const r of (await (isMysql(conn) ? q.forUpdate() : q)) as Row[]) out.set(`${String(r.mall_order_id)}/${String(r.mall_package_id)}`, Number(r.id));
  }
  const lines = orders.flatMap((o) => o.lines.map((l) => ({ fulfillment_order_id: out.get(`${o.mallOrderId}/${o.mallPackageId}`)!, mall_order_line_id: l.mallOrderLineId, sku_id: l.skuId, quantity: l.quantity, unit_quantity: l.unitQuantity, created_at: t })));
  await bulkInsert(conn, 'fulfillment_order_lines', lines, ['fulfillment_order_id', 'mall_order_line_id', 'sku_id']);
  const ids = orders.map((o) => out.get(`${o.mallOrderId}/${o.mallPackageId}`)!);
  const withEvents = new Set<number>();
  for (const part of chunks(ids)) for (const r of (await conn('fulfillment_order_events').whereIn('fulfillment_order_id', part).distinct('fulfillment_order_id')) as Row[]) withEvents.add(Number(r.fulfillment_order_id));
  await bulkInsert(conn, 'fulfillment_order_events', ids.filter((id) => !withEvents.has(id)).map((id) => ({ fulfillment_order_id: id, from_status: null, to_status: 'new', reason: null, created_at: t })));
  return out;
}
