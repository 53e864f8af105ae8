import type { Knex } from 'knex';
import type { ExportSink, RemoteOrderState, WriteResult } from '../../connectors/shared/exports.js';
import { findExportItems, noteUnanswered, settleItem, takeDueItems, type ExportItem, type ExportKind } from '../../data/stores/export-items.js';
import { inTransaction } from '../../data/transaction.js';
import type { Db } from '../../data/db.js';
import type { Logger } from '../../lib/logger.js';

/** What one export run did. */
export interface ExportCounts {
  /** Items found in flight from an earlier run and settled by asking the marketplace. */
  recovered: number;
  sent: number;
  done: number;
  /** Refused for good (reported, not retried). */
  failed: number;
  /** Refused for now; retried on a later run after a pause. */
  retrying: number;
  /** Sent without a usable answer: the next run asks the marketplace before sending again. */
  unknown: number;
}

/** What the marketplace says about an item a dead run had sent. */
export interface RecoveryVerdict {
  outcome: 'done' | 'failed' | 'resend';
  reason?: string;
}

/** How one kind of export talks to the sink and what its success changes locally. */
export interface ExportStrategy {
  kind: ExportKind;
  /** Sends the items (the sink splits batches) and answers one result per item. */
  send(sink: ExportSink, items: ExportItem[]): Promise<WriteResult[]>;
  /** The key a result carries for this item (`WriteResult.key`). */
  resultKey(item: ExportItem): string;
  /**
   * For items left `in_flight` by a run that died between the call and the settle: what the
   * marketplace says now — done, failed for good (with why), or not there (send again).
   * Kinds whose writes are safe to repeat (absolute stock) may answer `resend` without asking.
   */
  recover(sink: ExportSink, items: ExportItem[]): Promise<Map<number, RecoveryVerdict>>;
  /** What a success changes locally (e.g. the parcel becomes `tracking_sent`), in the settle's transaction. */
  onDone(trx: Knex.Transaction, item: ExportItem, now: Date): Promise<void>;
}

/** Pause before retrying a transient refusal: 5 min, doubling, at most 6 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(6 * 3600_000, 5 * 60_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Exactly-once delivery of one kind of export for one shop (design.md §6): intents were written
 * before (`export_items`, `pending`); here they are recovered, taken, sent and settled.
 *
 * 1. Items still `in_flight` from a run that died after sending are settled by asking the
 *    marketplace (`strategy.recover`), never by sending blindly again.
 * 2. Due `pending` items are marked `in_flight` and committed before the call.
 * 3. Each answer settles its item: `done` (and its local effect), `failed` for good, `pending`
 *    with a back-off when the refusal was transient, or left `in_flight` when the answer was lost.
 */
export async function runExports(deps: { db: Db; logger: Logger; now: () => Date }, shopId: number, sink: ExportSink, strategy: ExportStrategy): Promise<ExportCounts> {
  const knex = deps.db.knex;
  const log = deps.logger.child({ module: `export:${strategy.kind}`, shop: shopId });
  const counts: ExportCounts = { recovered: 0, sent: 0, done: 0, failed: 0, retrying: 0, unknown: 0 };

  const stranded = await findExportItems(knex, strategy.kind, shopId, ['in_flight']);
  if (stranded.length > 0) {
    log.warn(`${stranded.length} ${strategy.kind} items were sent by a run that did not settle them; asking the marketplace`);
    const verdicts = await strategy.recover(sink, stranded);
    for (const item of stranded) {
      const v = verdicts.get(item.id);
      if (!v) continue;
      counts.recovered++;
      await inTransaction(knex, async (trx) => {
        const now = deps.now();
        if (v.outcome === 'done') {
          await settleItem(trx, item.id, 'done', null, now);
          await strategy.onDone(trx, item, now);
          counts.done++;
        } else if (v.outcome === 'failed') {
          await settleItem(trx, item.id, 'failed', v.reason ?? 'refused', now);
          counts.failed++;
        } else {
          await settleItem(trx, item.id, 'pending', v.reason ?? 'not at the marketplace after an interrupted run; sending again', now);
        }
      });
    }
  }

  const taken = await inTransaction(knex, (trx) => takeDueItems(trx, strategy.kind, shopId, deps.now()));
  if (taken.length === 0) return counts;
  counts.sent = taken.length;
  const results = await strategy.send(sink, taken);
  const byKey = new Map(results.map((r) => [r.key, r]));
  for (const item of taken) {
    const r = byKey.get(strategy.resultKey(item));
    await inTransaction(knex, async (trx) => {
      const now = deps.now();
      if (!r || r.outcome === 'unknown') {
        // Left in flight: the next run asks the marketplace before anything is sent again.
        await noteUnanswered(trx, item.id, r?.message ?? 'no answer for this item', now);
        counts.unknown++;
      } else if (r.outcome === 'done') {
        await settleItem(trx, item.id, 'done', null, now);
        await strategy.onDone(trx, item, now);
        counts.done++;
      } else if (r.permanent) {
        await settleItem(trx, item.id, 'failed', `${r.code ? `${r.code}: ` : ''}${r.message ?? 'refused'}`, now);
        counts.failed++;
      } else {
        await settleItem(trx, item.id, 'pending', `${r.code ? `${r.code}: ` : ''}${r.message ?? 'refused for now'}`, now, new Date(now.getTime() + retryDelayMs(item.attempts)));
        counts.retrying++;
      }
    });
  }
  log.info(`${strategy.kind}: ${counts.sent} sent, ${counts.done} done, ${counts.failed} failed, ${counts.retrying} to retry, ${counts.unknown} without an answer, ${counts.recovered} recovered`);
  return counts;
}

/** `remoteState` for the orders of these items, keyed by marketplace order id. */
export async function remoteStates(sink: ExportSink, orderIds: string[], lineIds: string[]): Promise<Map<string, RemoteOrderState>> {
  return sink.remoteState([...new Set(orderIds)], lineIds.length ? [...new Set(lineIds)] : undefined);
}
