/**
 * `confirm` of the ExportSink (spec §4.1): confirmOrder in batches of at most 100 order numbers,
 * one result per order read from its MessageModel.
 */
import type { ConfirmTarget, WriteResult } from '../shared/exports.js';
import { readOrderStates } from './remote-state.js';
import type { MessageModel } from './schemas.js';
import { chunks } from './windows.js';
import { callFailure, tally, unsent, withKeys, type Outcome, type WriteDeps } from './write-results.js';

const INFO_101 = 'ORDER_EXT_API_CONFIRM_ORDER_INFO_101';
/**
 * CONFIRM_ORDER_ERROR_102 ("already cancelled") and _103 ("moved to another status") come from a
 * single source ([JavaConfirm], spec §1.3, §4.1): UNCERTAIN. The spec reads them as "already
 * done / cancelled". The safe reading taken here does not trust the wording: the orders that
 * get either code are read back with getOrder, and their orderProgress decides — 800/900 →
 * failed, permanent (cancelled); 200 and later → done (already confirmed); still 100 → failed.
 */
const ALREADY_MOVED = /_CONFIRM_ORDER_ERROR_10[23]$/;

function text(m: MessageModel): string {
  return `${m.messageCode} ${m.message ?? ''}`.trimEnd();
}

/** The outcome of one order from its entries in a confirmOrder answer; null = read the order back. */
function readEntries(entries: MessageModel[]): Outcome | null {
  const info = entries.find((m) => m.messageType.toUpperCase() === 'INFO' && m.messageCode === INFO_101);
  if (info) return { outcome: 'done', permanent: false, code: info.messageCode, message: text(info) };
  const error = entries.find((m) => m.messageType.toUpperCase() === 'ERROR');
  if (error && ALREADY_MOVED.test(error.messageCode)) return null;
  // ERROR_105 (postage not set, UNCERTAIN) and unknown codes: refused, possibly fixable in RMS.
  if (error) return { outcome: 'failed', permanent: false, code: error.messageCode, message: text(error) };
  const other = entries[0];
  // A WARNING or INFO of another code says nothing certain about this order (meaning UNCERTAIN).
  if (other) return { outcome: 'unknown', permanent: false, code: other.messageCode, message: `${text(other)}; read the order back to know whether it was confirmed` };
  return { outcome: 'unknown', permanent: false, message: "Rakuten's confirmOrder answer did not mention this order; read it back to know whether it was confirmed" };
}

/**
 * Reads back orders that got ERROR_102/103 and decides by their orderProgress. Returns the
 * outcome that stops the shop (licence refused while reading back), if any.
 */
async function settleMoved(deps: WriteDeps, moved: Map<string, MessageModel>, out: Map<string, Outcome>): Promise<Outcome | undefined> {
  if (moved.size === 0) return undefined;
  try {
    const states = await readOrderStates(deps.reader, [...moved.keys()], 100, deps.logger);
    for (const [n, m] of moved) {
      const order = states.orders.get(n);
      const p = order?.orderProgress;
      if (p === undefined) {
        out.set(n, { outcome: 'unknown', permanent: false, code: m.messageCode, message: `${text(m)}; the order could not be read back (${states.missing.get(n)?.reason ?? 'not returned'})` });
      } else if (p === 800 || p === 900) {
        out.set(n, { outcome: 'failed', permanent: true, code: m.messageCode, message: `${text(m)}; Rakuten shows the order cancelled (orderProgress ${p})` });
      } else if (p >= 200) {
        out.set(n, { outcome: 'done', permanent: false, code: m.messageCode, message: `already confirmed: ${text(m)} (orderProgress ${p})` });
      } else {
        out.set(n, { outcome: 'failed', permanent: false, code: m.messageCode, message: `${text(m)}; the order is still waiting for confirmation (orderProgress ${p})` });
      }
    }
    return undefined;
  } catch (err) {
    const f = callFailure(err, false, deps.licenceNote());
    for (const [n, m] of moved) {
      out.set(n, { outcome: 'unknown', permanent: false, code: m.messageCode, message: `${text(m)}; the order could not be read back: ${f.outcome.message}` });
    }
    return f.stop ? f.outcome : undefined;
  }
}

/**
 * Confirms the orders of `targets` (`mallLineIds` ignored: Rakuten confirms whole orders), in
 * batches of `batchSize` (≤ 100) unique order numbers. One result per target, keyed by
 * `mallOrderId`, in the order given:
 * - INFO_101 → done;
 * - ERROR_102 / ERROR_103 → read back: cancelled (800/900) → failed permanent, already 200+ → done;
 * - any other ERROR (e.g. ERROR_105 postage not set) → failed, not permanent, with Rakuten's code;
 * - no entry, or only a WARNING → unknown;
 * - the call refused as a whole → see `callFailure` (5xx / timeout / garbled → unknown, not resent;
 *   ES01-01 → failed with the licence sentence, and no further batch is sent).
 */
export async function confirmOrders(deps: WriteDeps, targets: readonly ConfirmTarget[], batchSize: number): Promise<WriteResult[]> {
  const out = new Map<string, Outcome>();
  const numbers = [...new Set(targets.map((t) => t.mallOrderId))];
  const valid = numbers.filter((n) => {
    if (n.trim() !== '' && n === n.trim()) return true;
    out.set(n, { outcome: 'failed', permanent: true, message: `"${n}" is not a Rakuten order number` });
    return false;
  });
  let stopper: Outcome | undefined;
  for (const batch of chunks(valid, batchSize)) {
    if (stopper) {
      for (const n of batch) out.set(n, unsent(stopper));
      continue;
    }
    let messages: MessageModel[];
    try {
      messages = await deps.writer.confirmOrder(batch);
    } catch (err) {
      const f = callFailure(err, true, deps.licenceNote());
      for (const n of batch) out.set(n, f.outcome);
      if (f.stop) stopper = f.outcome;
      deps.logger.warn(`confirmOrder: ${batch.length} orders ${f.outcome.outcome}: ${f.outcome.message}`);
      continue;
    }
    const moved = new Map<string, MessageModel>();
    for (const n of batch) {
      const entries = messages.filter((m) => m.orderNumber === n);
      const outcome = readEntries(entries);
      if (outcome) out.set(n, outcome);
      else moved.set(n, entries.find((m) => ALREADY_MOVED.test(m.messageCode))!);
    }
    stopper = await settleMoved(deps, moved, out);
    deps.logger.info(`confirmOrder: ${batch.length} orders: ${tally(batch.map((n) => out.get(n)))}`);
  }
  return withKeys(
    targets.map((t) => t.mallOrderId),
    targets.map((t) => out.get(t.mallOrderId)),
  );
}
