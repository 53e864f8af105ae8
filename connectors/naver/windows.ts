import type { TimeWindow } from '../shared/order-line.js';

/**
 * Longest feed window sent in one query. The docs only say an omitted `lastChangedTo` means
 * +24 h; whether a longer explicit range is refused is UNCERTAIN (spec §3.1, §7.4, §13.1), so we
 * take the safe reading and split into windows of at most 24 h, as every integrator does.
 */
export const FEED_WINDOW_MAX_MS = 24 * 3600_000;

/**
 * `lastChangedTo` is kept this far before now: a future end is refused with 104139 (spec §3.1, §8.5).
 * Whether the feed lists changes late (indexing lag) is UNCERTAIN (spec §13.2): the pipeline's
 * overlap of 10 minutes before the cursor (design.md §6) re-reads them, so the connector does not guess.
 */
export const FEED_END_MARGIN_MS = 5_000;

/**
 * The feed windows that cover `window` (both ends inclusive, UTC instants), pure: the end is
 * clamped to `now − 5 s`; the rest is cut into consecutive windows of at most 24 h, each starting
 * 1 ms after the previous one ends. A window that lies entirely after `now − 5 s` gives none.
 */
export function feedWindows(window: TimeWindow, now: Date, maxMs = FEED_WINDOW_MAX_MS, marginMs = FEED_END_MARGIN_MS): TimeWindow[] {
  const end = Math.min(window.to.getTime(), now.getTime() - marginMs);
  const out: TimeWindow[] = [];
  for (let from = window.from.getTime(); from <= end; ) {
    const to = Math.min(end, from + maxMs);
    out.push({ from: new Date(from), to: new Date(to) });
    from = to + 1;
  }
  return out;
}

/** A product order seen in the feed, with its order. */
export interface FeedId {
  productOrderId: string;
  orderId: string;
}

/**
 * Packs product-order ids into detail batches of at most `max`, pure: ids are deduplicated
 * (a product order that changed twice appears once) and grouped by order so one order never
 * straddles two batches; orders keep the feed's order. An order with more than `max` lines gets a
 * batch of its own that is larger than `max`: the caller queries it in chunks and yields it as
 * one page.
 */
export function detailBatches(ids: Iterable<FeedId>, max: number): string[][] {
  const byOrder = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const { productOrderId, orderId } of ids) {
    if (seen.has(productOrderId)) continue;
    seen.add(productOrderId);
    const group = byOrder.get(orderId);
    if (group) group.push(productOrderId);
    else byOrder.set(orderId, [productOrderId]);
  }
  const batches: string[][] = [];
  let current: string[] = [];
  for (const group of byOrder.values()) {
    if (current.length > 0 && current.length + group.length > max) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
