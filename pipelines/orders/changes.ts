import type { Knex } from 'knex';
import type { Recipient } from '../../connectors/shared/order-line.js';
import {
  changeFulfillmentStatus,
  deleteFulfillmentLines,
  findFulfillmentLines,
  updateFulfillmentLineQuantity,
  updateFulfillmentRecipient,
  type FulfillmentOrder,
} from '../../data/stores/fulfillment.js';
import type { StoredLine } from '../../data/stores/order-lines.js';

/** What applying the marketplace's changes did. */
export interface ChangeCounts {
  cancelled: number;
  held: number;
  updated: number;
}

/** Statuses before the warehouse got the shipping instruction: changes can still be applied. */
const BEFORE_INSTRUCTION = new Set(['new', 'confirmed']);
/** Statuses after it and before the marketplace has the tracking number: changes put the order on hold. */
const AFTER_INSTRUCTION = new Set(['instructed', 'shipped']);

function sameRecipient(a: Recipient, b: Recipient): boolean {
  return a.name === b.name && a.phone === b.phone && a.postalCode === b.postalCode && a.address1 === b.address1 && a.address2 === b.address2;
}

function describeLine(l: StoredLine): string {
  return `${l.mallLineId} (${l.productName.slice(0, 40)})`;
}

/**
 * Applies to existing fulfillment orders what the marketplace changed on their lines (design.md
 * §5): before instruction a line cancelled at the marketplace leaves the parcel (all of them: the
 * order is `cancelled`), a smaller quantity or a new address is taken over, and an open claim or
 * change puts it `on_hold`; after instruction any of these puts it `on_hold` with the reason, so
 * it is never shipped automatically and shows in the report. Orders already handed to the
 * marketplace (`tracking_sent`), cancelled or on hold are left as they are.
 */
export async function applyMarketplaceChanges(trx: Knex.Transaction, fos: FulfillmentOrder[], lines: StoredLine[], now: Date): Promise<ChangeCounts> {
  const counts: ChangeCounts = { cancelled: 0, held: 0, updated: 0 };
  const active = fos.filter((f) => BEFORE_INSTRUCTION.has(f.status) || AFTER_INSTRUCTION.has(f.status));
  if (active.length === 0) return counts;
  const foLines = await findFulfillmentLines(trx, active.map((f) => f.id));
  const lineById = new Map(lines.map((l) => [l.id, l]));

  for (const fo of active) {
    const mine = foLines.filter((fl) => fl.fulfillmentOrderId === fo.id);
    const mallLines = [...new Set(mine.map((fl) => fl.mallOrderLineId))].map((id) => lineById.get(id)).filter((l): l is StoredLine => l !== undefined);
    if (mallLines.length === 0) continue;
    const cancelled = mallLines.filter((l) => l.lineState === 'cancelled' || l.quantity === 0);
    const held = mallLines.filter((l) => l.lineState === 'held' || l.lineState === 'pending' || l.lineState === 'closed');
    const changedQty = mine.filter((fl) => {
      const l = lineById.get(fl.mallOrderLineId);
      return l && l.lineState !== 'cancelled' && l.quantity > 0 && fl.unitQuantity * l.quantity !== fl.quantity;
    });
    const live = mallLines.find((l) => !cancelled.includes(l));
    const newAddress = live && !sameRecipient(live.recipient, fo.recipient) ? live.recipient : undefined;
    const reasons = [
      ...cancelled.map((l) => `line ${describeLine(l)} cancelled at the marketplace (${l.mallStatus}${l.claimStatus ? `, ${l.claimStatus}` : ''})`),
      ...held.map((l) => `line ${describeLine(l)} has a claim or change open at the marketplace (${l.mallStatus}${l.claimStatus ? `, ${l.claimStatus}` : ''})`),
      ...changedQty.map((fl) => `line ${describeLine(lineById.get(fl.mallOrderLineId)!)} quantity changed to ${lineById.get(fl.mallOrderLineId)!.quantity}`),
      ...(newAddress ? [`the recipient or address changed to ${newAddress.name}, ${newAddress.postalCode} ${newAddress.address1} ${newAddress.address2}`] : []),
    ];
    if (reasons.length === 0) continue;

    if (AFTER_INSTRUCTION.has(fo.status)) {
      if (await changeFulfillmentStatus(trx, fo.id, fo.status, 'on_hold', `changed after instruction: ${reasons.join('; ')}`, now)) counts.held++;
      continue;
    }
    // Before instruction.
    if (cancelled.length === mallLines.length) {
      if (await changeFulfillmentStatus(trx, fo.id, fo.status, 'cancelled', reasons.join('; '), now)) counts.cancelled++;
      continue;
    }
    const cancelledIds = new Set(cancelled.map((l) => l.id));
    await deleteFulfillmentLines(trx, mine.filter((fl) => cancelledIds.has(fl.mallOrderLineId)).map((fl) => fl.id));
    for (const fl of changedQty) await updateFulfillmentLineQuantity(trx, fl.id, fl.unitQuantity * lineById.get(fl.mallOrderLineId)!.quantity);
    if (newAddress) await updateFulfillmentRecipient(trx, fo.id, newAddress, now);
    if (held.length > 0) {
      if (await changeFulfillmentStatus(trx, fo.id, fo.status, 'on_hold', reasons.join('; '), now)) counts.held++;
    } else {
      counts.updated++;
    }
  }
  return counts;
}
