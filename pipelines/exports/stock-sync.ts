import { stockKey } from '../../connectors/shared/exports.js';
import { findCodeComponents, findSkusById, type Component } from '../../data/stores/catalog.js';
import { reviveIntent, findExportItems, type ExportItem } from '../../data/stores/export-items.js';
import { allocatedBySku } from '../../data/stores/fulfillment.js';
import { findListings, markPushed } from '../../data/stores/listings.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { openShopConnector } from '../shop-connector.js';
import { runExports, type ExportCounts, type ExportStrategy, type RecoveryVerdict } from './run-exports.js';
import { listingQuantity } from './stock-levels.js';

/** What `stock:sync` did for one shop. */
export interface StockSummary extends ExportCounts {
  shopId: number;
  shop: string;
  listings: number;
  /** Listings whose value changed and was queued. */
  queued: number;
  /** Listings left alone: no warehouse count yet, no mapping, or (Rakuten) no variant to address. */
  skipped: number;
}

function stockStrategy(shopId: number): ExportStrategy {
  return {
    kind: 'stock',
    send: (sink, items: ExportItem[]) => sink.pushStock(items.map((i) => ({ listingProductId: String(i.payload.listingProductId), listingOptionId: String(i.payload.listingOptionId), quantity: Number(i.payload.quantity) }))),
    resultKey: (item) => item.targetKey,
    // Absolute quantities: sending again is harmless, so a lost answer is simply sent again.
    recover: async (_sink, items) => new Map(items.map((i): [number, RecoveryVerdict] => [i.id, { outcome: 'resend' }])),
    onDone: (trx, item, now) => markPushed(trx, shopId, String(item.payload.listingProductId), String(item.payload.listingOptionId), Number(item.payload.quantity), now),
  };
}

/**
 * `stock:sync` for one shop (design.md §6): for every listing learned from orders, the units it
 * can sell now (lib: stock-levels.ts) are pushed when they differ from what the marketplace last
 * accepted — Naver option stock (sent whole) or multi-update, Rakuten inventory bulk upsert.
 * Listings whose SKUs have no warehouse count yet are never pushed. Shops without auto stock sync
 * are skipped unless `force`.
 */
export async function syncStock(deps: PipelineDeps, shop: Shop, options: { force?: boolean } = {}): Promise<StockSummary> {
  const knex = deps.db.knex;
  const summary: StockSummary = { shopId: shop.id, shop: shopLabel(shop), listings: 0, queued: 0, skipped: 0, recovered: 0, sent: 0, done: 0, failed: 0, retrying: 0, unknown: 0 };
  if (!shop.autoStockSync && !options.force) return summary;
  await inTransaction(knex, async (trx) => {
    const now = deps.now();
    const listings = await findListings(trx, shop.id);
    summary.listings = listings.length;
    const codes = await findCodeComponents(trx, shop.sellerId, listings.filter((l) => l.skuId === null && l.sellerCode).map((l) => l.sellerCode!));
    const componentsOf = (l: (typeof listings)[number]): Component[] => (l.skuId !== null ? [{ mappingId: 0, skuId: l.skuId, skuCode: '', quantity: 1 }] : l.sellerCode ? (codes.get(l.sellerCode) ?? []) : []);
    const all = listings.flatMap(componentsOf);
    const skus = await findSkusById(trx, all.map((c) => c.skuId));
    const allocated = await allocatedBySku(trx, all.map((c) => c.skuId));
    const refused = new Map((await findExportItems(trx, 'stock', shop.id, ['failed'])).map((i) => [i.targetKey, Number(i.payload.quantity)]));
    for (const l of listings) {
      // A pre-migration Rakuten listing has no variantId: the inventory API cannot address it.
      if (shop.mall === 'rakuten' && l.listingOptionId === '') {
        summary.skipped++;
        continue;
      }
      const quantity = listingQuantity(componentsOf(l), skus, allocated);
      if (quantity === undefined) {
        summary.skipped++;
        continue;
      }
      // Unchanged, or this very value was refused for good already: nothing to send.
      if (quantity === l.lastPushedQuantity || refused.get(stockKey(l)) === quantity) continue;
      if (await reviveIntent(trx, 'stock', shop.id, stockKey(l), { listingProductId: l.listingProductId, listingOptionId: l.listingOptionId, quantity }, now)) summary.queued++;
    }
  });
  if ((await findExportItems(knex, 'stock', shop.id, ['pending', 'in_flight'])).length === 0) return summary;
  const connector = openShopConnector(deps, shop);
  try {
    Object.assign(summary, await runExports(deps, shop.id, connector, stockStrategy(shop.id)));
  } finally {
    await connector.close();
  }
  return summary;
}
