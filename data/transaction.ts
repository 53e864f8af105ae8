import type { Knex } from 'knex';
import type { Conn } from './db.js';

/** MySQL deadlock (1213) and lock wait timeout (1205); SQLite busy/locked. */
function isRetryableConflict(err: unknown): boolean {
  const e = err as { errno?: number; code?: string } | null;
  if (!e) return false;
  return e.errno === 1213 || e.errno === 1205 || e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED' || e.code === 'SQLITE_BUSY_SNAPSHOT';
}

function isTransaction(conn: Conn): conn is Knex.Transaction {
  return (conn as Knex.Transaction).isTransaction === true;
}

/**
 * Runs `work` in a transaction: the caller's own when `conn` already is one (so steps compose),
 * otherwise a new one, committed when `work` resolves and rolled back when it throws. A new
 * transaction that loses a deadlock or a lock wait (MySQL 1213/1205, SQLite BUSY) is retried
 * as a whole, up to `attempts` times, after a short random pause.
 */
export async function inTransaction<T>(conn: Conn, work: (trx: Knex.Transaction) => Promise<T>, attempts = 5): Promise<T> {
  if (isTransaction(conn)) return work(conn);
  for (let attempt = 1; ; attempt++) {
    try {
      return await (conn as Knex).transaction(work);
    } catch (err) {
      if (attempt >= attempts || !isRetryableConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50 * attempt));
    }
  }
}
