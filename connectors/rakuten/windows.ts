/**
 * Search windows for `searchOrder` (spec §2.1, §2.2) and call batches: pure functions. Windows are
 * over UTC instants; Rakuten datetimes have second precision, so windows are whole seconds, both
 * ends inclusive, and consecutive windows touch without overlapping (the next starts one second
 * after the last ends).
 */
import type { TimeWindow } from '../shared/order-line.js';

const SECOND = 1000;
const DAY = 86_400_000;

/** Longest searchOrder window: end ≤ start + 63 days (spec §2.1). */
export const MAX_WINDOW_DAYS = 63;
/** How far back searchOrder reaches: start within the past 730 days (spec §2.1). */
export const HORIZON_DAYS = 730;
/**
 * Kept away from the 730-day edge: Rakuten's clock runs on while the request travels, and whether
 * it counts the 730 days by instant or by calendar day is not documented (UNCERTAIN), so the
 * oldest start we ask for is one day inside the limit.
 */
const HORIZON_MARGIN_MS = DAY;

function floorSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / SECOND) * SECOND);
}

/**
 * The part of `window` Rakuten can search at `now`: the end clamped to now (never in the future),
 * the start to now − 730 days (less a one-day margin); both floored to the second. Null when
 * nothing is left (a window in the future, or older than the horizon).
 */
export function searchableRange(window: TimeWindow, now: Date): TimeWindow | null {
  const horizon = now.getTime() - HORIZON_DAYS * DAY + HORIZON_MARGIN_MS;
  const from = floorSecond(new Date(Math.max(window.from.getTime(), horizon)));
  const to = floorSecond(new Date(Math.min(window.to.getTime(), now.getTime())));
  return from.getTime() > to.getTime() ? null : { from, to };
}

/**
 * Cuts `range` into consecutive windows of at most `maxDays` (≤ 63) days: each ends one second
 * before `start + maxDays`, the next starts one second after it. Ascending order.
 */
export function splitWindows(range: TimeWindow, maxDays = MAX_WINDOW_DAYS): TimeWindow[] {
  const span = Math.min(maxDays, MAX_WINDOW_DAYS) * DAY;
  const out: TimeWindow[] = [];
  for (let start = range.from.getTime(); start <= range.to.getTime(); start += span) {
    out.push({ from: new Date(start), to: new Date(Math.min(start + span - SECOND, range.to.getTime())) });
  }
  return out;
}

/**
 * Halves a window whose search passed the hit cap (spec §2.2): `[from, mid]` and
 * `[mid + 1 s, to]`. Null when the window is a single second and cannot be cut.
 */
export function halveWindow(window: TimeWindow): [TimeWindow, TimeWindow] | null {
  const seconds = Math.floor((window.to.getTime() - window.from.getTime()) / SECOND);
  if (seconds < 1) return null;
  const mid = window.from.getTime() + Math.floor(seconds / 2) * SECOND;
  return [
    { from: window.from, to: new Date(mid) },
    { from: new Date(mid + SECOND), to: window.to },
  ];
}

/** Splits `items` into consecutive batches of at most `size` (getOrder ≤ 100, confirmOrder ≤ 100 …). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
