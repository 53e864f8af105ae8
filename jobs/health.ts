import type { Shop } from '../data/stores/shops.js';
import { kstText } from './kst.js';

/**
 * How long a shop's scheduled runs pause after authentication failures in a row: `baseMs` after
 * the first, doubling with each further one, at most `maxMs`.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** 30 min, 1 h, 2 h, 4 h … at most a day (credentials:check still runs daily; `shops test` and `run --shop` any time). */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30 * 60_000, maxMs: 24 * 3600_000 };

/** A shop whose scheduled runs pause, until when, and why. */
export interface Backoff {
  until: Date;
  failures: number;
  /** The sentence recorded with each skipped run and shown by `jobs status`. */
  reason: string;
}

/**
 * Whether `shop` backs off at `now`: it is unhealthy after `authFailures` authentication failures
 * in a row (recorded by the runner and by `shops test` / credentials:check), and less than
 * `min(baseMs × 2^(failures−1), maxMs)` has passed since the last one. One healthy run resets
 * the count (`recordShopHealth`), which ends the back-off.
 *
 * @returns the back-off, or null when the shop may run.
 */
export function authBackoff(shop: Pick<Shop, 'health' | 'healthMessage' | 'healthCheckedAt' | 'authFailures'>, now: Date, policy: BackoffPolicy = DEFAULT_BACKOFF): Backoff | null {
  if (shop.health !== 'unhealthy' || shop.authFailures < 1 || !shop.healthCheckedAt) return null;
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(shop.authFailures - 1, 30));
  const until = new Date(shop.healthCheckedAt.getTime() + wait);
  if (now.getTime() >= until.getTime()) return null;
  const n = shop.authFailures;
  const why = shop.healthMessage ? `: ${shop.healthMessage}` : '';
  return {
    until,
    failures: n,
    reason: `backing off until ${kstText(until)} after ${n} authentication failure${n === 1 ? '' : 's'} in a row${why}`,
  };
}
