import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseOffsetTime, toKstIsoMillis } from '../../lib/time.js';
import { clientSecretSign } from './auth.js';
import { sameText, type SandboxTokens } from './sandbox-gateway.js';
import type { SandboxFeedEvent } from './sandbox-records.js';
import type { SandboxStore } from './sandbox-store.js';

/** The routes of the Naver sandbox (spec §2.1, §3.1, §3.2), registered under `/external`. */

export const TOKEN_ROUTE = '/v1/oauth2/token';
export const FEED_ROUTE = '/v1/pay-order/seller/product-orders/last-changed-statuses';
export const DETAIL_ROUTE = '/v1/pay-order/seller/product-orders/query';

/** What the routes share with the server. */
export interface RouteContext {
  store: SandboxStore;
  tokens: SandboxTokens;
  now: () => Date;
  traceId: (req: FastifyRequest) => string;
  applicationId: string;
  applicationSecret: string;
  /** Product orders the detail query answers wrongly (tests): left out, or with a broken status. */
  detailFaults: Map<string, DetailFault>;
}

/** How the detail query misanswers one product order (a test hook). */
export type DetailFault = 'omit' | 'malformed';

const NAVER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 24 * 3600_000;
const TIMESTAMP_VALID_MS = 5 * 60_000;
const FUTURE_SKEW_MS = 1_000;
const DETAIL_MAX = 300;
const FEED_MAX = 300;

/** Sends `{code, message, timestamp, traceId, invalidInputs?}` with `status` (spec §7.1, §10.6). */
export function sendError(
  ctx: Pick<RouteContext, 'now' | 'traceId'>,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  invalidInputs?: Array<{ name: string; type: string; message: string }>,
): FastifyReply {
  return reply
    .code(status)
    .send({ code, message, timestamp: toKstIsoMillis(ctx.now()), traceId: ctx.traceId(req), ...(invalidInputs ? { invalidInputs } : {}) });
}

function feedRow(e: SandboxFeedEvent): Record<string, unknown> {
  return {
    orderId: e.orderId,
    productOrderId: e.productOrderId,
    lastChangedType: e.lastChangedType,
    lastChangedDate: toKstIsoMillis(e.lastChangedDate),
    paymentDate: toKstIsoMillis(e.paymentDate),
    productOrderStatus: e.productOrderStatus,
    ...(e.claimType ? { claimType: e.claimType, claimStatus: e.claimStatus } : {}),
    receiverAddressChanged: e.receiverAddressChanged,
  };
}

/**
 * Registers the token, feed and detail routes on `app` (already prefixed with `/external`).
 * Authentication, IP and rate checks happen in the server's hooks, before these run.
 */
export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const envelope = (req: FastifyRequest, data: unknown) => ({ timestamp: toKstIsoMillis(ctx.now()), traceId: ctx.traceId(req), data });

  // Token (spec §2.1–§2.4). Error codes of this endpoint are undocumented (UNCERTAIN, spec §13.8):
  // the sandbox answers 400 `BAD_REQUEST` with `<field> 항목이 유효하지 않습니다.` and invalidInputs,
  // the wording integrators quote. A JSON body fails like a missing client_id (spec §2.7).
  app.post(TOKEN_ROUTE, async (req, reply) => {
    const invalid = (name: string) =>
      sendError(ctx, req, reply, 400, 'BAD_REQUEST', `${name} 항목이 유효하지 않습니다.`, [{ name, type: 'Invalid', message: `${name} 항목이 유효하지 않습니다.` }]);
    const isForm = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const form = isForm && req.body && typeof req.body === 'object' ? (req.body as Record<string, string>) : {};
    if (form.client_id !== ctx.applicationId) return invalid('client_id');
    if (form.grant_type !== 'client_credentials') return invalid('grant_type');
    // The sandbox application is an own-store app: type SELF only, and SELF takes no account_id (spec §2.1).
    if (form.type !== 'SELF') return invalid('type');
    if (form.account_id !== undefined) return invalid('account_id');
    const ts = /^\d{1,15}$/.test(form.timestamp ?? '') ? Number(form.timestamp) : NaN;
    const nowMs = ctx.now().getTime();
    if (!Number.isFinite(ts) || nowMs - ts > TIMESTAMP_VALID_MS || ts - nowMs > FUTURE_SKEW_MS) return invalid('timestamp');
    const expected = clientSecretSign(ctx.applicationId, ctx.applicationSecret, ts);
    if (!sameText(expected, form.client_secret_sign ?? '')) return invalid('client_secret_sign');
    const issued = ctx.tokens.issue(ctx.now());
    return reply.send({ access_token: issued.accessToken, expires_in: issued.expiresIn, token_type: 'Bearer' });
  });

  // Change feed (spec §3.1).
  app.get(FEED_ROUTE, async (req, reply) => {
    const query = req.query as Record<string, string | string[] | undefined>;
    const bad = (name: string, type: string, message: string) =>
      sendError(ctx, req, reply, 400, '4000', `잘못된 요청 파라미터입니다. (${type}.${name})`, [{ name, type, message }]);
    const one = (name: string): string | undefined => {
      const v = query[name];
      return Array.isArray(v) ? v[v.length - 1] : v;
    };
    const rawFrom = one('lastChangedFrom');
    if (rawFrom === undefined || rawFrom === '') return bad('lastChangedFrom', 'NotNull', 'lastChangedFrom은 필수입니다.');
    const from = NAVER_TIME.test(rawFrom) ? parseOffsetTime(rawFrom) : undefined;
    if (!from) return bad('lastChangedFrom', 'Pattern', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX 형식이어야 합니다.");
    const rawTo = one('lastChangedTo');
    const now = ctx.now();
    let to: Date;
    if (rawTo === undefined || rawTo === '') {
      // Omitted = from + 24 h (spec §3.1); the sandbox does not list changes it has not "seen" yet.
      to = new Date(Math.min(from.getTime() + DAY_MS, now.getTime()));
    } else {
      const parsed = NAVER_TIME.test(rawTo) ? parseOffsetTime(rawTo) : undefined;
      if (!parsed) return bad('lastChangedTo', 'Pattern', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX 형식이어야 합니다.");
      to = parsed;
    }
    // A future end (S-LIVE2) and, in the sandbox, an explicit range over 24 h (UNCERTAIN, spec §13.1:
    // the strict reading, so a client that does not split is caught) are refused with 104139.
    if (to.getTime() > now.getTime() || to.getTime() < from.getTime() || to.getTime() - from.getTime() > DAY_MS) {
      return sendError(ctx, req, reply, 400, '104139', '조회 가능한 날짜 범위를 초과했습니다.');
    }
    const rawLimit = one('limitCount');
    let limit = FEED_MAX;
    if (rawLimit !== undefined) {
      if (!/^\d+$/.test(rawLimit) || Number(rawLimit) < 1) return bad('limitCount', 'Min', 'limitCount는 1 이상이어야 합니다.');
      limit = Math.min(FEED_MAX, Number(rawLimit));
    }
    const slice = ctx.store.feed({ from, to, moreSequence: one('moreSequence') || undefined, limit, type: one('lastChangedType') || undefined });
    return reply.send(
      envelope(req, {
        lastChangeStatuses: slice.rows.map(feedRow),
        ...(slice.more ? { more: { moreFrom: toKstIsoMillis(slice.more.moreFrom), moreSequence: slice.more.moreSequence } } : {}),
        count: slice.rows.length,
      }),
    );
  });

  // Product-order detail (spec §3.2): ≤ 300 ids, unknown ids left out, and the found ones in a
  // different order than asked (reversed), so a client matching by position shows its bug.
  app.post(DETAIL_ROUTE, async (req, reply) => {
    const body = req.body as { productOrderIds?: unknown; quantityClaimCompatibility?: unknown } | undefined;
    const ids = body?.productOrderIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
      return sendError(ctx, req, reply, 400, '4000', '잘못된 요청 파라미터입니다. (NotEmpty.productOrderIds)', [
        { name: 'productOrderIds', type: 'NotEmpty', message: '상품 주문 번호를 입력해 주세요.' },
      ]);
    }
    if (ids.length > DETAIL_MAX) {
      return sendError(ctx, req, reply, 400, '4000', '잘못된 요청 파라미터입니다. (Size.productOrderIds)', [
        { name: 'productOrderIds', type: 'Size', message: `상품 주문 번호는 최대 ${DETAIL_MAX}개까지 조회할 수 있습니다.` },
      ]);
    }
    const found = ctx.store
      .detail(ids as string[])
      .reverse()
      .filter((info) => ctx.detailFaults.get(String(info.productOrder.productOrderId)) !== 'omit');
    for (const info of found) {
      if (ctx.detailFaults.get(String(info.productOrder.productOrderId)) === 'malformed') info.productOrder.productOrderStatus = 'NOT_A_STATUS';
    }
    if (body?.quantityClaimCompatibility !== true) {
      // Without the flag the quantity-claim fields are not part of the answer (spec §3.2).
      for (const info of found) {
        delete info.productOrder.initialQuantity;
        delete info.productOrder.remainQuantity;
      }
    }
    return reply.send(envelope(req, found));
  });
}
