import { ApiError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { parseOffsetTime, toKstIsoMillis } from '../../lib/time.js';
import type { MallOrderLine, OrderLinePage, RecordFailure, TimeWindow } from '../shared/order-line.js';
import type { NaverClient } from './client.js';
import { NaverMappingError, mapProductOrder } from './mapper.js';
import type { ProductOrderInfo } from './schemas.js';
import { chunks, detailBatches, type FeedId } from './windows.js';

/** What one window's pull needs. */
export interface PullDeps {
  client: NaverClient;
  logger: Logger;
  /** Feed `limitCount`, 1–300. */
  feedPageSize: number;
  /** Ids per detail query, 1–300. */
  detailBatchSize: number;
}

/**
 * Reads every feed page of one window (spec §3.1, §8.6): `lastChangedTo` stays fixed, each next
 * page sends `lastChangedFrom = more.moreFrom` and `moreSequence`, until `more` is absent.
 * Returns the rows' ids in feed order (duplicates included; the caller dedupes).
 *
 * @throws ApiError (kind 'server') when Naver repeats a cursor or moves it backwards, instead of looping.
 * @throws ApiError / ResponseShapeError from the feed call.
 */
export async function readWindowIds(deps: PullDeps, window: TimeWindow): Promise<FeedId[]> {
  const ids: FeedId[] = [];
  const seenCursors = new Set<string>();
  let from = window.from;
  let moreSequence: string | undefined;
  for (let page = 1; ; page++) {
    const answer = await deps.client.lastChangedStatuses({ from, to: window.to, moreSequence, limitCount: deps.feedPageSize });
    for (const row of answer.lastChangeStatuses ?? []) ids.push({ productOrderId: row.productOrderId, orderId: row.orderId });
    const more = answer.more;
    if (!more) break;
    const next = parseOffsetTime(more.moreFrom)!; // the schema checked it parses
    const key = `${next.getTime()}|${more.moreSequence}`;
    if (seenCursors.has(key) || next.getTime() < from.getTime() || (next.getTime() === from.getTime() && more.moreSequence === moreSequence)) {
      throw new ApiError({
        mall: 'naver',
        call: 'last-changed-statuses',
        kind: 'server',
        message: `Naver last-changed-statuses gave a paging cursor that does not move forward on page ${page} (moreFrom=${more.moreFrom}, moreSequence=${more.moreSequence}); stopped instead of looping`,
      });
    }
    if (next.getTime() > window.to.getTime()) {
      deps.logger.warn(`last-changed-statuses: more.moreFrom ${more.moreFrom} lies after lastChangedTo ${toKstIsoMillis(window.to)}; nothing is left in this window`);
      break;
    }
    seenCursors.add(key);
    from = next;
    moreSequence = more.moreSequence;
  }
  return ids;
}

/**
 * Reads the details of `ids` (one or more orders, complete) in queries of at most
 * `detailBatchSize` and maps them. Answers are matched by `productOrderId`, never by position
 * (spec §3.2); an id the answer lacks, an element that fails the schema and a line the mapper
 * cannot read each become a RecordFailure naming the productOrderId. Whether Naver silently
 * omits ids it does not know is UNCERTAIN (spec §3.2): the safe reading is that it may, so a
 * missing id is reported, never assumed away.
 */
export async function readDetailPage(deps: PullDeps, ids: string[]): Promise<OrderLinePage> {
  const wanted = new Set(ids);
  const found = new Map<string, ProductOrderInfo>();
  const failures: RecordFailure[] = [];
  const failed = new Set<string>();
  for (const chunk of chunks(ids, deps.detailBatchSize)) {
    const answer = await deps.client.queryProductOrders(chunk);
    for (const info of answer.infos) {
      const id = info.productOrder.productOrderId;
      if (wanted.has(id)) found.set(id, info);
      else deps.logger.warn(`product-orders/query returned ${id}, which was not asked for; ignored`);
    }
    for (const f of answer.failures) {
      failures.push(f);
      failed.add(f.recordId);
    }
  }
  const lines: MallOrderLine[] = [];
  for (const id of ids) {
    const info = found.get(id);
    if (!info) {
      if (!failed.has(id)) failures.push({ recordId: id, reason: 'Naver product-orders/query did not return this product order although the change feed listed it' });
      continue;
    }
    try {
      lines.push(mapProductOrder(info));
    } catch (err) {
      if (!(err instanceof NaverMappingError)) throw err;
      failures.push({ recordId: id, reason: err.message });
    }
  }
  return { lines, failures };
}

/**
 * Pulls one feed window (≤ 24 h, end already clamped): all feed pages first (ids only), then one
 * OrderLinePage per detail batch, yielded as it arrives. The last page of the window carries
 * `coveredUntil` = the window's end; a window without changes yields one empty page with it.
 */
export async function* pullWindow(deps: PullDeps, window: TimeWindow): AsyncGenerator<OrderLinePage> {
  const ids = await readWindowIds(deps, window);
  const batches = detailBatches(ids, deps.detailBatchSize);
  deps.logger.debug(`window ${toKstIsoMillis(window.from)} – ${toKstIsoMillis(window.to)}: ${ids.length} feed rows, ${batches.length} detail batches`);
  if (batches.length === 0) {
    yield { lines: [], failures: [], coveredUntil: window.to };
    return;
  }
  for (let i = 0; i < batches.length; i++) {
    const page = await readDetailPage(deps, batches[i]!);
    if (i === batches.length - 1) page.coveredUntil = window.to;
    yield page;
  }
}
