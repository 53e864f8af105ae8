import { isMysql, type Conn } from '../db.js';
import { chunks } from './chunks.js';

/** SQLite's default limit on bound parameters per statement (SQLITE_MAX_VARIABLE_NUMBER). */
const SQLITE_MAX_PARAMS = 32_766;

/**
 * Inserts many rows of one table in multi-row `INSERT … VALUES (…), (…)` statements of up to
 * 1 000 rows, optionally ignoring rows that hit the unique key `ignoreConflictOn`. All rows must
 * have the same columns.
 *
 * The one dialect-specific write of the stores: on SQLite, knex compiles a multi-row insert to
 * `INSERT … SELECT … UNION ALL SELECT …`, which SQLite caps at 500 terms and runs several times
 * slower than plain `VALUES` lists, so there the statement is written here, with bindings.
 */
export async function bulkInsert(conn: Conn, table: string, rows: Array<Record<string, unknown>>, ignoreConflictOn?: string[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  if (isMysql(conn)) {
    for (const part of chunks(rows, 1000)) {
      const q = conn(table).insert(part);
      await (ignoreConflictOn ? q.onConflict(ignoreConflictOn).ignore() : q);
    }
    return;
  }
  const perStatement = Math.max(1, Math.min(1000, Math.floor(SQLITE_MAX_PARAMS / columns.length)));
  const columnList = columns.map((c) => `\`${c}\``).join(', ');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const conflict = ignoreConflictOn ? ` on conflict (${ignoreConflictOn.map((c) => `\`${c}\``).join(', ')}) do nothing` : '';
  for (const part of chunks(rows, perStatement)) {
    const bindings: unknown[] = [];
    for (const row of part) for (const c of columns) bindings.push(row[c] ?? null);
    await conn.raw(`insert into \`${table}\` (${columnList}) values ${part.map(() => tuple).join(', ')}${conflict}`, bindings as never[]);
  }
}
