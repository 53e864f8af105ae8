import type { Knex } from 'knex';
import type { Conn } from './db.js';

/** MySQL deadlock (1213) and lock wait timeout (1205). */
function isMysqlConflict(err: unknown): boolean {
  const e = err as { errno?: number } | null;
  return e?.errno === 1213 || e?.errno === 1205;
}

/** SQLite: another process holds the write lock beyond the busy timeout, or our snapshot went stale. */
function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_BUSY_');
}

function isTransaction(conn: Conn): conn is Knex.Transaction {
  return (conn as Knex.Transaction).isTransaction === true;
}

/**
 * Runs `work` in a transaction: the caller's own when `conn` already is one (so steps compose),
 * otherwise a new one, committed when `work` resolves and rolled back when it throws. A new
 * transaction that loses a deadlock or a lock wait (MySQL 1213/1205) is retried as a whole, up to
 * 5 times; on the embedded SQLite, where every writer takes the one write lock, a transaction that
 * found the database busy is retried with a growing pause for up to about a minute, since another
 * command (a big sheet import) may hold it for seconds.
 */
export async function inTransaction<T>(conn: Conn, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  if (isTransaction(conn)) return work(conn);
  for (let attempt = 1; ; attempt++) {
    try {
      return await (conn as Knex).transaction(work);
    } catch (err) {
      if (isMysqlConflict(err) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50 * attempt));
        continue;
      }
      if (isSqliteBusy(err) && attempt < 20) {
        await new Promise((r) => setTimeout(r, Math.min(5000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)));
        continue;
      }
      throw err;
    }
  }
}
