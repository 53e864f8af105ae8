import type { Conn } from '../db.js';
import { bulkInsert } from './bulk-insert.js';
import { chunks } from './chunks.js';
import { sha256 } from '../../lib/hash.js';
import { toDbTime } from '../../lib/time.js';
import type { Mall } from '../../lib/errors.js';

/** A warehouse SKU (table `skus`). `onHand` is null until the warehouse's count arrives. */
export interface Sku {
  id: number;
  sellerId: number;
  skuCode: string;
  skuName: string;
  optionName: string | null;
  barcode: string | null;
  onHand: number | null;
}

/** One component of a seller code or a name + option key: which SKU, how many per ordered unit. */
export interface Component {
  /** Id of the mapping row (`sku_codes.id` or `name_mappings.id`). */
  mappingId: number;
  skuId: number;
  skuCode: string;
  quantity: number;
}

/** A name + option key (design.md §4 step 2), compared exactly. */
export interface NameKey {
  productName: string;
  optionText: string;
}

type Row = Record<string, unknown>;

function toSku(r: Row): Sku {
  return {
    id: Number(r.id),
    sellerId: Number(r.seller_id),
    skuCode: String(r.sku_code),
    skuName: String(r.sku_name),
    optionName: (r.option_name as string | null) ?? null,
    barcode: (r.barcode as string | null) ?? null,
    onHand: r.on_hand === null || r.on_hand === undefined ? null : Number(r.on_hand),
  };
}

/** The lookup key of a name + option pair: hashes of both texts (they can be kilobytes long). */
export function nameKeyId(key: NameKey): string {
  return `${sha256(key.productName)}:${sha256(key.optionText)}`;
}

/**
 * Above this many keys a lookup reads all of the seller's rows in one query instead of many IN
 * lists (a 100 000-row sheet would otherwise take hundreds of round trips).
 */
const WHOLE_SELLER_LOOKUP = 2000;

/** The seller's SKUs with these codes, by code. */
export async function findSkusByCode(conn: Conn, sellerId: number, codes: Iterable<string>): Promise<Map<string, Sku>> {
  const out = new Map<string, Sku>();
  const wanted = new Set(codes);
  if (wanted.size > WHOLE_SELLER_LOOKUP) {
    const rows = (await conn('skus').where('seller_id', sellerId)) as Row[];
    for (const r of rows) if (wanted.has(String(r.sku_code))) out.set(String(r.sku_code), toSku(r));
    return out;
  }
  for (const part of chunks([...wanted], 1000)) {
    const rows = (await conn('skus').where('seller_id', sellerId).whereIn('sku_code', part)) as Row[];
    for (const r of rows) out.set(String(r.sku_code), toSku(r));
  }
  return out;
}

/** The components of each of these seller codes (a code absent from the map is not registered). */
export async function findCodeComponents(conn: Conn, sellerId: number, codes: Iterable<string>): Promise<Map<string, Component[]>> {
  const out = new Map<string, Component[]>();
  const wanted = new Set(codes);
  const query = () =>
    conn('sku_codes as c')
      .join('skus as s', 's.id', 'c.sku_id')
      .where('c.seller_id', sellerId)
      .orderBy(['c.seller_code', 's.sku_code'])
      .select('c.id', 'c.seller_code', 'c.sku_id', 'c.quantity', 's.sku_code');
  const parts = wanted.size > WHOLE_SELLER_LOOKUP ? [null] : chunks([...wanted], 1000);
  for (const part of parts) {
    const rows = (await (part ? query().whereIn('c.seller_code', part) : query())) as Row[];
    for (const r of rows) {
      const code = String(r.seller_code);
      if (!wanted.has(code)) continue;
      const list = out.get(code) ?? [];
      list.push({ mappingId: Number(r.id), skuId: Number(r.sku_id), skuCode: String(r.sku_code), quantity: Number(r.quantity) });
      out.set(code, list);
    }
  }
  return out;
}

/** The components of each name + option key of one mall, by {@link nameKeyId}. */
export async function findNameComponents(conn: Conn, sellerId: number, mall: Mall, keys: Iterable<NameKey>): Promise<Map<string, Component[]>> {
  const out = new Map<string, Component[]>();
  const byProductHash = new Map<string, Set<string>>();
  for (const k of keys) {
    const ph = sha256(k.productName);
    const set = byProductHash.get(ph) ?? new Set<string>();
    set.add(sha256(k.optionText));
    byProductHash.set(ph, set);
  }
  for (const part of chunks([...byProductHash.keys()])) {
    const rows = (await conn('name_mappings as n')
      .join('skus as s', 's.id', 'n.sku_id')
      .where('n.seller_id', sellerId)
      .andWhere('n.mall', mall)
      .whereIn('n.product_name_hash', part)
      .orderBy(['n.product_name_hash', 'n.option_text_hash', 's.sku_code'])
      .select('n.id', 'n.product_name', 'n.option_text', 'n.product_name_hash', 'n.option_text_hash', 'n.sku_id', 'n.quantity', 's.sku_code')) as Row[];
    for (const r of rows) {
      if (!byProductHash.get(String(r.product_name_hash))?.has(String(r.option_text_hash))) continue;
      // The hashes only narrow the search; the texts themselves must be equal.
      const id = nameKeyId({ productName: String(r.product_name), optionText: String(r.option_text) });
      const list = out.get(id) ?? [];
      list.push({ mappingId: Number(r.id), skuId: Number(r.sku_id), skuCode: String(r.sku_code), quantity: Number(r.quantity) });
      out.set(id, list);
    }
  }
  return out;
}

/** Every name + option key a seller registered for a mall (near-miss suggestions). */
export async function listNameKeys(conn: Conn, sellerId: number, mall: Mall): Promise<NameKey[]> {
  const rows = (await conn('name_mappings').where({ seller_id: sellerId, mall }).distinct('product_name', 'option_text')) as Row[];
  return rows.map((r) => ({ productName: String(r.product_name), optionText: String(r.option_text) }));
}

/** A SKU to insert or update. */
export interface SkuWrite {
  skuCode: string;
  skuName: string;
  optionName: string | null;
  barcode: string | null;
}

/** Inserts new SKUs; returns their ids by code. */
export async function insertSkus(conn: Conn, sellerId: number, skus: SkuWrite[], now = new Date()): Promise<Map<string, number>> {
  const t = toDbTime(now);
  await bulkInsert(conn, 'skus', skus.map((s) => ({ seller_id: sellerId, sku_code: s.skuCode, sku_name: s.skuName, option_name: s.optionName, barcode: s.barcode, created_at: t, updated_at: t })));
  return findSkuIds(conn, sellerId, skus.map((s) => s.skuCode));
}

/** Ids of the seller's SKUs with these codes (a lean lookup: id and code only). */
export async function findSkuIds(conn: Conn, sellerId: number, codes: Iterable<string>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const wanted = new Set(codes);
  const parts = wanted.size > WHOLE_SELLER_LOOKUP ? [null] : chunks([...wanted], 1000);
  for (const part of parts) {
    const q = conn('skus').where('seller_id', sellerId).select('id', 'sku_code');
    const rows = (await (part ? q.whereIn('sku_code', part) : q)) as Array<{ id: number; sku_code: string }>;
    for (const r of rows) if (wanted.has(r.sku_code)) out.set(r.sku_code, Number(r.id));
  }
  return out;
}

/** Updates the descriptive fields of one SKU. */
export async function updateSku(conn: Conn, id: number, sku: SkuWrite, now = new Date()): Promise<void> {
  await conn('skus').where({ id }).update({ sku_name: sku.skuName, option_name: sku.optionName, barcode: sku.barcode, updated_at: toDbTime(now) });
}

/** A seller code → SKU row to insert. */
export interface SkuCodeWrite {
  sellerCode: string;
  skuId: number;
  quantity: number;
}

/** Inserts seller code components. */
export async function insertSkuCodes(conn: Conn, sellerId: number, rows: SkuCodeWrite[], now = new Date()): Promise<void> {
  const t = toDbTime(now);
  await bulkInsert(conn, 'sku_codes', rows.map((r) => ({ seller_id: sellerId, seller_code: r.sellerCode, sku_id: r.skuId, quantity: r.quantity, created_at: t, updated_at: t })));
}

/** Changes the quantity of one mapping row (`sku_codes` or `name_mappings`). */
export async function updateComponentQuantity(conn: Conn, table: 'sku_codes' | 'name_mappings', id: number, quantity: number, now = new Date()): Promise<void> {
  await conn(table).where({ id }).update({ quantity, updated_at: toDbTime(now) });
}

/** A name + option → SKU row to insert. */
export interface NameMappingWrite extends NameKey {
  mall: Mall;
  skuId: number;
  quantity: number;
}

/** Inserts name + option components. */
export async function insertNameMappings(conn: Conn, sellerId: number, rows: NameMappingWrite[], now = new Date()): Promise<void> {
  const t = toDbTime(now);
  await bulkInsert(
    conn,
    'name_mappings',
    rows.map((r) => ({
      seller_id: sellerId,
      mall: r.mall,
      product_name: r.productName,
      option_text: r.optionText,
      product_name_hash: sha256(r.productName),
      option_text_hash: sha256(r.optionText),
      sku_id: r.skuId,
      quantity: r.quantity,
      created_at: t,
      updated_at: t,
    })),
  );
}

/** Every seller code a seller registered (near-miss suggestions for codes that did not match). */
export async function listSellerCodes(conn: Conn, sellerId: number): Promise<string[]> {
  const rows = (await conn('sku_codes').where({ seller_id: sellerId }).distinct('seller_code')) as Array<{ seller_code: string }>;
  return rows.map((r) => r.seller_code);
}

/** SKUs by id (stock sync). */
export async function findSkusById(conn: Conn, ids: number[]): Promise<Map<number, Sku>> {
  const out = new Map<number, Sku>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = (await conn('skus').whereIn('id', part)) as Row[];
    for (const r of rows) out.set(Number(r.id), toSku(r));
  }
  return out;
}

/** Takes `units` off a SKU's on-hand count (it may go below zero: design.md §6). Skips SKUs without a count. */
export async function decrementOnHand(conn: Conn, skuId: number, units: number, now = new Date()): Promise<void> {
  await conn('skus').where({ id: skuId }).whereNotNull('on_hand').update({ on_hand: conn.raw('on_hand - ?', [units]), updated_at: toDbTime(now) });
}

/** Sets the warehouse's absolute count of a SKU. */
export async function setOnHand(conn: Conn, skuId: number, onHand: number, now = new Date()): Promise<void> {
  await conn('skus').where({ id: skuId }).update({ on_hand: onHand, on_hand_updated_at: toDbTime(now), updated_at: toDbTime(now) });
}
