import type { RecordFailure } from '../../connectors/shared/order-line.js';
import { getCursor, saveCursor } from '../../data/stores/cursors.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { openShopConnector } from '../shop-connector.js';
import { ORDERS_STREAM, isEmptyWindow, nextCursor, pullWindow } from './cursor.js';
import { loadLines } from './load.js';
import { releaseWaitingOrders } from './release.js';
import { settleOrders } from './settle.js';

/** What one `orders:pull` of one shop did: counted, never silent. */
export interface PullSummary {
  shopId: number;
  shop: string;
  window: { from: string; to: string };
  pages: number;
  lines: { seen: number; inserted: number; updated: number; unchanged: number };
  fulfillmentOrdersCreated: number;
  /** Marketplace orders of this shop still waiting for a mapping after the pull. */
  waitingOrders: number;
  /** Records the marketplace sent that could not be read (each named). */
  failures: RecordFailure[];
  /** The cursor after the pull (an ISO instant). */
  cursor: string | null;
}

/**
 * `orders:pull` for one shop (design.md §4–6): extract the marketplace's lines page by page,
 * load them by upsert, map them and create fulfillment orders, each page in one transaction that
 * also saves the cursor it covers — so a pull killed half-way resumes where it stopped and a
 * second pull changes nothing. Then waiting orders of the shop are settled again.
 *
 * @param options.since backfill from this instant instead of the cursor (the cursor never moves back).
 * @throws ApiError / ResponseShapeError when the marketplace fails the whole pull; ConfigError for a wrong key.
 */
export async function pullOrders(deps: PipelineDeps, shop: Shop, options: { since?: Date } = {}): Promise<PullSummary> {
  const log = deps.logger.child({ module: 'pipeline:orders', shop: shop.id });
  const knex = deps.db.knex;
  let cursor = await getCursor(knex, shop.id, ORDERS_STREAM);
  const window = pullWindow({ cursor, since: options.since, now: deps.now() });
  const summary: PullSummary = {
    shopId: shop.id,
    shop: shopLabel(shop),
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    pages: 0,
    lines: { seen: 0, inserted: 0, updated: 0, unchanged: 0 },
    fulfillmentOrdersCreated: 0,
    waitingOrders: 0,
    failures: [],
    cursor: cursor ?? null,
  };
  if (!isEmptyWindow(window)) {
    const source = openShopConnector(deps, shop);
    // Once a record could not be read, the cursor stays before it: the next pull reads that
    // window again (upserts make the re-read free) instead of leaving the record behind.
    let holdCursor = false;
    try {
      for await (const page of source.pullOrderLines(window, { includeUnconfirmed: shop.autoOrderConfirm })) {
        summary.pages++;
        summary.lines.seen += page.lines.length;
        summary.failures.push(...page.failures);
        for (const f of page.failures) log.error(`could not read ${f.recordId}: ${f.reason}`);
        if (page.failures.length > 0) holdCursor = true;
        await inTransaction(knex, async (trx) => {
          const now = deps.now();
          const { counts, changedOrderIds } = await loadLines(trx, shop.id, page.lines, now);
          summary.lines.inserted += counts.inserted;
          summary.lines.updated += counts.updated;
          summary.lines.unchanged += counts.unchanged;
          const settled = await settleOrders(trx, shop, changedOrderIds, now);
          summary.fulfillmentOrdersCreated += settled.created;
          if (page.coveredUntil && !holdCursor) {
            const next = nextCursor(cursor, page.coveredUntil);
            if (next !== cursor) await saveCursor(trx, shop.id, ORDERS_STREAM, next, now);
            cursor = next;
          }
        });
      }
    } finally {
      await source.close();
    }
  }
  const released = await releaseWaitingOrders(deps, [shop]);
  summary.fulfillmentOrdersCreated += released.created;
  summary.waitingOrders = released.waiting;
  summary.cursor = cursor ?? null;
  log.info(`pulled ${summary.lines.seen} lines in ${summary.pages} pages: ${summary.lines.inserted} new, ${summary.lines.updated} changed; ${summary.fulfillmentOrdersCreated} fulfillment orders created, ${summary.waitingOrders} orders waiting for a mapping, ${summary.failures.length} records unreadable`);
  return summary;
}
