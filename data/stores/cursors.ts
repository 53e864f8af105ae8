import type { Conn } from '../db.js';
import { toDbTime } from '../../lib/time.js';

/** The stored cursor of one shop's stream, or undefined before the first run. */
export async function getCursor(conn: Conn, shopId: number, stream: string): Promise<string | undefined> {
  const row = (await conn('sync_cursors').where({ shop_id: shopId, stream }).first('cursor')) as { cursor: string } | undefined;
  return row?.cursor;
}

/** Saves a cursor (insert or replace). Call it in the transaction that commits the rows it covers. */
export async function saveCursor(conn: Conn, shopId: number, stream: string, cursor: string, now = new Date()): Promise<void> {
  await conn('sync_cursors')
    .insert({ shop_id: shopId, stream, cursor, updated_at: toDbTime(now) })
    .onConflict(['shop_id', 'stream'])
    .merge(['cursor', 'updated_at']);
}
