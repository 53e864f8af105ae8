import type { Conn } from '../db.js';
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
  const unique = new Map(listings.map((l) => [`${l.shopId}\u0000${l.listingProductId}\u0000${l.listingOptionId}`, l]));
  for (const part of chunks([...unique.values()], 200)) {
    for (const l of part) {
      const key = { shop_id: l.shopId, listing_product_id: l.listingProductId, listing_option_id: l.listingOptionId };
      const row = (await conn('listings').where(key).first('id', 'sku_id', 'seller_code')) as { id: number; sku_id: number | null; seller_code: string | null } | undefined;
      if (!row) {
        await conn('listings')
          .insert({ ...key, sku_id: l.skuId, seller_code: l.sellerCode, created_at: t, updated_at: t })
          .onConflict(['shop_id', 'listing_product_id', 'listing_option_id'])
          .ignore();
      } else if ((row.sku_id === null ? null : Number(row.sku_id)) !== l.skuId || row.seller_code !== l.sellerCode) {
        await conn('listings').where({ id: row.id }).update({ sku_id: l.skuId, seller_code: l.sellerCode, updated_at: t });
      }
    }
  }
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
