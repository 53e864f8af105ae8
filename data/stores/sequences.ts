import type { Knex } from 'knex';
import { isMysql } from '../db.js';

/**
 * The next value of a named counter, inside the caller's transaction (so a rolled-back use gives
 * its number back). The same on both dialects: a row per counter, incremented in place; the row
 * lock serialises concurrent takers.
 */
export async function nextSequenceValue(trx: Knex.Transaction, name: string): Promise<number> {
  await trx('sequences').insert({ name, value: 0 }).onConflict('name').ignore();
  await trx('sequences').where({ name }).update({ value: trx.raw('value + 1') });
  const q = trx('sequences').where({ name }).first('value');
  const row = (await (isMysql(trx) ? q.forUpdate() : q)) as { value: number | string };
  return Number(row.value);
}
