import type { Knex } from 'knex';
import type { MallOrderLine } from '../../connectors/shared/order-line.js';
import { findLinesByMallLineId, insertLines, updateLine, type LineWrite, type StoredLine } from '../../data/stores/order-lines.js';
import { sha256, stableStringify } from '../../lib/hash.js';

/** Counts of one load. */
export interface LoadCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The row a marketplace line becomes before mapping (mapping is decided by settle). */
export function toLineWrite(shopId: number, line: MallOrderLine, previous?: StoredLine): LineWrite {
  const payload = stableStringify(line.payload);
  return {
    shopId,
    mallOrderId: line.mallOrderId,
    mallPackageId: line.mallPackageId,
    mallLineId: line.mallLineId,
    mallStatus: line.mallStatus,
    claimStatus: line.claimStatus,
    lineState: line.state,
    sellerCode: line.sellerCode,
    sellerCodeField: line.sellerCodeField,
    productName: line.productName,
    optionText: line.optionText,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    listingProductId: line.listingProductId,
    listingOptionId: line.listingOptionId,
    recipient: line.recipient,
    orderedAt: line.orderedAt,
    payload,
    payloadHash: sha256(payload),
    // Keep the mapping already decided; settle revisits it.
    mappingStatus: previous?.mappingStatus ?? 'unmapped',
    mappingRule: previous?.mappingRule ?? null,
    mappingRef: previous?.mappingRef ?? null,
    unmappedReason: previous?.unmappedReason ?? null,
  };
}

/**
 * Upserts a page of marketplace lines into `mall_order_lines` on (shop, line id): new lines are
 * inserted, lines whose payload hash changed are rewritten, unchanged ones are not touched.
 * Returns the counts and the marketplace order ids touched (new or changed).
 */
export async function loadLines(trx: Knex.Transaction, shopId: number, lines: MallOrderLine[], now: Date): Promise<{ counts: LoadCounts; changedOrderIds: Set<string> }> {
  const counts: LoadCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const changedOrderIds = new Set<string>();
  // The last occurrence of a line in a page wins (a page can repeat a line that changed twice).
  const byId = new Map(lines.map((l) => [l.mallLineId, l]));
  const stored = await findLinesByMallLineId(trx, shopId, [...byId.keys()]);
  const inserts: LineWrite[] = [];
  for (const line of byId.values()) {
    const previous = stored.get(line.mallLineId);
    const write = toLineWrite(shopId, line, previous);
    if (!previous) {
      inserts.push(write);
      changedOrderIds.add(line.mallOrderId);
    } else if (previous.payloadHash !== write.payloadHash) {
      await updateLine(trx, previous.id, write, now);
      counts.updated++;
      changedOrderIds.add(line.mallOrderId);
    } else {
      counts.unchanged++;
    }
  }
  await insertLines(trx, inserts, now);
  counts.inserted = inserts.length;
  return { counts, changedOrderIds };
}
