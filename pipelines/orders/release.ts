import type { Knex } from 'knex';
import { findWaitingOrders } from '../../data/stores/order-lines.js';
import type { Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import { chunks } from '../../data/stores/chunks.js';
import type { PipelineDeps } from '../deps.js';
import { settleOrders, type SettleCounts } from './settle.js';

/**
 * Settles every waiting marketplace order of these shops against the current mapping tables
 * (design.md §4: "waiting orders are released automatically"), in its own transactions of at
 * most 200 orders — or inside `trx` when given (a sheet import's dry run rolls it back).
 *
 * @returns fulfillment orders created and marketplace orders still waiting.
 */
export async function releaseWaitingOrders(deps: Pick<PipelineDeps, 'db' | 'now'>, shops: Shop[], trx?: Knex.Transaction): Promise<SettleCounts> {
  const total: SettleCounts = { created: 0, waiting: 0, remapped: 0, cancelled: 0, held: 0, updated: 0, createdKeys: [] };
  const conn = trx ?? deps.db.knex;
  const waiting = await findWaitingOrders(conn, shops.map((s) => s.id));
  for (const shop of shops) {
    const ids = waiting.filter((w) => w.shopId === shop.id).map((w) => w.mallOrderId);
    for (const part of chunks(ids, 200)) {
      const counts = await inTransaction(conn, (t) => settleOrders(t, shop, part, deps.now()));
      total.created += counts.created;
      total.waiting += counts.waiting;
      total.remapped += counts.remapped;
      total.createdKeys.push(...counts.createdKeys);
    }
  }
  return total;
}
