import { getCursor } from '../data/stores/cursors.js';
import type { Shop } from '../data/stores/shops.js';
import { kstDate, kstDayStart } from '../lib/time.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { ORDERS_STREAM, pullWindow } from '../pipelines/orders/cursor.js';
import type { JobOptions } from './registry.js';

const DAY = 24 * 3600_000;

/**
 * The window of `orders:sweep` for one shop at `deps.now()`: the previous KST day, whole
 * (design.md §6) — `[yesterday 00:00 KST, today 00:00 KST)` — but never starting later than
 * the regular pull would (its cursor less the overlap, or 3 days back before the first pull).
 * A pull moves the shop's cursor forward to the end of what it read, so a sweep of only the
 * previous day for a shop whose pulls are behind (never run yet, or failing for days) would
 * carry the cursor over orders nobody had read: they would never be taken in. `--since` reads
 * from there to now.
 */
export async function sweepWindow(deps: PipelineDeps, shop: Pick<Shop, 'id'>, options: JobOptions): Promise<{ since: Date; until: Date }> {
  const now = deps.now();
  if (options.since) return { since: options.since, until: now };
  const today = kstDayStart(kstDate(now));
  const cursor = await getCursor(deps.db.knex, shop.id, ORDERS_STREAM);
  const regular = pullWindow({ cursor, now }).from;
  return { since: new Date(Math.min(today.getTime() - DAY, regular.getTime())), until: today };
}
