import type { Knex } from 'knex';
import { findCodeComponents, findNameComponents, type Component } from '../../data/stores/catalog.js';
import { createFulfillmentOrders, findFulfillmentOrders, linesInFulfillment, addFulfillmentLines, type FulfillmentLineWrite, type NewFulfillmentOrder } from '../../data/stores/fulfillment.js';
import { findLinesOfOrders, updateLinesMapping, type MappingFields, type StoredLine } from '../../data/stores/order-lines.js';
import { upsertListings, type ListingWrite } from '../../data/stores/listings.js';
import type { Shop } from '../../data/stores/shops.js';
import { lineNameKey, resolveLine, type MappingLookups, type Resolution } from '../../mappings/resolver.js';
import { applyMarketplaceChanges, type ChangeCounts } from './changes.js';

/** What settling a set of marketplace orders did. */
export interface SettleCounts extends ChangeCounts {
  /** Fulfillment orders created. */
  created: number;
  /** Marketplace orders still waiting for a mapping. */
  waiting: number;
  /** Lines whose mapping outcome changed. */
  remapped: number;
  /** The parcels created: `mallOrderId` or `mallOrderId/mallPackageId`. */
  createdKeys: string[];
}

/** Which line states are taken in for this shop (design.md §5). */
export function isShippable(line: Pick<StoredLine, 'lineState'>, shop: Pick<Shop, 'autoOrderConfirm'>): boolean {
  return line.lineState === 'awaiting' || (line.lineState === 'unconfirmed' && shop.autoOrderConfirm);
}

function mappingOf(r: Resolution | undefined): MappingFields {
  if (!r) return { mappingStatus: 'ignored', mappingRule: null, mappingRef: null, unmappedReason: null };
  if (r.status === 'mapped') return { mappingStatus: 'mapped', mappingRule: r.rule, mappingRef: r.ref, unmappedReason: null };
  return { mappingStatus: 'unmapped', mappingRule: r.kind, mappingRef: null, unmappedReason: r.reason };
}

function sameMapping(a: MappingFields, b: MappingFields): boolean {
  return a.mappingStatus === b.mappingStatus && a.mappingRule === b.mappingRule && a.mappingRef === b.mappingRef && a.unmappedReason === b.unmappedReason;
}

async function loadLookups(trx: Knex.Transaction, shop: Shop, lines: StoredLine[]): Promise<MappingLookups> {
  const codes = lines.map((l) => l.sellerCode?.trim()).filter((c): c is string => Boolean(c));
  const names = shop.mall === 'rakuten' ? lines.map(lineNameKey) : [];
  return {
    sellerCode: shop.sellerCode,
    codes: await findCodeComponents(trx, shop.sellerId, codes),
    names: names.length ? await findNameComponents(trx, shop.sellerId, shop.mall, names) : new Map(),
  };
}

function fulfillmentLines(line: StoredLine, components: Component[]): FulfillmentLineWrite[] {
  return components.map((c) => ({ mallOrderLineId: line.id, skuId: c.skuId, quantity: c.quantity * line.quantity, unitQuantity: c.quantity }));
}

function listingOf(line: StoredLine, r: Resolution | undefined): ListingWrite | undefined {
  if (!line.listingProductId) return undefined;
  const single = r?.status === 'mapped' && r.components.length === 1 && r.components[0]!.quantity === 1 ? r.components[0]!.skuId : null;
  return { shopId: line.shopId, listingProductId: line.listingProductId, listingOptionId: line.listingOptionId ?? '', skuId: single, sellerCode: line.sellerCode };
}

/**
 * Brings these marketplace orders of one shop up to date with the mapping tables (design.md §4):
 * every line not yet in a fulfillment order is (re)mapped — shippable lines resolved, others
 * `ignored` — and each order whose shippable lines are all mapped gets one fulfillment order per
 * package (Naver: one; Rakuten: one per basketId with shippable lines), each line expanded into
 * its components × ordered quantity. Idempotent: an order settled before changes nothing.
 * Runs inside the caller's transaction.
 */
export async function settleOrders(trx: Knex.Transaction, shop: Shop, mallOrderIds: Iterable<string>, now: Date): Promise<SettleCounts> {
  const counts: SettleCounts = { created: 0, waiting: 0, remapped: 0, cancelled: 0, held: 0, updated: 0, createdKeys: [] };
  const ids = [...new Set(mallOrderIds)];
  if (ids.length === 0) return counts;
  const lines = await findLinesOfOrders(trx, shop.id, ids);
  const inFulfillment = await linesInFulfillment(trx, lines.map((l) => l.id));
  const open = lines.filter((l) => !inFulfillment.has(l.id));
  const lookups = await loadLookups(trx, shop, open.filter((l) => isShippable(l, shop)));

  const resolutions = new Map<number, Resolution>();
  const listings: ListingWrite[] = [];
  const remaps = new Map<string, { mapping: MappingFields; ids: number[] }>();
  for (const line of open) {
    const r = isShippable(line, shop) ? resolveLine({ mall: shop.mall, ...line }, lookups) : undefined;
    if (r) resolutions.set(line.id, r);
    const mapping = mappingOf(r);
    if (!sameMapping(mapping, line)) {
      const k = JSON.stringify(mapping);
      remaps.set(k, { mapping, ids: [...(remaps.get(k)?.ids ?? []), line.id] });
      counts.remapped++;
    }
    const listing = listingOf(line, r);
    if (listing) listings.push(listing);
  }
  for (const { mapping, ids: lineIds } of remaps.values()) await updateLinesMapping(trx, lineIds, mapping, now);
  await upsertListings(trx, listings, now);

  const changes = await applyMarketplaceChanges(trx, await findFulfillmentOrders(trx, shop.id, ids), lines, now);
  counts.cancelled = changes.cancelled;
  counts.held = changes.held;
  counts.updated = changes.updated;
  const existing = await findFulfillmentOrders(trx, shop.id, ids);
  const byOrder = new Map<string, StoredLine[]>();
  for (const l of lines) byOrder.set(l.mallOrderId, [...(byOrder.get(l.mallOrderId) ?? []), l]);

  const toCreate: NewFulfillmentOrder[] = [];
  for (const [orderId, orderLines] of byOrder) {
    const shippable = orderLines.filter((l) => isShippable(l, shop));
    if (shippable.length === 0) continue;
    const waiting = shippable.filter((l) => !inFulfillment.has(l.id) && resolutions.get(l.id)?.status !== 'mapped');
    if (waiting.length > 0) {
      counts.waiting++;
      continue;
    }
    const packages = new Map<string, StoredLine[]>();
    for (const l of shippable) packages.set(l.mallPackageId, [...(packages.get(l.mallPackageId) ?? []), l]);
    for (const [packageId, packageLines] of packages) {
      const toAdd = packageLines.filter((l) => !inFulfillment.has(l.id));
      if (toAdd.length === 0) continue;
      const writes = toAdd.flatMap((l) => {
        const r = resolutions.get(l.id);
        return r?.status === 'mapped' ? fulfillmentLines(l, r.components) : [];
      });
      const fo = existing.find((f) => f.mallOrderId === orderId && f.mallPackageId === packageId);
      if (!fo) {
        const first = packageLines[0]!;
        toCreate.push({ shopId: shop.id, mallOrderId: orderId, mallPackageId: packageId, recipient: first.recipient, orderedAt: first.orderedAt, lines: writes });
        counts.created++;
        counts.createdKeys.push(packageId ? `${orderId}/${packageId}` : orderId);
      } else if (fo.status === 'new') {
        // A line that reached a marketplace order after its parcel was created, before anything was sent.
        await addFulfillmentLines(trx, fo.id, writes, now);
      }
    }
  }
  await createFulfillmentOrders(trx, shop.id, toCreate, now);
  return counts;
}

