import type { Conn } from '../db.js';
import { isMysql } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/**
 * Leases per (job, shop) in `job_leases` (design.md §7): who may run a job for a shop now.
 *
 * Every function here is ONE statement, atomic on its own on MySQL (InnoDB row lock; an UPDATE
 * re-reads the latest committed row before applying its WHERE) and on SQLite (one writer at a
 * time), so no caller ever reads a lease and then writes on what it read:
 *
 * - take a free name:      `INSERT INTO job_leases (name, owner, acquired_at, expires_at) VALUES (…)`
 *                          — fails on the unique `name` when the lease exists;
 * - take an expired lease, or our own back:
 *                          `UPDATE job_leases SET owner=?, acquired_at=?, expires_at=?
 *                           WHERE name=? AND (expires_at < ? OR owner=?)`;
 * - take over from a dead owner (compare-and-set on the owner seen):
 *                          `UPDATE … WHERE name=? AND owner=?`;
 * - renew:                 `UPDATE job_leases SET expires_at=? WHERE name=? AND owner=?`;
 * - release:               `DELETE FROM job_leases WHERE name=? AND owner=?`.
 *
 * Each returns whether it took effect (affected rows; mysql2 reports matched rows).
 */

/** One lease as stored. */
export interface JobLease {
  name: string;
  /** `host:pid` (with the PID namespace on Linux) of the process holding it. */
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

type Row = { name: string; owner: string; acquired_at: unknown; expires_at: unknown };

function toLease(r: Row): JobLease {
  return { name: String(r.name), owner: String(r.owner), acquiredAt: fromDbTime(r.acquired_at)!, expiresAt: fromDbTime(r.expires_at)! };
}

/** True for a unique-key violation (MySQL 1062 ER_DUP_ENTRY, SQLite SQLITE_CONSTRAINT_UNIQUE/PRIMARYKEY). */
function isDuplicate(err: unknown): boolean {
  const e = err as { errno?: number; code?: string } | null;
  return e?.errno === 1062 || e?.code === 'ER_DUP_ENTRY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The database's clock (UTC, ms precision). Lease times are read and compared on this one clock,
 * so workers on several machines agree on expiry whatever their own clocks say. The one
 * dialect-specific query of leases: MySQL `UTC_TIMESTAMP(3)`, SQLite `strftime('%Y-%m-%d
 * %H:%M:%f','now')`.
 */
export async function databaseNow(conn: Conn): Promise<Date> {
  if (isMysql(conn)) {
    const [rows] = (await conn.raw('SELECT UTC_TIMESTAMP(3) AS now')) as unknown as [Array<{ now: unknown }>];
    return fromDbTime(rows[0]!.now)!;
  }
  const rows = (await conn.raw("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now")) as unknown as Array<{ now: unknown }>;
  return fromDbTime(rows[0]!.now)!;
}

/**
 * Takes lease `name` when nobody holds it (a plain INSERT on the unique name).
 *
 * @returns true when this call created it; false when the lease exists (held, or expired but not yet taken over).
 */
export async function insertLease(conn: Conn, name: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
  try {
    await conn('job_leases').insert({ name, owner, acquired_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + ttlMs)) });
    return true;
  } catch (err) {
    if (isDuplicate(err)) return false;
    throw err;
  }
}

/**
 * Takes lease `name` when it has expired at `now` or is already `owner`'s (a lease this process
 * failed to release), in one guarded UPDATE.
 *
 * @returns true when taken.
 */
export async function takeExpiredLease(conn: Conn, name: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
  const n = await conn('job_leases')
    .where({ name })
    .andWhere((q) => q.where('expires_at', '<', toDbTime(now)).orWhere('owner', owner))
    .update({ owner, acquired_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + ttlMs)) });
  return Number(n) === 1;
}

/**
 * Takes lease `name` from `previousOwner` (a process known to be dead), only if it still holds
 * it: a compare-and-set, so of two workers that saw the same dead owner only one gets it.
 *
 * @returns true when taken.
 */
export async function takeLeaseFrom(conn: Conn, name: string, previousOwner: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
  const n = await conn('job_leases')
    .where({ name, owner: previousOwner })
    .update({ owner, acquired_at: toDbTime(now), expires_at: toDbTime(new Date(now.getTime() + ttlMs)) });
  return Number(n) === 1;
}

/**
 * Extends `owner`'s lease to `now + ttlMs`.
 *
 * @returns false when the lease is no longer `owner`'s (it expired and another worker took it, or it was released).
 */
export async function renewLease(conn: Conn, name: string, owner: string, now: Date, ttlMs: number): Promise<boolean> {
  const n = await conn('job_leases').where({ name, owner }).update({ expires_at: toDbTime(new Date(now.getTime() + ttlMs)) });
  return Number(n) === 1;
}

/** Deletes `owner`'s lease; a lease another worker has taken over is left alone. Returns whether one was deleted. */
export async function releaseLease(conn: Conn, name: string, owner: string): Promise<boolean> {
  const n = await conn('job_leases').where({ name, owner }).delete();
  return Number(n) === 1;
}

/** The lease `name` as stored now, or undefined. */
export async function findLease(conn: Conn, name: string): Promise<JobLease | undefined> {
  const row = (await conn('job_leases').where({ name }).first()) as Row | undefined;
  return row ? toLease(row) : undefined;
}

/** Every lease (held or expired but not yet taken over), by name. */
export async function listLeases(conn: Conn): Promise<JobLease[]> {
  return ((await conn('job_leases').orderBy('name')) as Row[]).map(toLease);
}
