import type { Knex } from 'knex';
import { isMysql, type Conn } from '../db.js';

type Row = Record<string, unknown>;

/**
 * Reads a query's rows in batches of `batch` without holding them all: MySQL streams from the
 * server, SQLite iterates a prepared statement on the caller's connection (a transaction's, or
 * one taken from the pool and given back at the end). Closing the generator early closes the
 * cursor.
 */
export async function* streamQuery(conn: Conn, q: Knex.QueryBuilder, batch: number): AsyncGenerator<Row[]> {
  if (isMysql(conn)) {
    const stream = q.stream({ highWaterMark: batch });
    let buf: Row[] = [];
    let ended = false;
    stream.once('end', () => (ended = true));
    try {
      for (;;) {
        // Read by hand, not with `for await`: leaving that loop early destroys the stream while
        // the server still sends the rows, and the connection (the transaction's) would hang.
        const r = stream.read() as Row | null;
        if (r === null) {
          if (ended) break;
          await new Promise<void>((resolve, reject) => {
            const done = () => {
              stream.off('readable', done);
              stream.off('end', done);
              stream.off('error', fail);
              resolve();
            };
            const fail = (err: Error) => {
              stream.off('readable', done);
              stream.off('end', done);
              reject(err);
            };
            stream.once('readable', done);
            stream.once('end', done);
            stream.once('error', fail);
          });
          continue;
        }
        buf.push(r);
        if (buf.length >= batch) {
          yield buf;
          buf = [];
        }
      }
      if (buf.length > 0) yield buf;
    } finally {
      if (!ended && !stream.destroyed) {
        // Closed early (an error downstream, an abort): let the rest of the result go by, so the
        // connection is free for the rollback.
        await new Promise<void>((resolve) => {
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', () => resolve());
          stream.resume();
        });
      }
    }
    return;
  }
  const { sql, bindings } = q.toSQL().toNative();
  const client = conn.client as { acquireConnection(): Promise<SqliteConnection>; releaseConnection(c: SqliteConnection): Promise<unknown> };
  const db = await client.acquireConnection();
  try {
    const it = db.prepare(sql).iterate(...(bindings as unknown[]));
    try {
      let done = false;
      while (!done) {
        const buf: Row[] = [];
        while (buf.length < batch) {
          const r = it.next();
          if (r.done) {
            done = true;
            break;
          }
          buf.push(r.value as Row);
        }
        if (buf.length > 0) yield buf;
      }
    } finally {
      it.return?.();
    }
  } finally {
    await client.releaseConnection(db);
  }
}

interface SqliteConnection {
  prepare(sql: string): { iterate(...bindings: unknown[]): Iterator<unknown> };
}

/** Maps each batch of a row stream. */
export async function* mapped<T>(rows: AsyncGenerator<Row[]>, map: (r: Row) => T): AsyncGenerator<T[]> {
  for await (const b of rows) yield b.map(map);
}
