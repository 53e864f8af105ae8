import type { NaverSend } from './client.js';
import { ConfirmAnswer, ConfirmRequest, DispatchAnswer, DispatchRequest, ProductOrderIdsAnswer, type DispatchItem } from './schemas.js';

/** Most ids one confirm takes (spec §4). */
export const CONFIRM_BATCH_MAX = 30;
/** Most items one dispatch takes (spec §5.1). */
export const DISPATCH_BATCH_MAX = 30;

/** The order-API writes and the order's id list (spec §3.4, §4, §5.1); HTTP only, no decisions. */
export interface NaverOrderCalls {
  /**
   * `POST v1/pay-order/seller/product-orders/confirm` (발주확인) for ≤ 30 ids. HTTP 200 carries
   * per-item results (spec §4): the caller reads both lists. Not repeated on 5xx or a lost answer.
   *
   * @throws RangeError for an empty list or more than 30 ids; ApiError / ResponseShapeError from the call.
   */
  confirmProductOrders(productOrderIds: string[]): Promise<ConfirmAnswer['data']>;
  /**
   * `POST v1/pay-order/seller/product-orders/dispatch` (발송처리) for ≤ 30 items, sent in the
   * order given (spec §5.1: main products before add-ons). Per-item results as for confirm.
   *
   * @throws RangeError for an empty list or more than 30 items; ApiError / ResponseShapeError from the call.
   */
  dispatchProductOrders(items: DispatchItem[]): Promise<DispatchAnswer['data']>;
  /** `GET v1/pay-order/seller/orders/{orderId}/product-order-ids` (spec §3.4). */
  productOrderIdsOf(orderId: string): Promise<string[]>;
}

function checkSize(call: string, n: number, max: number): void {
  if (n === 0 || n > max) throw new RangeError(`${call} takes 1 to ${max} items, got ${n}`);
}

/** The calls of {@link NaverOrderCalls} over `send`. */
export function orderCalls(send: NaverSend): NaverOrderCalls {
  const json = { 'content-type': 'application/json' };
  return {
    async confirmProductOrders(productOrderIds) {
      checkSize('confirm', productOrderIds.length, CONFIRM_BATCH_MAX);
      const body: ConfirmRequest = ConfirmRequest.parse({ productOrderIds });
      const answer = await send(
        { call: 'confirm', method: 'POST', path: 'v1/pay-order/seller/product-orders/confirm', headers: json, body: JSON.stringify(body), idempotent: false },
        ConfirmAnswer,
      );
      return answer.data;
    },

    async dispatchProductOrders(items) {
      checkSize('dispatch', items.length, DISPATCH_BATCH_MAX);
      const body: DispatchRequest = DispatchRequest.parse({ dispatchProductOrders: items });
      const answer = await send(
        { call: 'dispatch', method: 'POST', path: 'v1/pay-order/seller/product-orders/dispatch', headers: json, body: JSON.stringify(body), idempotent: false },
        DispatchAnswer,
      );
      return answer.data;
    },

    async productOrderIdsOf(orderId) {
      const answer = await send(
        { call: 'product-order-ids', method: 'GET', path: `v1/pay-order/seller/orders/${encodeURIComponent(orderId)}/product-order-ids`, idempotent: true },
        ProductOrderIdsAnswer,
      );
      return answer.data;
    },
  };
}
