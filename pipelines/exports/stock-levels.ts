import type { Component, Sku } from '../../data/stores/catalog.js';

/**
 * Units a listing can sell (design.md §6): available = on hand − allocated to parcels not yet
 * shipped; a listing of several components (bundle) or of several units (multipack) sells
 * min over components of floor(available / quantity); floored at 0. Undefined when a component
 * has no count from the warehouse yet (never pushed).
 */
export function listingQuantity(components: Array<Pick<Component, 'skuId' | 'quantity'>>, skus: Map<number, Pick<Sku, 'onHand'>>, allocated: Map<number, number>): number | undefined {
  if (components.length === 0) return undefined;
  let best = Infinity;
  for (const c of components) {
    const onHand = skus.get(c.skuId)?.onHand;
    if (onHand === null || onHand === undefined) return undefined;
    const available = onHand - (allocated.get(c.skuId) ?? 0);
    best = Math.min(best, Math.floor(available / Math.max(1, c.quantity)));
  }
  return Math.max(0, best);
}
