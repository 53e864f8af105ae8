/**
 * The Rakuten ExportSink (connectors/shared/exports.ts): confirmations (write-confirm.ts),
 * tracking numbers (write-tracking.ts), stock (write-stock.ts) and the read-back of orders
 * (remote-state.ts), over one shop's read and write clients.
 */
import type { ExportSink, RemoteOrderState } from '../shared/exports.js';
import { readOrderStates, remoteStateOf } from './remote-state.js';
import { confirmOrders } from './write-confirm.js';
import { pushStockRows } from './write-stock.js';
import { sendTrackingNumbers } from './write-tracking.js';
import type { WriteDeps } from './write-results.js';

/** Batch sizes of the write side (validated by the connector). */
export interface SinkSizes {
  /** Order numbers per confirmOrder call, ≤ 100. */
  confirmBatchSize: number;
  /** Orders read back per getOrder call right before their updateOrderShipping calls, ≤ 100. */
  shippingReadAhead: number;
  /** Rows per inventories/bulk-upsert call, ≤ 400. */
  inventoryBatchSize: number;
  /** Order numbers per getOrder call of remoteState, ≤ 100. */
  getOrderBatchSize: number;
}

/** Builds the write side of one shop's connector. */
export function createRakutenSink(deps: WriteDeps, sizes: SinkSizes): ExportSink {
  return {
    confirm: (targets) => confirmOrders(deps, targets, sizes.confirmBatchSize),
    sendTracking: (targets) => sendTrackingNumbers(deps, targets, sizes.shippingReadAhead),
    pushStock: (targets) => pushStockRows(deps, targets, sizes.inventoryBatchSize),
    /**
     * getOrder (version 10) in batches of ≤ 100; orders Rakuten does not return (INFO_102, or a
     * shape that cannot be read) are absent from the map. `mallLineIds` is not needed: Rakuten
     * answers whole orders.
     *
     * @throws ApiError / ResponseShapeError when a getOrder call fails as a whole.
     */
    async remoteState(mallOrderIds) {
      const states = await readOrderStates(deps.reader, mallOrderIds, sizes.getOrderBatchSize, deps.logger);
      for (const [n, why] of states.missing) deps.logger.warn(`remoteState ${n}: ${why.reason}`);
      const out = new Map<string, RemoteOrderState>();
      for (const [n, order] of states.orders) out.set(n, remoteStateOf(order));
      return out;
    },
  };
}
