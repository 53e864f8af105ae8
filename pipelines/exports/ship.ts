import type { Knex } from 'knex';
import { decrementOnHand } from '../../data/stores/catalog.js';
import { changeFulfillmentStatus, findFulfillmentLines, type FulfillmentOrder } from '../../data/stores/fulfillment.js';
import { insertShipment } from '../../data/stores/shipments.js';
import type { Shop } from '../../data/stores/shops.js';

/** The carrier code a shop's tracking numbers are sent with (design.md §6: Naver QXPRESS, Rakuten 1000). */
export function carrierOf(shop: Pick<Shop, 'mall' | 'carrierCode'>): string {
  return shop.carrierCode ?? (shop.mall === 'naver' ? 'QXPRESS' : '1000');
}

/**
 * Why `code` cannot be a carrier code of `mall`, or undefined. Only the form is checked (both
 * marketplaces add codes): Rakuten's `deliveryCompany` is four digits (1000 その他, 1001 ヤマト運輸,
 * 1002 佐川急便, 1003 日本郵便…, spec §4.4), Naver's `deliveryCompanyCode` a name in capitals
 * (CJGLS, HANJIN, EPOST, QXPRESS…, spec §5.3). A code of the other marketplace would be refused
 * for good at the push, with the parcel already shipped.
 */
export function carrierProblem(mall: Shop['mall'], code: string): string | undefined {
  if (mall === 'rakuten' && !/^\d{4}$/.test(code)) return `${code} is not a Rakuten delivery company code (four digits, e.g. 1000 その他, 1001 ヤマト運輸, 1002 佐川急便, 1003 日本郵便)`;
  if (mall === 'naver' && !/^[A-Z][A-Z0-9_]*$/.test(code)) return `${code} is not a Naver delivery company code (capitals, e.g. CJGLS, HANJIN, EPOST, QXPRESS)`;
  return undefined;
}

/**
 * A parcel got its tracking number (design.md §5): `instructed` → `shipped`, the number recorded,
 * and `on_hand` of its SKUs decremented — all in the caller's transaction and only when the
 * parcel was still `instructed`, so whichever of invoice or warehouse import comes first counts
 * and stock is decremented once per parcel.
 *
 * @returns whether this call shipped it.
 */
export async function markShipped(trx: Knex.Transaction, fo: FulfillmentOrder, s: { trackingNumber: string; carrier: string; source: 'invoice' | 'import'; shippedAt: Date }, now: Date): Promise<boolean> {
  if (!(await changeFulfillmentStatus(trx, fo.id, 'instructed', 'shipped', `tracking number ${s.trackingNumber} (${s.source})`, now))) return false;
  await insertShipment(trx, { fulfillmentOrderId: fo.id, trackingNumber: s.trackingNumber, carrier: s.carrier, source: s.source, shippedAt: s.shippedAt }, now);
  for (const line of await findFulfillmentLines(trx, [fo.id])) await decrementOnHand(trx, line.skuId, line.quantity, now);
  return true;
}
