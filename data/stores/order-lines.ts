import type { Conn } from '../db.js';
import { bulkInsert } from './bulk-insert.js';
import { chunks } from './chunks.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';
import type { LineState, Recipient } from '../../connectors/shared/order-line.js';

/** How a line stands against the mapping tables (design.md §3). */
export type MappingStatus = 'mapped' | 'unmapped' | 'ignored';

/** The mapping outcome stored on a line. */
export interface MappingFields {
  mappingStatus: MappingStatus;
  /** `seller_code` or `name_option` when mapped. */
  mappingRule: string | null;
  /** Which mapping rows matched, e.g. `sku_codes:12,13`. */
  mappingRef: string | null;
  unmappedReason: string | null;
}

/** A marketplace line as stored in `mall_order_lines`. */
export interface StoredLine extends MappingFields {
  id: number;
  shopId: number;
  mallOrderId: string;
  mallPackageId: string;
  mallLineId: string;
  mallStatus: string;
  claimStatus: string | null;
  lineState: LineState;
  sellerCode: string | null;
  /** The marketplace field the code came from (`optionManageCode`, `merchantDefinedSkuId`…). */
  sellerCodeField: string | null;
  productName: string;
  optionText: string;
  quantity: number;
  unitPrice: number | null;
  listingProductId: string | null;
  listingOptionId: string | null;
  recipient: Recipient;
  orderedAt: Date | null;
  payloadHash: string;
}

/** The raw fields of a line to write (everything but ids and mapping). */
export type LineWrite = Omit<StoredLine, 'id' | keyof MappingFields> & MappingFields & { payload: string };

type Row = Record<string, unknown>;

function toLine(r: Row): StoredLine {
  return {
    id: Number(r.id),
    shopId: Number(r.shop_id),
    mallOrderId: String(r.mall_order_id),
    mallPackageId: String(r.mall_package_id),
    mallLineId: String(r.mall_line_id),
    mallStatus: String(r.mall_status),
    claimStatus: (r.claim_status as string | null) ?? null,
    lineState: r.line_state as LineState,
    sellerCode: (r.seller_code as string | null) ?? null,
    sellerCodeField: (r.seller_code_field as string | null) ?? null,
    productName: String(r.product_name),
    optionText: String(r.option_text),
    quantity: Number(r.quantity),
    unitPrice: r.unit_price === null || r.unit_price === undefined ? null : Number(r.unit_price),
    listingProductId: (r.listing_product_id as string | null) ?? null,
    listingOptionId: (r.listing_option_id as string | null) ?? null,
    recipient: JSON.parse(String(r.recipient)) as Recipient,
    orderedAt: fromDbTime(r.ordered_at),
    payloadHash: String(r.payload_hash),
    mappingStatus: r.mapping_status as MappingStatus,
    mappingRule: (r.mapping_rule as string | null) ?? null,
    mappingRef: (r.mapping_ref as string | null) ?? null,
    unmappedReason: (r.unmapped_reason as string | null) ?? null,
  };
}

function toRow(l: LineWrite): Row {
  return {
    shop_id: l.shopId,
    mall_order_id: l.mallOrderId,
    mall_package_id: l.mallPackageId,
    mall_line_id: l.mallLineId,
    mall_status: l.mallStatus,
    claim_status: l.claimStatus,
    line_state: l.lineState,
    seller_code: l.sellerCode,
    seller_code_field: l.sellerCodeField,
    product_name: l.productName,
    option_text: l.optionText,
    quantity: l.quantity,
    unit_price: l.unitPrice,
    listing_product_id: l.listingProductId,
    listing_option_id: l.listingOptionId,
    recipient: JSON.stringify(l.recipient),
    ordered_at: l.orderedAt ? toDbTime(l.orderedAt) : null,
    payload: l.payload,
    payload_hash: l.payloadHash,
    ...mappingRow(l),
  };
}

function mappingRow(m: MappingFields): Row {
  return { mapping_status: m.mappingStatus, mapping_rule: m.mappingRule, mapping_ref: m.mappingRef, unmapped_reason: m.unmappedReason };
}

const LINE_COLUMNS = [
  'id', 'shop_id', 'mall_order_id', 'mall_package_id', 'mall_line_id', 'mall_status', 'claim_status', 'line_state',
  'seller_code', 'seller_code_field', 'product_name', 'option_text', 'quantity', 'unit_price', 'listing_product_id', 'listing_option_id',
  'recipient', 'ordered_at', 'payload_hash', 'mapping_status', 'mapping_rule', 'mapping_ref', 'unmapped_reason',
];

/** Stored lines of one shop by marketplace line id. */
export async function findLinesByMallLineId(conn: Conn, shopId: number, mallLineIds: string[]): Promise<Map<string, StoredLine>> {
  const out = new Map<string, StoredLine>();
  for (const part of chunks([...new Set(mallLineIds)])) {
    const rows = (await conn('mall_order_lines').select(LINE_COLUMNS).where('shop_id', shopId).whereIn('mall_line_id', part)) as Row[];
    for (const r of rows) out.set(String(r.mall_line_id), toLine(r));
  }
  return out;
}

/** Every stored line of these marketplace orders of one shop, in line id order. */
export async function findLinesOfOrders(conn: Conn, shopId: number, mallOrderIds: string[]): Promise<StoredLine[]> {
  const out: StoredLine[] = [];
  for (const part of chunks([...new Set(mallOrderIds)])) {
    const rows = (await conn('mall_order_lines').select(LINE_COLUMNS).where('shop_id', shopId).whereIn('mall_order_id', part).orderBy('id')) as Row[];
    out.push(...rows.map(toLine));
  }
  return out;
}

/**
 * Inserts new lines. A line inserted meanwhile by another worker (same shop and line id) is left
 * as that worker wrote it; the caller re-reads.
 */
export async function insertLines(conn: Conn, lines: LineWrite[], now = new Date()): Promise<void> {
  const t = toDbTime(now);
  await bulkInsert(conn, 'mall_order_lines', lines.map((l) => ({ ...toRow(l), first_seen_at: t, updated_at: t })), ['shop_id', 'mall_line_id']);
}

/** Rewrites a line whose payload changed. */
export async function updateLine(conn: Conn, id: number, line: LineWrite, now = new Date()): Promise<void> {
  await conn('mall_order_lines').where({ id }).update({ ...toRow(line), updated_at: toDbTime(now) });
}

/** Writes one mapping outcome on many lines (lines sharing a code share their outcome: few statements). */
export async function updateLinesMapping(conn: Conn, ids: number[], mapping: MappingFields, now = new Date()): Promise<void> {
  for (const part of chunks(ids)) await conn('mall_order_lines').whereIn('id', part).update({ ...mappingRow(mapping), updated_at: toDbTime(now) });
}

/**
 * Marketplace orders of these shops with a line waiting for a mapping or for its order to be
 * complete: unmapped lines, and mapped lines not yet in a fulfillment order.
 */
export async function findWaitingOrders(conn: Conn, shopIds: number[]): Promise<Array<{ shopId: number; mallOrderId: string }>> {
  if (shopIds.length === 0) return [];
  const rows = (await conn('mall_order_lines as l')
    .leftJoin('fulfillment_order_lines as fl', 'fl.mall_order_line_id', 'l.id')
    .whereIn('l.shop_id', shopIds)
    .whereIn('l.mapping_status', ['unmapped', 'mapped'])
    .whereNull('fl.id')
    .distinct('l.shop_id', 'l.mall_order_id')
    .orderBy(['l.shop_id', 'l.mall_order_id'])) as Row[];
  return rows.map((r) => ({ shopId: Number(r.shop_id), mallOrderId: String(r.mall_order_id) }));
}

/** Unmapped lines of these shops, oldest first: what the seller must add to a sheet. */
export async function findUnmappedLines(conn: Conn, shopIds: number[]): Promise<StoredLine[]> {
  if (shopIds.length === 0) return [];
  const rows = (await conn('mall_order_lines').select(LINE_COLUMNS).whereIn('shop_id', shopIds).andWhere('mapping_status', 'unmapped').orderBy(['shop_id', 'ordered_at', 'id'])) as Row[];
  return rows.map(toLine);
}

/** Count of lines per mapping status for these shops. */
export async function countLinesByMapping(conn: Conn, shopIds: number[]): Promise<Record<MappingStatus, number>> {
  const out: Record<MappingStatus, number> = { mapped: 0, unmapped: 0, ignored: 0 };
  if (shopIds.length === 0) return out;
  const rows = (await conn('mall_order_lines').whereIn('shop_id', shopIds).groupBy('mapping_status').select('mapping_status').count({ n: '*' })) as Row[];
  for (const r of rows) out[r.mapping_status as MappingStatus] = Number(r.n);
  return out;
}

/** Stored lines by their row ids. */
export async function findLinesByIds(conn: Conn, ids: number[]): Promise<Map<number, StoredLine>> {
  const out = new Map<number, StoredLine>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = (await conn('mall_order_lines').select(LINE_COLUMNS).whereIn('id', part)) as Row[];
    for (const r of rows) out.set(Number(r.id), toLine(r));
  }
  return out;
}

/**
 * Records that the seller's confirmation of these Naver lines was accepted (발주확인): their
 * `placeOrderStatus` is OK now. Naver's change feed has no event for it (spec §13.3), so the
 * local copy is updated from the confirmation's own success.
 */
export async function markNaverLinesConfirmed(conn: Conn, shopId: number, mallLineIds: string[], now = new Date()): Promise<void> {
  for (const part of chunks([...new Set(mallLineIds)])) {
    const rows = (await conn('mall_order_lines').where('shop_id', shopId).whereIn('mall_line_id', part).select('id', 'mall_status')) as Row[];
    for (const r of rows) {
      const status = String(r.mall_status);
      if (status.endsWith('/NOT_YET')) await conn('mall_order_lines').where({ id: r.id }).update({ mall_status: status.replace(/\/NOT_YET$/, '/OK'), updated_at: toDbTime(now) });
    }
  }
}
