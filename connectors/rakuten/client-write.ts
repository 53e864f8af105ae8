/**
 * HTTP calls of the write side: `confirmOrder` and `updateOrderShipping` (RakutenPay order API,
 * spec §4.1, §4.2) and `inventories/bulk-upsert` (Inventory API 2.0, spec §5.2). Each goes through
 * `callMarketplace` as a write (`idempotent: false`): repeated on 429 and on connection errors that
 * prove nothing was sent, never on 5xx, a timeout or a garbled answer. Nothing here decides what
 * an answer means for an order; see write-*.ts.
 */
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { callMarketplace, excerpt, notJsonText, parseJson, type AnswerReader, type HttpAnswer, type HttpContext } from '../shared/http.js';
import { parseShape } from '../shared/shape.js';
import { isErrorEntry, messagesOf, orderApiReader, rakutenFailure } from './client.js';
import {
  ConfirmOrderRequest,
  ConfirmOrderResponse,
  GatewayError,
  InventoryBulkUpsertRequest,
  InventoryErrorResponse,
  UpdateOrderShippingRequest,
  UpdateOrderShippingResponse,
  type InventoryError,
  type InventoryUpsertRow,
  type MessageModel,
  type ShippingMessageModel,
} from './schemas.js';

/** Paths relative to the shop's base URL: order endpoints end in `/` (spec §1.2), inventory ones do not (spec §5.2). */
export const CONFIRM_ORDER_PATH = 'es/2.0/order/confirmOrder/';
export const UPDATE_ORDER_SHIPPING_PATH = 'es/2.0/order/updateOrderShipping/';
export const INVENTORY_BULK_UPSERT_PATH = 'es/2.0/inventories/bulk-upsert';

/** confirmOrder batch limit (spec §4.1). */
export const MAX_CONFIRM_BATCH = 100;
/** ShippingModel rows per basket (spec §4.2, §6.1). */
export const MAX_SHIPPING_ROWS = 20;
/** inventories/bulk-upsert batch limit (spec §5.2). */
export const MAX_INVENTORY_BATCH = 400;
/** Inventory quantity range (spec §5.2, IE0117). */
export const MAX_INVENTORY_QUANTITY = 99_999;

const MALL = 'rakuten' as const;

/** What one updateOrderShipping call answered: its HTTP status (200, or 400 for validation errors) and its entries. */
export interface ShippingAnswer {
  status: number;
  messages: ShippingMessageModel[];
}

/** What one bulk-upsert call answered: applied (204), or refused row by row (400 `errors[]`). */
export type InventoryAnswer = { applied: true } | { applied: false; status: number; errors: InventoryError[] };

/** The write side of the RMS API for one shop. */
export interface RakutenWriteClient {
  /**
   * POST `es/2.0/order/confirmOrder/` (spec §4.1): the per-order MessageModel entries, each naming
   * its `orderNumber` (200, or a 400 whose every ERROR entry names an order).
   *
   * @param orderNumbers 1 to 100 order numbers.
   * @throws ApiError for a refusal of the call as a whole (gateway ES01-01 / ES04-01, ERROR entries
   *   without an order number, 429 after retries, 5xx, network); ResponseShapeError for a garbled 200.
   * @throws RangeError when the request breaks the documented limits (a bug of the caller).
   */
  confirmOrder(orderNumbers: string[]): Promise<MessageModel[]>;
  /**
   * POST `es/2.0/order/updateOrderShipping/` (spec §4.2): one order, its baskets and rows. A 200 or
   * a 400 with a `MessageModelList` is answered, not thrown: its entries carry `dataNumber`.
   *
   * @throws ApiError / ResponseShapeError / RangeError as {@link RakutenWriteClient.confirmOrder}.
   */
  updateOrderShipping(request: UpdateOrderShippingRequest): Promise<ShippingAnswer>;
  /**
   * POST `es/2.0/inventories/bulk-upsert` (spec §5.2): 1–400 rows. 2xx → applied; a 400 with
   * `errors[]` is answered row by row (`metadata.propertyPath`), not thrown.
   *
   * @throws ApiError for gateway errors, other statuses (409 CE0001, 404 GE0014, 5xx), 429 after
   *   retries and network errors; RangeError when the request breaks the limits.
   */
  bulkUpsertInventory(rows: InventoryUpsertRow[]): Promise<InventoryAnswer>;
}

function checked<S extends typeof ConfirmOrderRequest | typeof UpdateOrderShippingRequest | typeof InventoryBulkUpsertRequest>(
  schema: S,
  value: unknown,
  call: string,
): string {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RangeError(`rakuten ${call}: request breaks the API limits at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  // Raw UTF-8, never \u escapes (spec §1.2: escapes failing on update calls is UNCERTAIN; raw is harmless).
  return JSON.stringify(value);
}

/** confirmOrder: a 400 counts as an answer only when it carries per-order ERROR entries. */
function confirmReader(): AnswerReader<MessageModel[]> {
  const base = orderApiReader('confirmOrder', (json) => parseShape(ConfirmOrderResponse, json, MALL, 'confirmOrder').MessageModelList, true, [200, 400]);
  return {
    ...base,
    isSuccess(answer) {
      if (!base.isSuccess(answer)) return false;
      return answer.status === 200 || messagesOf(parseJson(answer.text)).some(isErrorEntry);
    },
  };
}

/**
 * updateOrderShipping: 200, and 400 with a non-empty MessageModelList (validation errors carry
 * `dataNumber`, spec §7.9), are answers; anything else (gateway errors, 5xx, 429) is a failure.
 */
function shippingReader(): AnswerReader<ShippingAnswer> {
  const call = 'updateOrderShipping';
  return {
    isSuccess(answer) {
      if (answer.status === 200) {
        const body = parseJson(answer.text);
        return body === undefined || !GatewayError.safeParse(body).success;
      }
      if (answer.status !== 400) return false;
      const body = parseJson(answer.text);
      if (body === undefined || GatewayError.safeParse(body).success) return false;
      return messagesOf(body).length > 0;
    },
    ok(answer) {
      const body = parseJson(answer.text);
      if (body === undefined) throw new ResponseShapeError({ mall: MALL, call, issues: [{ path: '', message: notJsonText(answer.text) }] });
      return { status: answer.status, messages: parseShape(UpdateOrderShippingResponse, body, MALL, call).MessageModelList };
    },
    fail(answer) {
      return rakutenFailure(call, answer);
    },
  };
}

/**
 * A refused inventory answer as an ApiError: gateway bodies as the order API (ES01-01 …), else the
 * first entry of `errors[]` (spec §5.3) with a kind from the status (409 CE0001 = request, retry later).
 */
export function inventoryFailure(call: string, answer: HttpAnswer): ApiError {
  const body = parseJson(answer.text);
  const parsed = InventoryErrorResponse.safeParse(body);
  if (GatewayError.safeParse(body).success || !parsed.success) return rakutenFailure(call, answer);
  const first = parsed.data.errors[0]!;
  const more = parsed.data.errors.length > 1 ? ` (+${parsed.data.errors.length - 1} more)` : '';
  const kind = answer.status === 429 ? 'rate_limited' : answer.status >= 500 ? 'server' : answer.status === 404 ? 'not_found' : answer.status === 401 ? 'auth' : 'request';
  return new ApiError({
    mall: MALL,
    call,
    kind,
    status: answer.status,
    code: first.code,
    body: excerpt(answer.text),
    message: `rakuten ${call}: ${first.code} ${first.message ?? ''}`.trimEnd() + more,
  });
}

/**
 * bulk-upsert: 204 with no body is applied (spec §5.2); so is another 2xx whose body is empty or
 * JSON without `errors[]`. A 2xx whose body is not JSON is garbled (ResponseShapeError: the write
 * is `unknown`). A 400 with `errors[]` is an answer, read row by row.
 */
function inventoryReader(): AnswerReader<InventoryAnswer> {
  const call = 'inventories.bulk.upsert';
  const errorsOf = (answer: HttpAnswer) => InventoryErrorResponse.safeParse(parseJson(answer.text));
  return {
    isSuccess(answer) {
      if (answer.status >= 200 && answer.status < 300) return true;
      return answer.status === 400 && errorsOf(answer).success;
    },
    ok(answer) {
      const parsed = errorsOf(answer);
      if (parsed.success) return { applied: false, status: answer.status, errors: parsed.data.errors };
      if (answer.text.trim() !== '' && parseJson(answer.text) === undefined) {
        throw new ResponseShapeError({ mall: MALL, call, issues: [{ path: '', message: notJsonText(answer.text) }] });
      }
      return { applied: true };
    },
    fail(answer) {
      return inventoryFailure(call, answer);
    },
  };
}

/**
 * Builds the write client of one shop from the same HTTP context (got, limiter, retry policy) and
 * headers as the read client, so reads and writes share one rate limit (style.md point 4).
 */
export function createRakutenWriteClient(http: HttpContext, headers: Record<string, string>): RakutenWriteClient {
  return {
    async confirmOrder(orderNumbers) {
      const body = checked(ConfirmOrderRequest, { orderNumberList: orderNumbers }, 'confirmOrder');
      return callMarketplace(http, { call: 'confirmOrder', method: 'POST', path: CONFIRM_ORDER_PATH, headers, body, idempotent: false }, confirmReader());
    },

    async updateOrderShipping(request) {
      const body = checked(UpdateOrderShippingRequest, request, 'updateOrderShipping');
      return callMarketplace(
        http,
        { call: 'updateOrderShipping', method: 'POST', path: UPDATE_ORDER_SHIPPING_PATH, headers, body, idempotent: false },
        shippingReader(),
      );
    },

    async bulkUpsertInventory(rows) {
      const body = checked(InventoryBulkUpsertRequest, { inventories: rows }, 'inventories.bulk.upsert');
      // The inventory pages list plain `application/json`; the order API's `; charset=utf-8` form
      // works there too (spec §1.2), so one header set serves both APIs.
      return callMarketplace(
        http,
        { call: 'inventories.bulk.upsert', method: 'POST', path: INVENTORY_BULK_UPSERT_PATH, headers, body, idempotent: false },
        inventoryReader(),
      );
    },
  };
}
