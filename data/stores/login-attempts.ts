import type { Conn } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/**
 * Failed console logins per throttle key (a hash of email + address), so that every console
 * process on the database counts them together.
 */

/** Records one failed attempt. */
export async function recordLoginFailure(conn: Conn, key: string, now: Date): Promise<void> {
  await conn('login_attempts').insert({ throttle_key: key, attempted_at: toDbTime(now) });
}

/** The failed attempts of `key` since `since`: how many, and the oldest of them (null when none). */
export async function recentLoginFailures(conn: Conn, key: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const row = (await conn('login_attempts').where('throttle_key', key).andWhere('attempted_at', '>', toDbTime(since)).first(conn.raw('count(*) as n'), conn.raw('min(attempted_at) as oldest'))) as { n: number | string; oldest: unknown } | undefined;
  return { count: Number(row?.n ?? 0), oldest: fromDbTime(row?.oldest ?? null) };
}

/** Forgets the attempts of `key` (after a successful login). */
export async function clearLoginFailures(conn: Conn, key: string): Promise<void> {
  await conn('login_attempts').where('throttle_key', key).delete();
}

/** Removes attempts older than `before`, of every key; returns how many. */
export async function pruneLoginFailures(conn: Conn, before: Date): Promise<number> {
  return conn('login_attempts').where('attempted_at', '<=', toDbTime(before)).delete();
}
