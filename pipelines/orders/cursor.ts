import type { TimeWindow } from '../../connectors/shared/order-line.js';

/** Each window starts this much before the last cursor, so late-indexed changes are not missed (design.md §6). */
export const DEFAULT_OVERLAP_MS = 10 * 60_000;
/** A shop's first pull reads this far back unless `--since` says otherwise. */
export const FIRST_RUN_LOOKBACK_MS = 3 * 24 * 3600_000;

/** The stream name of the order pull in `sync_cursors`. */
export const ORDERS_STREAM = 'orders';

/**
 * The window of a pull, computed from the stored cursor (an ISO instant, or undefined before the
 * first run), an explicit `since`, and the clock. Pure.
 *
 * - `since` given: from `since` to now (a backfill; the cursor does not move back).
 * - otherwise: from cursor − overlap, or now − 3 days on the first run, to now.
 * A cursor in the future gives an empty window (from > to): nothing is read.
 */
export function pullWindow(args: { cursor: string | undefined; since?: Date | undefined; now: Date; overlapMs?: number }): TimeWindow {
  const overlap = args.overlapMs ?? DEFAULT_OVERLAP_MS;
  if (args.since) return { from: args.since, to: args.now };
  if (args.cursor === undefined) return { from: new Date(args.now.getTime() - FIRST_RUN_LOOKBACK_MS), to: args.now };
  return { from: new Date(Date.parse(args.cursor) - overlap), to: args.now };
}

/** True when a window has nothing to read. */
export function isEmptyWindow(w: TimeWindow): boolean {
  return w.from.getTime() > w.to.getTime();
}

/**
 * The cursor after a page that covered everything up to `coveredUntil` was committed: it only
 * moves forward, so a backfill with `--since` never rewinds it. Pure.
 */
export function nextCursor(previous: string | undefined, coveredUntil: Date): string {
  if (previous !== undefined && Date.parse(previous) >= coveredUntil.getTime()) return previous;
  return coveredUntil.toISOString();
}
