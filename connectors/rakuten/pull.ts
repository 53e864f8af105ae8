/**
 * The read side of the Rakuten connector (design.md §6 "Rakuten", spec §2–§3): searchOrder by
 * order date in ≤ 63-day windows, paged, split when a window passes the hit cap; getOrder in
 * batches of ≤ 100 with version 10; each order mapped to our order lines.
 */
import type { Logger } from '../../lib/logger.js';
import { toRakutenDatetime } from '../../lib/time.js';
import type { PullOptions } from '../shared/connector.js';
import type { MallOrderLine, OrderLinePage, RecordFailure, TimeWindow } from '../shared/order-line.js';
import type { RakutenClient } from './client.js';
import { readRakutenOrder } from './mapper.js';
import type { OrderProgress, SearchOrderResponse } from './schemas.js';
import { chunks, halveWindow, searchableRange, splitWindows } from './windows.js';

/** What the read side is built from. */
export interface PullDeps {
  client: RakutenClient;
  logger: Logger;
  clock: () => Date;
  /** searchOrder `requestRecordsAmount`, 1–1000. */
  pageSize: number;
  /** Order numbers per getOrder call, 1–100. */
  batchSize: number;
  /** Hits one search can reach; a window with more is halved. */
  maxHits: number;
}

/** The two ways orders come in: a pull over a time window, and a re-read of given orders. */
export interface OrderPuller {
  pullOrderLines(window: TimeWindow, options: PullOptions): AsyncGenerator<OrderLinePage>;
  readOrders(orderNumbers: readonly string[]): AsyncGenerator<OrderLinePage>;
}

function describe(w: TimeWindow): string {
  return `${toRakutenDatetime(w.from)}..${toRakutenDatetime(w.to)}`;
}

/** Builds the read side of one shop's connector. */
export function createOrderPuller(deps: PullDeps): OrderPuller {
  const { client, logger, clock, pageSize, batchSize, maxHits } = deps;

  /** One searchOrder page by order date (`dateType` 1), oldest first (spec §2.1, §2.4). */
  function searchPage(w: TimeWindow, statuses: OrderProgress[], page: number): Promise<SearchOrderResponse> {
    return client.searchOrder({
      dateType: 1,
      startDatetime: toRakutenDatetime(w.from),
      endDatetime: toRakutenDatetime(w.to),
      orderProgressList: statuses,
      PaginationRequestModel: {
        requestRecordsAmount: pageSize,
        requestPage: page,
        SortModelList: [{ sortColumn: 1, sortDirection: 1 }],
      },
    });
  }

  /** Reads one batch of order numbers with getOrder and maps it; every number asked ends as lines or a failure. */
  async function readBatch(batch: string[]): Promise<OrderLinePage> {
    const result = await client.getOrder(batch);
    const asked = new Set(batch);
    const done = new Set<string>();
    const lines: MallOrderLine[] = [];
    const failures: RecordFailure[] = [];
    for (const raw of result.orders) {
      const reading = readRakutenOrder(raw);
      if (done.has(reading.orderNumber)) continue;
      if (reading.failure === undefined && !asked.has(reading.orderNumber)) {
        logger.warn(`getOrder returned ${reading.orderNumber}, which was not asked for; ignored`);
        continue;
      }
      done.add(reading.orderNumber);
      if (reading.failure) failures.push(reading.failure);
      else lines.push(...reading.lines);
    }
    for (const e of result.orderErrors) {
      if (done.has(e.orderNumber) || !asked.has(e.orderNumber)) continue;
      done.add(e.orderNumber);
      failures.push({ recordId: e.orderNumber, reason: `rakuten getOrder: ${e.code} ${e.message}`.trimEnd() });
    }
    const notFound = new Map(result.notFound.map((m) => [m.orderNumber, m]));
    for (const n of batch) {
      if (done.has(n)) continue;
      const m = notFound.get(n);
      const why = m ? ` (${[m.code, m.message].filter((t) => t !== '').join(' ')})` : '';
      failures.push({ recordId: n, reason: `rakuten getOrder did not return this order${why}` });
    }
    return { lines, failures };
  }

  /**
   * All pages of one window: searched first (order numbers only, at most the hit cap), then read
   * in getOrder batches, one yielded page per batch; the last page carries `coveredUntil` =
   * the window's end. A window past the cap is halved and each half searched again.
   */
  async function* pullWindow(w: TimeWindow, statuses: OrderProgress[], seen: Set<string>): AsyncGenerator<OrderLinePage> {
    const first = await searchPage(w, statuses, 1);
    const total = first.PaginationResponseModel?.totalRecordsAmount ?? 0;
    const extra: RecordFailure[] = [];
    // Whether Rakuten reports the true count past the cap or stops at 15,000 is UNCERTAIN
    // (spec §2.2): a window that reaches the cap is treated as past it and halved.
    if (total >= maxHits) {
      const halves = halveWindow(w);
      if (halves) {
        logger.info(`searchOrder ${describe(w)}: ${total} hits reach the cap of ${maxHits}; searching each half`);
        for (const half of halves) yield* pullWindow(half, statuses, seen);
        return;
      }
      extra.push({
        recordId: `searchOrder ${describe(w)}`,
        reason: `${total} orders in one second reach the ${maxHits}-hit cap of searchOrder; any past the cap cannot be read`,
      });
    }
    const numbers: string[] = [];
    const take = (list: string[] | null) => {
      for (const n of list ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        numbers.push(n);
      }
    };
    take(first.orderNumberList);
    const totalPages = first.PaginationResponseModel?.totalPages ?? 0;
    for (let page = 2; page <= totalPages && (first.orderNumberList?.length ?? 0) > 0; page++) {
      const answer = await searchPage(w, statuses, page);
      if (!answer.orderNumberList || answer.orderNumberList.length === 0) break; // spec pitfall 20
      take(answer.orderNumberList);
    }
    logger.debug(`searchOrder ${describe(w)}: ${numbers.length} new orders of ${total}`);
    const batches = chunks(numbers, batchSize);
    if (batches.length === 0) {
      yield { lines: [], failures: extra, coveredUntil: w.to };
      return;
    }
    for (const [i, batch] of batches.entries()) {
      const page = await readBatch(batch);
      if (i === batches.length - 1) {
        page.failures.push(...extra);
        page.coveredUntil = w.to;
      }
      yield page;
    }
  }

  return {
    /**
     * Yields the lines of the orders placed inside `window` (UTC instants, both ends inclusive),
     * searched by order date (`dateType` 1, JST datetimes) for status 300, plus 100 and 200 with
     * `includeUnconfirmed` (spec §2, design.md §5). The end is clamped to now (never in the
     * future) and the start to now − 730 days; the range is cut into ≤ 63-day windows, each paged
     * 1000 at a time and halved when it passes 15,000 hits. Order numbers are deduplicated over
     * the whole pull. One page per getOrder batch of ≤ 100; the last page of each window carries
     * `coveredUntil` = that window's end (an empty page when the window had no hits). An order
     * that cannot be read is a RecordFailure (recordId = orderNumber) and does not stop the others.
     *
     * @throws ApiError / ResponseShapeError when a searchOrder or getOrder call fails as a whole
     *   (e.g. `auth` with the licence sentence on ES01-01).
     */
    async *pullOrderLines(window: TimeWindow, options: PullOptions): AsyncGenerator<OrderLinePage> {
      const now = clock();
      const range = searchableRange(window, now);
      if (!range) {
        logger.info(`nothing to search: window ${window.from.toISOString()}..${window.to.toISOString()} is in the future or older than 730 days`);
        return;
      }
      if (range.from.getTime() > window.from.getTime() + 1000) {
        logger.warn(`Rakuten searches only the past 730 days: orders before ${range.from.toISOString()} cannot be read`);
      }
      const statuses: OrderProgress[] = options.includeUnconfirmed ? [100, 200, 300] : [300];
      const seen = new Set<string>();
      for (const w of splitWindows(range)) yield* pullWindow(w, statuses, seen);
    },

    async *readOrders(orderNumbers: readonly string[]): AsyncGenerator<OrderLinePage> {
      const unique = [...new Set(orderNumbers)];
      for (const batch of chunks(unique, batchSize)) yield await readBatch(batch);
    },
  };
}
