import type { z } from 'zod';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { toKstIsoMillis } from '../../lib/time.js';
import { callMarketplace, excerpt, parseJson, type AnswerReader, type CallSpec, type HttpAnswer, type HttpContext } from '../shared/http.js';
import type { RecordFailure } from '../shared/order-line.js';
import { parseShape, shapeIssues } from '../shared/shape.js';
import { createTokenManager, type TokenManager } from './auth.js';
import { orderCalls, type NaverOrderCalls } from './client-orders.js';
import { productCalls, type NaverProductCalls } from './client-products.js';
import type { NaverCredentials } from './credentials.js';
import {
  ChangedStatusesAnswer,
  ErrorBody,
  ProductOrderInfo,
  ProductOrdersAnswer,
  TokenAnswer,
} from './schemas.js';

/** Most ids one detail query takes (spec §3.2). */
export const DETAIL_BATCH_MAX = 300;
/** Most rows one feed page holds (spec §3.1: `limitCount` ≤ 300). */
export const FEED_PAGE_MAX = 300;

const TRACE_HEADER = 'gncp-gw-trace-id';
const IP_SENTENCE = "this server's IP is not registered for the application in 커머스API센터";

/** One feed request (spec §3.1). Both ends inclusive, sent in KST with milliseconds. */
export interface FeedQuery {
  /** `lastChangedFrom` (UTC instant; sent as `…+09:00`). On later pages: the previous `moreFrom`. */
  from: Date;
  /** `lastChangedTo`: always sent explicitly and kept fixed across the pages of a window (spec §8.6). */
  to: Date;
  /** The previous page's `more.moreSequence`. */
  moreSequence?: string | undefined;
  /** Page size, 1–300 (default 300 on Naver's side). */
  limitCount?: number | undefined;
}

/** The feed page as validated: rows, the cursor to the next page (absent on the last), and count. */
export type FeedPage = ChangedStatusesAnswer['data'];

/** A detail answer: product orders that passed the schema, and those that did not (by productOrderId). */
export interface DetailAnswer {
  infos: ProductOrderInfo[];
  failures: RecordFailure[];
}

/** What the client is built from: passed in by the connector, nothing global (style.md point 3). */
export interface NaverClientDeps {
  http: HttpContext;
  credentials: NaverCredentials;
  now: () => Date;
}

/**
 * One authenticated call whose HTTP 200 answer is validated by `schema` (anything else becomes an
 * ApiError through {@link naverApiError}); the building block of client-orders.ts and client-products.ts.
 */
export type NaverSend = <S extends z.ZodType>(spec: CallSpec, schema: S) => Promise<z.infer<S>>;

/** The Naver calls of the read side; every request goes through {@link callMarketplace}. */
export interface NaverClient {
  readonly tokens: TokenManager;
  /** `POST v1/oauth2/token` with a prepared form (spec §2.1). Use {@link NaverClient.tokens} instead. */
  requestToken(form: URLSearchParams): Promise<TokenAnswer>;
  /** `GET v1/pay-order/seller/product-orders/last-changed-statuses` (spec §3.1). */
  lastChangedStatuses(query: FeedQuery): Promise<FeedPage>;
  /** `POST v1/pay-order/seller/product-orders/query` for ≤ 300 ids (spec §3.2). */
  queryProductOrders(productOrderIds: string[]): Promise<DetailAnswer>;
}

/**
 * Every Naver call mallbridge makes: the read side ({@link NaverClient}, here), confirm, dispatch
 * and the order-id list (client-orders.ts), the product calls (client-products.ts).
 */
export interface NaverApi extends NaverClient, NaverOrderCalls, NaverProductCalls {}

function header(answer: HttpAnswer, name: string): string | undefined {
  const v = answer.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Turns a refused Naver answer into an ApiError (spec §2.6, §7.1, §7.2). Kinds: 401 `GW.AUTHN` →
 * 'auth'; 403 `GW.IP_NOT_ALLOWED` → 'forbidden' naming the fix; other 403 → 'forbidden' (API group);
 * 404 → 'not_found' (`GW.NOT_FOUND`: no such API at the gateway, so a wrong base URL when it is the
 * token call); 429 → 'rate_limited'; 5xx → 'server'; other 4xx → 'request' keeping Naver's code
 * (`104139`, `4000`…). On the token call (`tokenCall`), every other 4xx is 'auth': the token
 * endpoint's codes for a bad id, signature or timestamp are undocumented (UNCERTAIN, spec §13.8),
 * and all of them mean the credentials were not accepted.
 */
export function naverApiError(call: string, answer: HttpAnswer, tokenCall = false): ApiError {
  const parsed = ErrorBody.safeParse(parseJson(answer.text));
  const body = parsed.success ? parsed.data : undefined;
  const code = body?.code;
  const said = body ? ` (${[code, body.message].filter(Boolean).join(' ')})` : '';
  const status = answer.status;
  const base = { mall: 'naver' as const, call, status, ...(code ? { code } : {}), body: excerpt(answer.text) };
  if (status === 403 && code === 'GW.IP_NOT_ALLOWED') {
    return new ApiError({ ...base, kind: 'forbidden', message: `Naver ${call}: ${IP_SENTENCE} (API호출 IP); add it there${said}` });
  }
  if (status === 429) {
    return new ApiError({ ...base, kind: 'rate_limited', message: `Naver ${call}: rate limit exceeded, still refused after retries${said}` });
  }
  if (status >= 500) {
    return new ApiError({ ...base, kind: 'server', message: `Naver ${call}: server error HTTP ${status}${said}` });
  }
  if (status === 404) {
    const where = tokenCall ? '; the API base URL does not lead to the Naver Commerce API' : '';
    return new ApiError({ ...base, kind: 'not_found', message: `Naver ${call}: not found (HTTP 404${said})${where}` });
  }
  if (tokenCall && status >= 400) {
    return new ApiError({
      ...base,
      kind: 'auth',
      message: `Naver refused the application ID or secret (HTTP ${status}${said}); check both against 커머스API센터`,
    });
  }
  if (status === 401) {
    return new ApiError({
      ...base,
      kind: 'auth',
      message: `Naver ${call}: the access token was refused (HTTP 401${said}); the token may be expired, or the application lacks the API group for this call`,
    });
  }
  if (status === 403) {
    return new ApiError({
      ...base,
      kind: 'forbidden',
      message: `Naver ${call}: access refused (HTTP 403${said}); the application may lack the API group for this call in 커머스API센터`,
    });
  }
  return new ApiError({ ...base, kind: 'request', message: `Naver ${call}: request refused (HTTP ${status}${said})` });
}

/** An answer reader: 200 parsed by `schema`, anything else through {@link naverApiError}; logs the trace id at debug. */
function reader<S extends z.ZodType>(call: string, schema: S, logger: Logger, tokenCall = false): AnswerReader<z.infer<S>> {
  const trace = (answer: HttpAnswer) => logger.debug(`${call}: HTTP ${answer.status}`, { traceId: header(answer, TRACE_HEADER) });
  return {
    isSuccess: (answer) => answer.status === 200,
    ok(answer) {
      trace(answer);
      const json = parseJson(answer.text);
      if (json === undefined) throw new ResponseShapeError({ mall: 'naver', call, issues: [{ path: '', message: 'the body is not JSON' }] });
      return parseShape(schema, json, 'naver', call);
    },
    fail(answer) {
      trace(answer);
      return naverApiError(call, answer, tokenCall);
    },
  };
}

function isGwAuthn(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401 && err.code === 'GW.AUTHN';
}

/** The productOrderId of a detail element as far as it can be read, for failures. */
function elementId(element: unknown, index: number): string {
  const id = (element as { productOrder?: { productOrderId?: unknown } } | null)?.productOrder?.productOrderId;
  return typeof id === 'string' && id ? id : `data[${index}]`;
}

/**
 * Creates the Naver client of one connector (spec §2–§6). Every call goes through the shop's
 * limiter and retry policy; authenticated calls get `Authorization: Bearer`, and on
 * `401 GW.AUTHN` the token is re-issued once and the call retried once (spec §2.3). The retry is
 * safe even for writes: the gateway refuses before the request reaches the order service. Writes
 * (`idempotent: false`) are otherwise repeated only on 429 and on connection errors that prove
 * nothing was sent (connectors/shared/http.ts).
 */
export function createNaverClient(deps: NaverClientDeps): NaverApi {
  const { http } = deps;
  const logger = http.logger;

  async function requestToken(form: URLSearchParams): Promise<TokenAnswer> {
    const spec: CallSpec = {
      call: 'token',
      method: 'POST',
      path: 'v1/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      // Asking twice returns the same token (spec §2.3): safe to repeat.
      idempotent: true,
    };
    return callMarketplace(http, spec, reader('token', TokenAnswer, logger, true));
  }

  const tokens = createTokenManager({ credentials: deps.credentials, requestToken, now: deps.now, logger });

  async function authed<T>(spec: CallSpec, read: AnswerReader<T>): Promise<T> {
    const send = (token: string) =>
      callMarketplace(http, { ...spec, headers: { ...spec.headers, authorization: `Bearer ${token}` } }, read);
    const token = await tokens.token();
    try {
      return await send(token);
    } catch (err) {
      if (!isGwAuthn(err)) throw err;
      logger.info(`${spec.call}: token refused (GW.AUTHN); asking for a new one and retrying once`);
      tokens.invalidate(token);
      return send(await tokens.token());
    }
  }

  const send: NaverSend = (spec, schema) => authed(spec, reader(spec.call, schema, logger));

  return {
    tokens,
    requestToken,
    ...orderCalls(send),
    ...productCalls(send),

    async lastChangedStatuses(query: FeedQuery): Promise<FeedPage> {
      // Always KST with milliseconds: whether UTC `…Z` is accepted is UNCERTAIN (spec §13.9).
      // URLSearchParams percent-encodes `+` as %2B and `:` as %3A (spec §1: `+` must be encoded).
      const searchParams = new URLSearchParams({
        lastChangedFrom: toKstIsoMillis(query.from),
        lastChangedTo: toKstIsoMillis(query.to),
      });
      if (query.moreSequence !== undefined) searchParams.set('moreSequence', query.moreSequence);
      if (query.limitCount !== undefined) searchParams.set('limitCount', String(Math.min(FEED_PAGE_MAX, Math.max(1, query.limitCount))));
      const spec: CallSpec = {
        call: 'last-changed-statuses',
        method: 'GET',
        path: 'v1/pay-order/seller/product-orders/last-changed-statuses',
        searchParams,
        idempotent: true,
      };
      const answer = await authed(spec, reader('last-changed-statuses', ChangedStatusesAnswer, logger));
      return answer.data;
    },

    async queryProductOrders(productOrderIds: string[]): Promise<DetailAnswer> {
      if (productOrderIds.length > DETAIL_BATCH_MAX) {
        throw new RangeError(`queryProductOrders takes at most ${DETAIL_BATCH_MAX} ids, got ${productOrderIds.length}`);
      }
      if (productOrderIds.length === 0) return { infos: [], failures: [] };
      const spec: CallSpec = {
        call: 'product-orders/query',
        method: 'POST',
        path: 'v1/pay-order/seller/product-orders/query',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ productOrderIds, quantityClaimCompatibility: true }),
        idempotent: true,
      };
      const answer = await authed(spec, reader('product-orders/query', ProductOrdersAnswer, logger));
      const infos: ProductOrderInfo[] = [];
      const failures: RecordFailure[] = [];
      answer.data.forEach((element, index) => {
        const result = ProductOrderInfo.safeParse(element);
        if (result.success) {
          infos.push(result.data);
          return;
        }
        const recordId = elementId(element, index);
        const err = new ResponseShapeError({ mall: 'naver', call: 'product-orders/query', issues: shapeIssues(result.error), recordId });
        failures.push({ recordId, reason: err.message });
      });
      return { infos, failures };
    },
  };
}
