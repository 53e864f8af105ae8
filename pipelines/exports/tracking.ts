import { trackingKey } from '../../connectors/shared/exports.js';
import { findExportItems, recordIntents, withdrawPending, type ExportItem } from '../../data/stores/export-items.js';
import { changeFulfillmentStatus, findFulfillmentOrdersByIds, findFulfillmentOrdersByStatus } from '../../data/stores/fulfillment.js';
import { findShipmentsOf } from '../../data/stores/shipments.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { openShopConnector } from '../shop-connector.js';
import { marketplaceLinesOf } from './parcel-lines.js';
import { remoteStates, runExports, type ExportCounts, type ExportStrategy, type RecoveryVerdict } from './run-exports.js';
import { carrierOf } from './ship.js';

/** What `tracking:push` did for one shop. */
export interface TrackingSummary extends ExportCounts {
  shopId: number;
  shop: string;
  queued: number;
  /** Queued numbers not sent because their parcel went on hold or was cancelled meanwhile. */
  withdrawn: number;
}

/** Tracking numbers compare on letters and digits only, upper-cased (marketplaces reformat them). */
function sameNumber(a: string, b: string): boolean {
  const n = (s: string) => s.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
  return n(a) === n(b);
}

const strategy: ExportStrategy = {
  kind: 'tracking',
  send: (sink, items: ExportItem[]) =>
    sink.sendTracking(
      items.map((i) => ({
        mallOrderId: String(i.payload.mallOrderId),
        mallPackageId: String(i.payload.mallPackageId),
        mallLineIds: (i.payload.mallLineIds as string[]) ?? [],
        trackingNumber: String(i.payload.trackingNumber),
        carrierCode: String(i.payload.carrierCode),
        shippedAt: new Date(String(i.payload.shippedAt)),
      })),
    ),
  resultKey: (item) => item.targetKey,
  async recover(sink, items) {
    const states = await remoteStates(sink, items.map((i) => String(i.payload.mallOrderId)), items.flatMap((i) => (i.payload.mallLineIds as string[]) ?? []));
    return new Map(
      items.map((i): [number, RecoveryVerdict] => {
        const s = states.get(String(i.payload.mallOrderId));
        const numbers = s?.trackingNumbers[String(i.payload.mallPackageId)] ?? [];
        if (numbers.some((n) => sameNumber(n, String(i.payload.trackingNumber)))) return [i.id, { outcome: 'done' }];
        if (numbers.length > 0) return [i.id, { outcome: 'failed', reason: `the marketplace already shows tracking number ${numbers.join(', ')} for this parcel` }];
        if (s?.cancelled) return [i.id, { outcome: 'failed', reason: 'the order was cancelled at the marketplace' }];
        return [i.id, { outcome: 'resend' }];
      }),
    );
  },
  onDone: async (trx, item, now) => {
    await changeFulfillmentStatus(trx, Number(item.payload.fulfillmentOrderId), 'shipped', 'tracking_sent', `tracking number ${String(item.payload.trackingNumber)} accepted by the marketplace`, now);
  },
};

/**
 * `tracking:push` for one shop (design.md §6): every `shipped` parcel's tracking number is sent to
 * the marketplace exactly once — Naver dispatch of the parcel's lines, Rakuten updateOrderShipping
 * of its basket — with the shop's carrier code (Naver QXPRESS, Rakuten 1000 unless the shop says
 * otherwise), and the parcel becomes `tracking_sent` only on the marketplace's success for it.
 * A number queued for a parcel that went on hold or was cancelled since is withdrawn, not sent.
 */
export async function pushTracking(deps: PipelineDeps, shop: Shop): Promise<TrackingSummary> {
  const knex = deps.db.knex;
  const summary: TrackingSummary = { shopId: shop.id, shop: shopLabel(shop), queued: 0, withdrawn: 0, recovered: 0, sent: 0, done: 0, failed: 0, retrying: 0, unknown: 0 };
  await inTransaction(knex, async (trx) => {
    const now = deps.now();
    const shipped = await findFulfillmentOrdersByStatus(trx, shop.id, ['shipped']);
    const shipments = await findShipmentsOf(trx, shipped.map((f) => f.id));
    const lines = await marketplaceLinesOf(trx, shipped);
    const intents = shipped.flatMap((fo) => {
      const s = shipments.find((x) => x.fulfillmentOrderId === fo.id);
      if (!s) return [];
      return [{
        targetKey: trackingKey(fo),
        payload: {
          fulfillmentOrderId: fo.id,
          mallOrderId: fo.mallOrderId,
          mallPackageId: fo.mallPackageId,
          mallLineIds: (lines.get(fo.id) ?? []).filter((l) => l.lineState !== 'cancelled').map((l) => l.mallLineId),
          trackingNumber: s.trackingNumber,
          carrierCode: s.carrier ?? carrierOf(shop),
          shippedAt: (s.shippedAt ?? now).toISOString(),
        },
      }];
    });
    await recordIntents(trx, 'tracking', shop.id, intents, now);
    summary.queued = intents.length;
    // Never send a number for a parcel that is no longer `shipped` (held or cancelled meanwhile).
    const pending = await findExportItems(trx, 'tracking', shop.id, ['pending']);
    const parcels = new Map((await findFulfillmentOrdersByIds(trx, pending.map((p) => Number(p.payload.fulfillmentOrderId)))).map((f) => [f.id, f]));
    for (const p of pending) {
      const fo = parcels.get(Number(p.payload.fulfillmentOrderId));
      // Never sent, so withdrawing it is safe; a parcel resumed later is queued again.
      if (fo && fo.status !== 'shipped' && (await withdrawPending(trx, p.id))) summary.withdrawn++;
    }
  });
  const pendingNow = await findExportItems(knex, 'tracking', shop.id, ['pending', 'in_flight']);
  if (pendingNow.length === 0) return summary;
  const connector = openShopConnector(deps, shop);
  try {
    Object.assign(summary, await runExports(deps, shop.id, connector, strategy));
  } finally {
    await connector.close();
  }
  return summary;
}
