import { findFulfillmentOrdersByStatus } from '../../data/stores/fulfillment.js';
import { nextSequenceValue } from '../../data/stores/sequences.js';
import { findShipmentsOf } from '../../data/stores/shipments.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { carrierOf, markShipped } from './ship.js';

/** The name of the counter QSP numbers come from. */
export const QSP_SEQUENCE = 'qsp_tracking_number';

/** `QSP` and 12 digits: the tracking number format, the same on both dialects. */
export function qspNumber(n: number): string {
  return `QSP${String(n).padStart(12, '0')}`;
}

/** What `invoices issue` did for one shop. */
export interface InvoiceSummary {
  shopId: number;
  shop: string;
  issued: Array<{ fulfillmentOrderId: number; mallOrderId: string; mallPackageId: string; trackingNumber: string }>;
}

/**
 * `mallbridge invoices issue` for one shop (design.md §5–6): every `instructed` parcel without a
 * tracking number gets the next `QSP…` number from the database counter — the moment its invoice
 * is printed — and becomes `shipped` (stock decremented once). One transaction per parcel: a number
 * is used only when its parcel is shipped with it.
 */
export async function issueInvoices(deps: PipelineDeps, shop: Shop): Promise<InvoiceSummary> {
  const knex = deps.db.knex;
  const summary: InvoiceSummary = { shopId: shop.id, shop: shopLabel(shop), issued: [] };
  const instructed = await findFulfillmentOrdersByStatus(knex, shop.id, ['instructed']);
  const numbered = new Set((await findShipmentsOf(knex, instructed.map((f) => f.id))).map((s) => s.fulfillmentOrderId));
  for (const fo of instructed.filter((f) => !numbered.has(f.id))) {
    await inTransaction(knex, async (trx) => {
      const now = deps.now();
      const trackingNumber = qspNumber(await nextSequenceValue(trx, QSP_SEQUENCE));
      if (await markShipped(trx, fo, { trackingNumber, carrier: carrierOf(shop), source: 'invoice', shippedAt: now }, now)) {
        summary.issued.push({ fulfillmentOrderId: fo.id, mallOrderId: fo.mallOrderId, mallPackageId: fo.mallPackageId, trackingNumber });
      } else {
        // Shipped meanwhile by another path: roll the number back with the transaction.
        throw new SkipParcel();
      }
    }).catch((err) => {
      if (!(err instanceof SkipParcel)) throw err;
    });
  }
  return summary;
}

class SkipParcel extends Error {}
