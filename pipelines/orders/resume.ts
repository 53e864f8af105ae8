import {
  changeFulfillmentStatus,
  deleteFulfillmentLines,
  findFulfillmentLines,
  findFulfillmentOrderById,
  findFulfillmentOrdersByMallOrderId,
  statusBeforeHold,
  updateFulfillmentLineQuantity,
  updateFulfillmentRecipient,
  type FulfillmentOrder,
  type FulfillmentStatus,
} from '../../data/stores/fulfillment.js';
import { inTransaction } from '../../data/transaction.js';
import { InputError } from '../../lib/errors.js';
import type { PipelineDeps } from '../deps.js';
import { marketplaceLinesOf } from '../exports/parcel-lines.js';

/** What `orders resume` did. */
export interface ResumeResult {
  fulfillmentOrderId: number;
  mallOrderId: string;
  mallPackageId: string;
  from: 'on_hold';
  to: FulfillmentStatus;
  /** What was taken over from the marketplace (cancelled lines removed, quantities, address). */
  applied: string[];
}

/**
 * Finds the parcel an operator names: a fulfillment order id, or a marketplace order id
 * (`ORDER` or `ORDER/PACKAGE`).
 *
 * @throws InputError when nothing or more than one parcel matches.
 */
export async function findParcel(deps: PipelineDeps, ref: string): Promise<FulfillmentOrder> {
  const text = ref.trim();
  if (/^\d+$/.test(text)) {
    const fo = await findFulfillmentOrderById(deps.db.knex, Number(text));
    if (fo) return fo;
  }
  const [orderId, packageId] = text.split('/');
  const fos = await findFulfillmentOrdersByMallOrderId(deps.db.knex, orderId!, packageId);
  if (fos.length === 0) throw new InputError(`no fulfillment order ${text}`);
  if (fos.length > 1) throw new InputError(`order ${orderId} has ${fos.length} parcels; name one as ${orderId}/<package> (${fos.map((f) => f.mallPackageId).join(', ')}) or by its fulfillment order id (${fos.map((f) => f.id).join(', ')})`);
  return fos[0]!;
}

/**
 * `mallbridge orders resume <order>` (design.md §5): an operator releases a hold once the change
 * is dealt with. The parcel takes over what the marketplace now says (cancelled lines leave it,
 * quantities and the address are updated, so the same change does not hold it again) and returns
 * to the status it had before the hold; a parcel whose every line was cancelled becomes
 * `cancelled` instead.
 *
 * @throws InputError when the parcel is not on hold, or a claim is still open at the marketplace.
 */
export async function resumeOrder(deps: PipelineDeps, ref: string): Promise<ResumeResult> {
  const fo = await findParcel(deps, ref);
  if (fo.status !== 'on_hold') throw new InputError(`fulfillment order ${fo.id} (${fo.mallOrderId}) is ${fo.status}, not on hold`);
  return inTransaction(deps.db.knex, async (trx) => {
    const now = deps.now();
    const lines = (await marketplaceLinesOf(trx, [fo])).get(fo.id) ?? [];
    const open = lines.filter((l) => l.lineState === 'held' || l.lineState === 'pending');
    if (open.length > 0) {
      throw new InputError(`fulfillment order ${fo.id}: line ${open.map((l) => `${l.mallLineId} (${l.mallStatus}${l.claimStatus ? `, ${l.claimStatus}` : ''})`).join(', ')} still has a claim or change open at the marketplace; resolve it there and pull again first`);
    }
    const live = lines.filter((l) => l.lineState !== 'cancelled' && l.quantity > 0);
    const applied: string[] = [];
    if (live.length === 0) {
      await changeFulfillmentStatus(trx, fo.id, 'on_hold', 'cancelled', 'resumed by an operator: every line was cancelled at the marketplace', now);
      return { fulfillmentOrderId: fo.id, mallOrderId: fo.mallOrderId, mallPackageId: fo.mallPackageId, from: 'on_hold', to: 'cancelled', applied: ['every line cancelled'] };
    }
    const liveIds = new Set(live.map((l) => l.id));
    const fl = await findFulfillmentLines(trx, [fo.id]);
    const gone = fl.filter((l) => !liveIds.has(l.mallOrderLineId));
    if (gone.length) {
      await deleteFulfillmentLines(trx, gone.map((l) => l.id));
      applied.push(`${gone.length} cancelled lines removed`);
    }
    for (const l of fl.filter((x) => liveIds.has(x.mallOrderLineId))) {
      const qty = l.unitQuantity * live.find((m) => m.id === l.mallOrderLineId)!.quantity;
      if (qty !== l.quantity) {
        await updateFulfillmentLineQuantity(trx, l.id, qty);
        applied.push(`quantity ${l.quantity} → ${qty}`);
      }
    }
    const r = live[0]!.recipient;
    if (r.name !== fo.recipient.name || r.phone !== fo.recipient.phone || r.postalCode !== fo.recipient.postalCode || r.address1 !== fo.recipient.address1 || r.address2 !== fo.recipient.address2) {
      await updateFulfillmentRecipient(trx, fo.id, r, now);
      applied.push('address taken over from the marketplace');
    }
    const to = (await statusBeforeHold(trx, fo.id)) ?? 'new';
    await changeFulfillmentStatus(trx, fo.id, 'on_hold', to, `resumed by an operator${applied.length ? `: ${applied.join('; ')}` : ''}`, now);
    return { fulfillmentOrderId: fo.id, mallOrderId: fo.mallOrderId, mallPackageId: fo.mallPackageId, from: 'on_hold', to, applied };
  });
}
