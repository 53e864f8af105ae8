/**
 * HTTP calls to the RakutenPay order API (read side): `searchOrder` and `getOrder`, each through
 * `callMarketplace` (one limiter, one retry policy). Nothing here maps or pages; see index.ts.
 */
import { ApiError, ResponseShapeError, type ApiErrorKind } from '../../lib/errors.js';
import { callMarketplace, excerpt, notJsonText, parseJson, type AnswerReader, type HttpAnswer, type HttpContext } from '../shared/http.js';
import { parseShape } from '../shared/shape.js';
import {
  GatewayError,
  GetOrderRequest,
  GetOrderResponse,
  MessageModelList,
  SearchOrderRequest,
  SearchOrderResponse,
  type MessageModel,
} from './schemas.js';

/** Paths relative to the shop's base URL; the official endpoints end in `/` (spec §1.2). */
export const SEARCH_ORDER_PATH = 'es/2.0/order/searchOrder/';
export const GET_ORDER_PATH = 'es/2.0/order/getOrder/';

/** getOrder `version`: 10 is the latest (social gift); ≥ 7 is needed for `SkuModelList` (spec §3.1). */
export const GET_ORDER_VERSION = 10;
/** searchOrder page size limit (spec §2.1). */
export const MAX_PAGE_SIZE = 1000;
/** getOrder batch limit (spec §3.1). */
export const MAX_GET_ORDER_BATCH = 100;
/** Hits one searchOrder can reach; orders past it cannot be fetched (spec §2.2). */
export const MAX_SEARCH_HITS = 15_000;

/** What a seller reads when Rakuten answers ES01-01 (spec §1.4, §6.2 pitfall 16). */
export const LICENCE_KEY_SENTENCE =
  'licence key invalid or expired, or serviceSecret and licenseKey do not belong together — check both in RMS (WEB APIサービス) and issue a new licence key if it expired; a newly issued key can take 10–30 minutes to start working';

/** What a seller reads when Rakuten answers ES04-01 (spec §1.4, pitfall 17). */
export const FUNCTION_DISABLED_SENTENCE =
  'API function not enabled for this licence key, or the key is not active yet — in RMS (WEB APIサービス > 利用設定 > 利用機能編集) enable RakutenPay_OrderAPI (全て選択); a newly issued key can take 10–30 minutes to start working';

/** What an operator reads when Rakuten refuses the Content-Type (spec §1.2, ES04-03 / HTTP 415). */
export const CONTENT_TYPE_SENTENCE =
  'Rakuten refused the request Content-Type (ES04-03 Unsupported Media Type): the order API needs exactly `application/json; charset=utf-8`';

const MALL = 'rakuten' as const;

/** True for an entry whose `messageType` is ERROR (any case). */
export function isErrorEntry(m: MessageModel): boolean {
  return m.messageType.toUpperCase() === 'ERROR';
}

/** The MessageModelList of any JSON body, or [] when it has none or a malformed one. */
export function messagesOf(body: unknown): MessageModel[] {
  if (typeof body !== 'object' || body === null) return [];
  const parsed = MessageModelList.safeParse((body as Record<string, unknown>).MessageModelList);
  return parsed.success ? parsed.data : [];
}

function kindByStatus(status: number): ApiErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'request';
}

/**
 * Turns a refused order-API answer into an ApiError (spec §1.3, §1.4):
 * - a gateway body `{Results: {errorCode}}`: ES01-01 → `auth` with {@link LICENCE_KEY_SENTENCE};
 *   ES04-01 → `forbidden` with {@link FUNCTION_DISABLED_SENTENCE}; ES04-03 → `request` naming the
 *   Content-Type; any other code by its HTTP status;
 * - HTTP 415 without a gateway body → `request` naming the Content-Type;
 * - ERROR entries in `MessageModelList` (HTTP 400, or 200) → `request` with the first code and message;
 * - otherwise by HTTP status (429 `rate_limited`, 5xx `server`, 401 `auth`, 403 `forbidden`, 404 `not_found`).
 */
export function rakutenFailure(call: string, answer: HttpAnswer): ApiError {
  // The HTTP status of gateway errors is UNCERTAIN (spec §10 item 2: ES01-01 "probably" 401,
  // ES04-01 "probably" 400): classify by `errorCode` first, by status only without one.
  const body = parseJson(answer.text);
  const base = { mall: MALL, call, status: answer.status, body: excerpt(answer.text) };
  const gateway = GatewayError.safeParse(body);
  if (gateway.success) {
    const code = gateway.data.Results.errorCode;
    const text = gateway.data.Results.message ?? '';
    if (code === 'ES01-01') return new ApiError({ ...base, kind: 'auth', code, message: LICENCE_KEY_SENTENCE });
    if (code === 'ES04-01') return new ApiError({ ...base, kind: 'forbidden', code, message: FUNCTION_DISABLED_SENTENCE });
    if (code === 'ES04-03') return new ApiError({ ...base, kind: 'request', code, message: CONTENT_TYPE_SENTENCE });
    return new ApiError({
      ...base,
      kind: kindByStatus(answer.status),
      code,
      message: `rakuten ${call}: gateway error ${code}${text ? ` ${text}` : ''} (HTTP ${answer.status})`,
    });
  }
  // ES04-03 comes from a single source (UNCERTAIN): a 415 in any other shape means the same thing.
  if (answer.status === 415) return new ApiError({ ...base, kind: 'request', code: 'ES04-03', message: CONTENT_TYPE_SENTENCE });
  const errors = messagesOf(body).filter(isErrorEntry);
  const first = errors[0];
  if (first && answer.status < 500 && answer.status !== 429) {
    const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    return new ApiError({
      ...base,
      kind: answer.status === 404 ? 'not_found' : 'request',
      code: first.messageCode,
      message: `rakuten ${call}: ${first.messageCode} ${first.message ?? ''}`.trimEnd() + more,
    });
  }
  const kind = kindByStatus(answer.status);
  if (kind === 'auth') return new ApiError({ ...base, kind, message: LICENCE_KEY_SENTENCE });
  return new ApiError({ ...base, kind, message: `rakuten ${call}: unexpected answer HTTP ${answer.status}: ${excerpt(answer.text)}` });
}

/**
 * The AnswerReader of an order-API call. Success = HTTP 200 (or one of `statuses`), no gateway
 * error, and no ERROR entry in `MessageModelList` (checked per entry even on 200, spec §1.3).
 * With `perOrderErrors`, ERROR entries that name an `orderNumber` are left to `read` (they concern
 * one order, not the call). INFO entries such as INFO_102 "no hits" / "not found" are never errors.
 */
export function orderApiReader<T>(call: string, read: (body: unknown) => T, perOrderErrors: boolean, statuses: readonly number[] = [200]): AnswerReader<T> {
  return {
    isSuccess(answer) {
      if (!statuses.includes(answer.status)) return false;
      const body = parseJson(answer.text);
      // ok() throws ResponseShapeError on a garbled 200: a read is retried, a write is `unknown`.
      if (body === undefined) return answer.status === 200;
      if (GatewayError.safeParse(body).success) return false;
      const errors = messagesOf(body).filter(isErrorEntry);
      return errors.every((m) => perOrderErrors && typeof m.orderNumber === 'string' && m.orderNumber !== '');
    },
    ok(answer) {
      const body = parseJson(answer.text);
      if (body === undefined) {
        throw new ResponseShapeError({ mall: MALL, call, issues: [{ path: '', message: notJsonText(answer.text) }] });
      }
      return read(body);
    },
    fail(answer) {
      return rakutenFailure(call, answer);
    },
  };
}

/** A per-order message of a getOrder answer. */
export interface OrderMessage {
  orderNumber: string;
  code: string;
  message: string;
}

/** What one getOrder call gave: the raw orders (parsed one by one later), and the per-order messages. */
export interface GetOrderResult {
  /** `OrderModelList` entries, not yet validated (see schemas.ts `OrderModel`). */
  orders: unknown[];
  /** INFO_102 entries with an `orderNumber`: asked for and not returned (spec §3.2). */
  notFound: OrderMessage[];
  /** ERROR entries with an `orderNumber`: this order failed, the others did not. */
  orderErrors: OrderMessage[];
}

/** The read side of the RakutenPay order API for one shop. */
export interface RakutenClient {
  /**
   * POST `es/2.0/order/searchOrder/` (spec §2): one page of order numbers.
   *
   * @param request dates as `YYYY-MM-DDThh:mm:ss+0900` (JST, `toRakutenDatetime`), window ≤ 63 days.
   * @returns the answer with `orderNumberList` ([] with 0 hits) and nullable pagination fields.
   * @throws ApiError (`auth` ES01-01, `forbidden` ES04-01, `request` ERROR entries / ES04-03,
   *   `rate_limited`/`server`/`network` after retries); ResponseShapeError after retries.
   * @throws RangeError when `request` breaks the documented limits (a bug of the caller).
   */
  searchOrder(request: SearchOrderRequest): Promise<SearchOrderResponse>;
  /**
   * POST `es/2.0/order/getOrder/` with `version` 10 (spec §3): the full orders.
   *
   * @param orderNumbers 1 to 100 order numbers.
   * @throws as {@link RakutenClient.searchOrder}; ERROR entries naming an order are returned in
   *   `orderErrors`, not thrown.
   */
  getOrder(orderNumbers: string[]): Promise<GetOrderResult>;
}

function checked<S extends typeof SearchOrderRequest | typeof GetOrderRequest>(schema: S, value: unknown, call: string): string {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new RangeError(`rakuten ${call}: request breaks the API limits at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  // JSON.stringify leaves non-ASCII as raw characters, never \u escapes: whether escapes really
  // fail is UNCERTAIN (spec §1.2, one source), raw UTF-8 is harmless, so that is what we send
  // (got encodes the string as UTF-8).
  return JSON.stringify(value);
}

function orderMessage(m: MessageModel): OrderMessage {
  return { orderNumber: m.orderNumber ?? '', code: m.messageCode, message: m.message ?? '' };
}

/**
 * Builds the client of one shop from what its caller passes in (style.md point 3): the got
 * instance (prefixUrl = the shop's base URL, timeout set), the limiter, the logger and retry
 * policy in `http`, and the request headers from auth.ts.
 */
export function createRakutenClient(http: HttpContext, headers: Record<string, string>): RakutenClient {
  return {
    async searchOrder(request) {
      const body = checked(SearchOrderRequest, request, 'searchOrder');
      return callMarketplace(
        http,
        { call: 'searchOrder', method: 'POST', path: SEARCH_ORDER_PATH, headers, body, idempotent: true },
        orderApiReader('searchOrder', (json) => parseShape(SearchOrderResponse, json, MALL, 'searchOrder'), false),
      );
    },

    async getOrder(orderNumbers) {
      const body = checked(GetOrderRequest, { orderNumberList: orderNumbers, version: GET_ORDER_VERSION }, 'getOrder');
      return callMarketplace(
        http,
        { call: 'getOrder', method: 'POST', path: GET_ORDER_PATH, headers, body, idempotent: true },
        orderApiReader(
          'getOrder',
          (json) => {
            const answer = parseShape(GetOrderResponse, json, MALL, 'getOrder');
            const withOrder = answer.MessageModelList.filter((m) => typeof m.orderNumber === 'string' && m.orderNumber !== '');
            for (const m of answer.MessageModelList) {
              if (m.messageType.toUpperCase() === 'WARNING') http.logger.warn(`getOrder: ${m.messageCode} ${m.message ?? ''}`.trimEnd());
            }
            return {
              orders: answer.OrderModelList ?? [],
              notFound: withOrder.filter((m) => m.messageType.toUpperCase() === 'INFO' && m.messageCode.endsWith('_INFO_102')).map(orderMessage),
              orderErrors: withOrder.filter(isErrorEntry).map(orderMessage),
            };
          },
          true,
        ),
      );
    },
  };
}
