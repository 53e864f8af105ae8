/**
 * `sendTracking` of the ExportSink (spec §4.2): per order, read it back with getOrder, plan the rows
 * (tracking-plan.ts), send ONE updateOrderShipping call for the order with all its baskets, and
 * read each row's result by `dataNumber`.
 */
import type { TrackingTarget, WriteResult } from '../shared/exports.js';
import { trackingKey } from '../shared/exports.js';
import type { ShippingAnswer } from './client-write.js';
import { readOrderStates } from './remote-state.js';
import { planOrderShipping, readShippingAnswer } from './tracking-plan.js';
import { chunks } from './windows.js';
import { callFailure, tally, unsent, withKeys, type Outcome, type WriteDeps } from './write-results.js';

function withNote(o: Outcome, note: string | undefined): Outcome {
  return note && o.outcome !== 'failed' ? { ...o, message: `${o.message ?? ''}; ${note}` } : o;
}

/**
 * Sends the tracking numbers of `targets` (one parcel each: `mallPackageId` = basketId), one
 * updateOrderShipping call per order carrying every basket of that order that needs a row.
 *
 * Orders are read back with getOrder in batches of `readAhead` (≤ 100) right before their writes,
 * so the basket ids and existing rows used are at most a batch old (spec pitfall 15: lines or
 * destinations changed after import). What is planned per target is described at
 * `planOrderShipping`; an order Rakuten does not return fails permanently, a read-back that fails
 * as a whole fails its orders (not permanent) without writing.
 *
 * Results, one per target keyed `mallOrderId/mallPackageId` in the order given: per row from
 * MessageModelList by `dataNumber` (`readShippingAnswer`): INFO_101/102 → done; ERROR_102 (order
 * cancelled) → failed permanent. A call refused as a whole follows `callFailure`: 5xx, timeout or a
 * garbled answer → unknown, never resent (the next run reads the order back first); ES01-01 →
 * failed with the licence sentence and nothing more is sent in this call.
 */
export async function sendTrackingNumbers(deps: WriteDeps, targets: readonly TrackingTarget[], readAhead: number): Promise<WriteResult[]> {
  const outcomes: Array<Outcome | undefined> = new Array(targets.length);
  const byOrder = new Map<string, number[]>();
  targets.forEach((t, i) => byOrder.set(t.mallOrderId, [...(byOrder.get(t.mallOrderId) ?? []), i]));
  let stopper: Outcome | undefined;
  const settle = (indexes: number[], o: Outcome) => indexes.forEach((i) => (outcomes[i] = o));

  for (const orders of chunks([...byOrder.keys()], readAhead)) {
    if (stopper) {
      for (const n of orders) settle(byOrder.get(n)!, unsent(stopper));
      continue;
    }
    let states: Awaited<ReturnType<typeof readOrderStates>>;
    try {
      states = await readOrderStates(deps.reader, orders, readAhead, deps.logger);
    } catch (err) {
      const f = callFailure(err, false, deps.licenceNote());
      const o = { ...f.outcome, message: `not sent: the orders could not be read back first: ${f.outcome.message}` };
      for (const n of orders) settle(byOrder.get(n)!, o);
      if (f.stop) stopper = f.outcome;
      continue;
    }

    for (const orderNumber of orders) {
      const indexes = byOrder.get(orderNumber)!;
      if (stopper) {
        settle(indexes, unsent(stopper));
        continue;
      }
      const order = states.orders.get(orderNumber);
      if (!order) {
        const why = states.missing.get(orderNumber) ?? { reason: 'Rakuten did not return the order', notFound: true };
        // An order Rakuten does not have cannot take a tracking number; an unreadable answer may be read next time.
        settle(indexes, { outcome: 'failed', permanent: why.notFound, message: `not sent: ${why.reason}` });
        continue;
      }
      const plan = planOrderShipping(order, indexes.map((i) => targets[i]!));
      let rows: Outcome[] = [];
      if (plan.request) {
        let answer: ShippingAnswer;
        try {
          answer = await deps.writer.updateOrderShipping(plan.request);
          rows = readShippingAnswer(answer, plan.rowCount);
        } catch (err) {
          const f = callFailure(err, true, deps.licenceNote());
          rows = Array.from({ length: plan.rowCount }, () => f.outcome);
          if (f.stop) stopper = f.outcome;
        }
      }
      plan.targets.forEach((p, k) => {
        const o = 'settled' in p ? p.settled : rows[p.dataNumber - 1]!;
        outcomes[indexes[k]!] = withNote(o, p.note);
      });
      deps.logger.info(
        `updateOrderShipping ${orderNumber}: ${plan.request ? `${plan.rowCount} row(s) sent` : 'nothing to send'}; ${tally(indexes.map((i) => outcomes[i]))}`,
      );
    }
  }
  return withKeys(targets.map(trackingKey), outcomes);
}
