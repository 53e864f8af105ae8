import type { Conn } from '../db.js';
import { bulkInsert } from './bulk-insert.js';
import { chunks } from './chunks.js';
import { toDbTime } from '../../lib/time.js';

/** A listing learned from an order line, for stock sync (design.md §3). */
export interface ListingWrite {
  shopId: number;
  listingProductId: string;
  listingOptionId: string;
  /** The SKU when the listing maps to exactly one SKU one-to-one; null for bundles and multipacks. */
  skuId: number | null;
  sellerCode: string | null;
}

/** Records listings; one already known keeps its row unless what it maps to changed. */
export async function upsertListings(conn: Conn, listings: ListingWrite[], now = new Date()): Promise<void> {
  const t = toDbTime(now);
  const key = (shopId: number, product: string, option: string) => `${shopId}\u0000${product}\u0000${option}`;
  const unique = new Map(listings.map((l) => [key(l.shopId, l.listingProductId, l.listingOptionId), l]));
  if (unique.size === 0) return;
  const stored = new Map<string, { id: number; sku_id: number | null; seller_code: string | null }>();
  for (const shopId of new Set(listings.map((l) => l.shopId))) {
    const products = [...new Set([...unique.values()].filter((l) => l.shopId === shopId).map((l) => l.listingProductId))];
    for (const part of chunks(products)) {
      const rows = (await conn('listings').where('shop_id', shopId).whereIn('listing_product_id', part).select('id', 'listing_product_id', 'listing_option_id', 'sku_id', 'seller_code')) as Array<Record<string, unknown>>;
      for (const r of rows) stored.set(key(shopId, String(r.listing_product_id), String(r.listing_option_id)), { id: Number(r.id), sku_id: r.sku_id === null ? null : Number(r.sku_id), seller_code: (r.seller_code as string | null) ?? null });
    }
  }
  const inserts: Array<Record<string, unknown>> = [];
  for (const [k, l] of unique) {
    const row = stored.get(k);
    if (!row) inserts.push({ shop_id: l.shopId, listing_product_id: l.listingProductId, listing_option_id: l.listingOptionId, sku_id: l.skuId, seller_code: l.sellerCode, created_at: t, updated_at: t });
    else if (row.sku_id !== l.skuId || row.seller_code !== l.sellerCode) await conn('listings').where({ id: row.id }).update({ sku_id: l.skuId, seller_code: l.sellerCode, updated_at: t });
  }
  await bulkInsert(conn, 'listings', inserts, ['shop_id', 'listing_product_id', 'listing_option_id']);
}

/** A listing as stored. */
export interface Listing extends ListingWrite {
  id: number;
  lastPushedQuantity: number | null;
}

/** Every listing of a shop. */
export async function findListings(conn: Conn, shopId: number): Promise<Listing[]> {
  const rows = (await conn('listings').where({ shop_id: shopId }).orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id),
    shopId: Number(r.shop_id),
    listingProductId: String(r.listing_product_id),
    listingOptionId: String(r.listing_option_id),
    skuId: r.sku_id === null || r.sku_id === undefined ? null : Number(r.sku_id),
    sellerCode: (r.seller_code as string | null) ?? null,
    lastPushedQuantity: r.last_pushed_quantity === null || r.last_pushed_quantity === undefined ? null : Number(r.last_pushed_quantity),
  }));
}

/** Records the quantity the marketplace accepted for a listing. */
export async function markPushed(conn: Conn, shopId: number, listingProductId: string, listingOptionId: string, quantity: number, now = new Date()): Promise<void> {
  await conn('listings').where({ shop_id: shopId, listing_product_id: listingProductId, listing_option_id: listingOptionId }).update({ last_pushed_quantity: quantity, last_pushed_at: toDbTime(now), updated_at: toDbTime(now) });
}
