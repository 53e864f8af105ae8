import type { OrderLinePage, RecordFailure } from '../../connectors/shared/order-line.js';
import { findOpenMallOrderIds } from '../../data/stores/fulfillment.js';
import { getCursor, saveCursor } from '../../data/stores/cursors.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { openShopConnector } from '../shop-connector.js';
import { ORDERS_STREAM, isEmptyWindow, nextCursor, pullWindow } from './cursor.js';
import { loadLines } from './load.js';
import { releaseWaitingOrders } from './release.js';
import { settleOrders, type SettleCounts } from './settle.js';

/** What one `orders:pull` of one shop did: counted, never silent. */
export interface PullSummary {
  shopId: number;
  shop: string;
  window: { from: string; to: string };
  pages: number;
  lines: { seen: number; inserted: number; updated: number; unchanged: number };
  /** Open orders read again (Rakuten) to see cancellations and changes. */
  reread: number;
  fulfillmentOrdersCreated: number;
  /** Fulfillment orders cancelled, put on hold or updated because the marketplace changed them. */
  fulfillmentOrdersCancelled: number;
  fulfillmentOrdersHeld: number;
  fulfillmentOrdersUpdated: number;
  /** Marketplace orders of this shop still waiting for a mapping after the pull. */
  waitingOrders: number;
  /** Records the marketplace sent that could not be read (each named). */
  failures: RecordFailure[];
  /** The cursor after the pull (an ISO instant). */
  cursor: string | null;
  /** Where the time went, in ms: waiting for the marketplace, and loading (upsert, map, settle) in the database. */
  timings: { extractMs: number; loadMs: number };
}

/** Options of one pull. */
export interface PullOptions {
  /** Read from here instead of the cursor (a backfill; the cursor never moves back). */
  since?: Date;
  /** Read up to here instead of now (the nightly sweep of the previous day). */
  until?: Date;
}

/**
 * `orders:pull` for one shop (design.md §4–6): extract the marketplace's lines page by page,
 * load them by upsert, map them and create fulfillment orders, each page in one transaction that
 * also saves the cursor it covers — so a pull killed half-way resumes where it stopped and a
 * second pull changes nothing. A record that cannot be read is reported and keeps the cursor
 * before it. Then, where the marketplace has no change feed (Rakuten), every open order taken in
 * is read again so cancellations and address changes are seen, and waiting orders are settled
 * against the current mapping tables.
 *
 * @throws ApiError / ResponseShapeError when the marketplace fails the whole pull; ConfigError for a wrong key.
 */
export async function pullOrders(deps: PipelineDeps, shop: Shop, options: PullOptions = {}): Promise<PullSummary> {
  const log = deps.logger.child({ module: 'pipeline:orders', shop: shop.id });
  const knex = deps.db.knex;
  let cursor = await getCursor(knex, shop.id, ORDERS_STREAM);
  const window = pullWindow({ cursor, since: options.since, now: options.until ?? deps.now() });
  const summary: PullSummary = {
    shopId: shop.id,
    shop: shopLabel(shop),
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    pages: 0,
    lines: { seen: 0, inserted: 0, updated: 0, unchanged: 0 },
    reread: 0,
    fulfillmentOrdersCreated: 0,
    fulfillmentOrdersCancelled: 0,
    fulfillmentOrdersHeld: 0,
    fulfillmentOrdersUpdated: 0,
    waitingOrders: 0,
    failures: [],
    cursor: cursor ?? null,
    timings: { extractMs: 0, loadMs: 0 },
  };
  const started = Date.now();
  const take = async (page: OrderLinePage, saveCursorAt?: Date): Promise<void> => {
    summary.pages++;
    summary.lines.seen += page.lines.length;
    summary.failures.push(...page.failures);
    for (const f of page.failures) log.error(`could not read ${f.recordId}: ${f.reason}`);
    const loadStart = Date.now();
    await inTransaction(knex, async (trx) => {
      const now = deps.now();
      const { counts, changedOrderIds } = await loadLines(trx, shop.id, page.lines, now);
      summary.lines.inserted += counts.inserted;
      summary.lines.updated += counts.updated;
      summary.lines.unchanged += counts.unchanged;
      addSettled(summary, await settleOrders(trx, shop, changedOrderIds, now));
      if (saveCursorAt) {
        const next = nextCursor(cursor, saveCursorAt);
        if (next !== cursor) await saveCursor(trx, shop.id, ORDERS_STREAM, next, now);
        cursor = next;
      }
    });
    summary.timings.loadMs += Date.now() - loadStart;
  };

  const source = openShopConnector(deps, shop);
  try {
    if (!isEmptyWindow(window)) {
      // Once a record could not be read, the cursor stays before it: the next pull reads that
      // window again (upserts make the re-read free) instead of leaving the record behind.
      let holdCursor = false;
      const seen = new Set<string>();
      for await (const page of source.pullOrderLines(window, { includeUnconfirmed: shop.autoOrderConfirm })) {
        if (page.failures.length > 0) holdCursor = true;
        for (const l of page.lines) seen.add(l.mallOrderId);
        await take(page, page.coveredUntil && !holdCursor ? page.coveredUntil : undefined);
      }
      if (source.readOrders) {
        const open = (await findOpenMallOrderIds(knex, shop.id)).filter((id) => !seen.has(id));
        summary.reread = open.length;
        if (open.length > 0) for await (const page of source.readOrders(open)) await take(page);
      }
    }
  } finally {
    await source.close();
  }
  const released = await releaseWaitingOrders(deps, [shop]);
  addSettled(summary, released);
  summary.waitingOrders = released.waiting;
  summary.cursor = cursor ?? null;
  summary.timings.extractMs = Date.now() - started - summary.timings.loadMs;
  log.info(
    `pulled ${summary.lines.seen} lines in ${summary.pages} pages (${summary.reread} open orders re-read): ${summary.lines.inserted} new, ${summary.lines.updated} changed; ` +
      `fulfillment orders ${summary.fulfillmentOrdersCreated} created, ${summary.fulfillmentOrdersCancelled} cancelled, ${summary.fulfillmentOrdersHeld} held, ${summary.fulfillmentOrdersUpdated} updated; ` +
      `${summary.waitingOrders} orders waiting for a mapping, ${summary.failures.length} records unreadable`,
  );
  return summary;
}

function addSettled(summary: PullSummary, s: SettleCounts): void {
  summary.fulfillmentOrdersCreated += s.created;
  summary.fulfillmentOrdersCancelled += s.cancelled;
  summary.fulfillmentOrdersHeld += s.held;
  summary.fulfillmentOrdersUpdated += s.updated;
}
