import type { Knex } from 'knex';
import type { ExportSink } from '../../connectors/shared/exports.js';
import { recordIntents, type ExportItem } from '../../data/stores/export-items.js';
import { changeFulfillmentStatus, findFulfillmentOrders, findFulfillmentOrdersByStatus } from '../../data/stores/fulfillment.js';
import { markNaverLinesConfirmed } from '../../data/stores/order-lines.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { openShopConnector } from '../shop-connector.js';
import { confirmedAtMarketplace, needsConfirmation } from './marketplace-state.js';
import { marketplaceLinesOf } from './parcel-lines.js';
import { remoteStates, runExports, type ExportCounts, type ExportStrategy, type RecoveryVerdict } from './run-exports.js';

/** What `orders:confirm` did for one shop. */
export interface ConfirmSummary extends ExportCounts {
  shopId: number;
  shop: string;
  /** Parcels moved to `confirmed` because the marketplace already had them confirmed (no call needed). */
  alreadyConfirmed: number;
  /** Marketplace orders newly queued for confirmation. */
  queued: number;
}

/** Moves parcels of marketplace orders confirmed by `mallOrderId` from `new` to `confirmed`. */
async function markOrderConfirmed(trx: Knex.Transaction, shop: Shop, mallOrderId: string, reason: string, now: Date): Promise<number> {
  let moved = 0;
  for (const fo of await findFulfillmentOrders(trx, shop.id, [mallOrderId])) {
    if (fo.status === 'new' && (await changeFulfillmentStatus(trx, fo.id, 'new', 'confirmed', reason, now))) moved++;
  }
  return moved;
}

function confirmStrategy(shop: Shop): ExportStrategy {
  return {
    kind: 'confirm',
    send: (sink: ExportSink, items: ExportItem[]) => sink.confirm(items.map((i) => ({ mallOrderId: i.targetKey, mallLineIds: (i.payload.mallLineIds as string[]) ?? [] }))),
    resultKey: (item) => item.targetKey,
    async recover(sink, items) {
      const states = await remoteStates(sink, items.map((i) => i.targetKey), items.flatMap((i) => (i.payload.mallLineIds as string[]) ?? []));
      return new Map(
        items.map((i): [number, RecoveryVerdict] => {
          const s = states.get(i.targetKey);
          if (s?.cancelled) return [i.id, { outcome: 'failed', reason: 'the order was cancelled at the marketplace' }];
          if (s?.confirmed) return [i.id, { outcome: 'done' }];
          return [i.id, { outcome: 'resend' }];
        }),
      );
    },
    onDone: async (trx, item, now) => {
      if (shop.mall === 'naver') await markNaverLinesConfirmed(trx, shop.id, (item.payload.mallLineIds as string[]) ?? [], now);
      await markOrderConfirmed(trx, shop, item.targetKey, shop.mall === 'naver' ? '발주확인 sent' : 'confirmOrder sent', now);
    },
  };
}

/**
 * `orders:confirm` for one shop (design.md §5): parcels whose marketplace order is already
 * confirmed there become `confirmed` without a call; for auto-confirm shops, marketplace orders
 * with parcels still waiting for the seller's confirmation (Naver NOT_YET lines, Rakuten 100) are
 * confirmed exactly once — an intent written first, then sent and settled (pipelines/exports/run-exports.ts).
 * Only orders whose parcels exist are confirmed (a waiting order is confirmed once released).
 */
export async function confirmOrders(deps: PipelineDeps, shop: Shop): Promise<ConfirmSummary> {
  const knex = deps.db.knex;
  const summary: ConfirmSummary = { shopId: shop.id, shop: shopLabel(shop), alreadyConfirmed: 0, queued: 0, recovered: 0, sent: 0, done: 0, failed: 0, retrying: 0, unknown: 0 };
  await inTransaction(knex, async (trx) => {
    const now = deps.now();
    const waiting = await findFulfillmentOrdersByStatus(trx, shop.id, ['new']);
    const lines = await marketplaceLinesOf(trx, waiting);
    const toConfirm = new Map<string, string[]>();
    for (const fo of waiting) {
      const live = (lines.get(fo.id) ?? []).filter((l) => l.lineState !== 'cancelled');
      if (live.length === 0) continue;
      if (live.every((l) => confirmedAtMarketplace(shop.mall, l))) {
        if (await changeFulfillmentStatus(trx, fo.id, 'new', 'confirmed', 'already confirmed at the marketplace', now)) summary.alreadyConfirmed++;
      } else if (shop.autoOrderConfirm) {
        const ids = toConfirm.get(fo.mallOrderId) ?? [];
        ids.push(...live.filter((l) => needsConfirmation(shop.mall, l)).map((l) => l.mallLineId));
        toConfirm.set(fo.mallOrderId, ids);
      }
    }
    const intents = [...toConfirm].map(([orderId, ids]) => ({ targetKey: orderId, payload: { mallLineIds: [...new Set(ids)].sort() } }));
    await recordIntents(trx, 'confirm', shop.id, intents, now);
    summary.queued = intents.length;
  });
  if (!shop.autoOrderConfirm && summary.queued === 0) return summary;
  const connector = openShopConnector(deps, shop);
  try {
    Object.assign(summary, await runExports(deps, shop.id, connector, confirmStrategy(shop)));
  } finally {
    await connector.close();
  }
  return summary;
}
