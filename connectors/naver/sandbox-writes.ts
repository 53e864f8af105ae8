import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toKstIsoMillis } from '../../lib/time.js';
import { sendError } from './sandbox-routes.js';
import type { SandboxStore } from './sandbox-store.js';

/** The order-API write routes of the Naver sandbox (spec §3.4, §4, §5), registered under `/external`. */

export const CONFIRM_ROUTE = '/v1/pay-order/seller/product-orders/confirm';
export const DISPATCH_ROUTE = '/v1/pay-order/seller/product-orders/dispatch';
export const ORDER_IDS_ROUTE = '/v1/pay-order/seller/orders/:orderId/product-order-ids';

/**
 * One write the sandbox applied or refused, in the order received. `request` is the number of the
 * write request it came in (1 = the first write request the sandbox received), so tests can tell
 * which call wrote what; item records carry Naver's failure code when refused.
 */
export type NaverSandboxWrite =
  | { kind: 'confirm'; request: number; at: Date; productOrderId: string; ok: boolean; code?: string }
  | {
      kind: 'dispatch';
      request: number;
      at: Date;
      productOrderId: string;
      deliveryCompanyCode: string;
      trackingNumber: string;
      dispatchDate: string;
      ok: boolean;
      code?: string;
    }
  | {
      kind: 'option-stock';
      request: number;
      at: Date;
      originProductNo: string;
      /** Whether `productSalePrice` was sent (the sale price stays as it was when it is not). */
      salePriceSent: boolean;
      /** Every option of the product after the write; `sent` = it was in the request. */
      options: Array<{ id: string; stockQuantity: number; price: number; usable: boolean; sent: boolean }>;
    }
  | { kind: 'multi-update'; request: number; at: Date; originProductNo: string; stockQuantity: number };

/** How the dispatch answer lists successes: documented ids, or the objects one integrator saw (spec §5.1). */
export type DispatchSuccessStyle = 'ids' | 'infos';

/** What the write routes share with the server. */
export interface WriteRouteContext {
  store: SandboxStore;
  now: () => Date;
  traceId: (req: FastifyRequest) => string;
  record: (req: FastifyRequest, write: NaverSandboxWrite) => void;
  writeRequestNo: (req: FastifyRequest) => number;
  dispatchSuccessStyle: () => DispatchSuccessStyle;
  /** Product orders processed but left out of both answer lists (a test hook for "in neither list"). */
  omitFromAnswer: Set<string>;
}

const NAVER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{2}:\d{2})$/;
const MAX_ITEMS = 30;
const CANCEL_CLAIMS = new Set(['CANCEL_REQUEST', 'CANCELING', 'CANCEL_DONE', 'ADMIN_CANCELING', 'ADMIN_CANCEL_DONE']);
const SHIPPED = new Set(['DELIVERING', 'DELIVERED', 'PURCHASE_DECIDED', 'EXCHANGED', 'RETURNED']);

/**
 * Courier codes the sandbox accepts (spec §5.3: the big five, the common domestic ones, QXPRESS,
 * international and 기타택배). Any other code fails with 104119, as `LOTTE` and `LOGEN` do at Naver.
 */
export const SANDBOX_CARRIERS: ReadonlySet<string> = new Set(
  'CJGLS HYUNDAI HANJIN KGB EPOST KDEXP DAESIN ILYANG HDEXP CHUNIL KUNYOUNG CUPARCEL CVSNET KOREXG REGISTPOST GENERALPOST EMS DHL FEDEX UPS USPS TNT QXPRESS CH1 SLX HONAM'.split(' '),
);

/** A tracking number the sandbox takes: 8–30 letters and digits (formats per courier are undocumented, spec §5.3). */
const TRACKING = /^[0-9A-Za-z]{8,30}$/;

const MSG: Record<string, string> = {
  '100001': '상품 주문 정보가 없습니다.',
  '104117': '배송 방법을 변경해 주세요.',
  '104118': '택배사를 입력해 주세요.',
  '104119': '택배사 코드를 확인해 주세요.',
  '104120': '송장 번호를 입력해 주세요.',
  '104122': '유효하지 않은 송장번호입니다.',
  '104131': '상품 주문 번호가 중복되었습니다.',
  '104442': '상품 주문 상태를 확인해 주세요.',
  '104443': '발주 상태를 확인해 주세요.',
  '105306': '변경을 요청한 상태가 기존과 동일합니다.',
  '4000': '잘못된 요청 파라미터입니다.',
};
const fail = (productOrderId: string, code: string) => ({ productOrderId, code, message: MSG[code] ?? '기타 오류가 발생했습니다.' });

function badRequest(ctx: WriteRouteContext, req: FastifyRequest, reply: FastifyReply, name: string, type: string, message: string): FastifyReply {
  return sendError(ctx, req, reply, 400, '4000', `잘못된 요청 파라미터입니다. (${type}.${name})`, [{ name, type, message }]);
}

/** A line that must not be confirmed or dispatched: cancelled, cancel under way, or unpaid (spec §3.6). */
function notShippable(po: Record<string, unknown>): boolean {
  const status = String(po.productOrderStatus);
  return status === 'CANCELED' || status === 'CANCELED_BY_NOPAYMENT' || status === 'PAYMENT_WAITING' || CANCEL_CLAIMS.has(String(po.claimStatus ?? ''));
}

/** Registers confirm, dispatch and the order's id list on `app` (prefixed with `/external`). */
export function registerWriteRoutes(app: FastifyInstance, ctx: WriteRouteContext): void {
  const envelope = (req: FastifyRequest, data: unknown) => ({ timestamp: toKstIsoMillis(ctx.now()), traceId: ctx.traceId(req), data });

  app.get(ORDER_IDS_ROUTE, async (req, reply) => {
    const ids = ctx.store.idsOfOrder((req.params as { orderId: string }).orderId);
    if (ids.length === 0) return sendError(ctx, req, reply, 400, '100003', '주문 정보가 없습니다.');
    return reply.send(envelope(req, ids));
  });

  // Confirm (spec §4): PAYED + NOT_YET (or CANCEL, 발주 확인 해제) → OK without a feed event (spec §13.3);
  // already OK → 104443 (the reading of the integrator who treats it as "already confirmed", UNCERTAIN §13.12);
  // cancelled, cancel requested, unpaid or shipped → 104442; unknown → 100001; an id twice → 104131.
  app.post(CONFIRM_ROUTE, async (req, reply) => {
    const ids = (req.body as { productOrderIds?: unknown } | undefined)?.productOrderIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) return badRequest(ctx, req, reply, 'productOrderIds', 'NotEmpty', '상품 주문 번호를 입력해 주세요.');
    if (ids.length > MAX_ITEMS) return badRequest(ctx, req, reply, 'productOrderIds', 'Size', `상품 주문 번호는 최대 ${MAX_ITEMS}개까지 처리할 수 있습니다.`);
    const request = ctx.writeRequestNo(req);
    const success: Array<{ productOrderId: string; isReceiverAddressChanged: boolean }> = [];
    const failures: Array<{ productOrderId: string; code: string; message: string }> = [];
    const seen = new Set<string>();
    for (const id of ids as string[]) {
      const po = ctx.store.detail([id])[0]?.productOrder;
      let code: string | undefined;
      if (seen.has(id)) code = '104131';
      else if (!po) code = '100001';
      else if (po.placeOrderStatus === 'OK') code = '104443';
      else if (notShippable(po) || po.productOrderStatus !== 'PAYED') code = '104442';
      seen.add(id);
      ctx.record(req, { kind: 'confirm', request, at: ctx.now(), productOrderId: id, ok: code === undefined, ...(code ? { code } : {}) });
      if (code === undefined) ctx.store.confirm(id, ctx.now());
      if (ctx.omitFromAnswer.has(id)) continue;
      if (code) failures.push(fail(id, code));
      else success.push({ productOrderId: id, isReceiverAddressChanged: ctx.store.addressChanged(id) });
    }
    return reply.send(envelope(req, { successProductOrderInfos: success, failProductOrderInfos: failures }));
  });

  // Dispatch (spec §5): per item, in this order — an id twice 104131; unknown 100001; cancelled, cancel
  // requested or unpaid 104442; already dispatched: with this very number 105306 (요청 상태가 기존과 동일:
  // the API reports a repeat as a failure, HTTP 200 ≠ success; the sandbox's reading, the spec does not
  // say), with another number 104442 (no correction through dispatch, spec §5.1); 발주 미확인 (NOT_YET)
  // 104443 (UNCERTAIN §13.5, strict); then method 104117, courier 104118/104119, number 104120/104122.
  app.post(DISPATCH_ROUTE, async (req, reply) => {
    const items = (req.body as { dispatchProductOrders?: unknown } | undefined)?.dispatchProductOrders;
    if (!Array.isArray(items) || items.length === 0) return badRequest(ctx, req, reply, 'dispatchProductOrders', 'NotEmpty', '발송 처리할 상품 주문을 입력해 주세요.');
    if (items.length > MAX_ITEMS) return badRequest(ctx, req, reply, 'dispatchProductOrders', 'Size', `최대 ${MAX_ITEMS}개까지 처리할 수 있습니다.`);
    for (const [i, raw] of items.entries()) {
      const it = raw as Record<string, unknown> | null;
      if (!it || typeof it.productOrderId !== 'string') return badRequest(ctx, req, reply, `dispatchProductOrders[${i}].productOrderId`, 'NotNull', '상품 주문 번호를 입력해 주세요.');
      if (it.dispatchDate !== undefined && (typeof it.dispatchDate !== 'string' || !NAVER_TIME.test(it.dispatchDate))) {
        return badRequest(ctx, req, reply, `dispatchProductOrders[${i}].dispatchDate`, 'Pattern', "yyyy-MM-dd'T'HH:mm:ss.SSSXXX 형식이어야 합니다.");
      }
    }
    const request = ctx.writeRequestNo(req);
    const okIds: string[] = [];
    const failures: Array<{ productOrderId: string; code: string; message: string }> = [];
    const seen = new Set<string>();
    for (const raw of items as Array<Record<string, unknown>>) {
      const id = raw.productOrderId as string;
      const company = typeof raw.deliveryCompanyCode === 'string' ? raw.deliveryCompanyCode : '';
      const tracking = typeof raw.trackingNumber === 'string' ? raw.trackingNumber : '';
      const info = ctx.store.detail([id])[0];
      const po = info?.productOrder;
      const delivery = info?.delivery as { trackingNumber?: string; deliveryCompany?: string } | undefined;
      let code: string | undefined;
      if (seen.has(id)) code = '104131';
      else if (!po) code = '100001';
      else if (notShippable(po)) code = '104442';
      else if (SHIPPED.has(String(po.productOrderStatus))) code = delivery?.trackingNumber === tracking && delivery.deliveryCompany === company ? '105306' : '104442';
      else if (po.productOrderStatus !== 'PAYED') code = '104442';
      else if (po.placeOrderStatus !== 'OK') code = '104443';
      else if (raw.deliveryMethod !== 'DELIVERY') code = '104117';
      else if (company === '') code = '104118';
      else if (!SANDBOX_CARRIERS.has(company)) code = '104119';
      else if (tracking === '') code = '104120';
      else if (!TRACKING.test(tracking)) code = '104122';
      else if (raw.dispatchDate === undefined) code = '4000';
      seen.add(id);
      const dispatchDate = typeof raw.dispatchDate === 'string' ? raw.dispatchDate : '';
      ctx.record(req, { kind: 'dispatch', request, at: ctx.now(), productOrderId: id, deliveryCompanyCode: company, trackingNumber: tracking, dispatchDate, ok: code === undefined, ...(code ? { code } : {}) });
      if (code === undefined) {
        ctx.store.change(
          id,
          {
            lastChangedType: 'DISPATCHED',
            productOrderStatus: 'DELIVERING',
            delivery: { deliveryMethod: 'DELIVERY', deliveryCompany: company, trackingNumber: tracking, sendDate: dispatchDate, deliveryStatus: 'COLLECT_REQUEST', isWrongTrackingNumber: false },
          },
          ctx.now(),
        );
      }
      if (ctx.omitFromAnswer.has(id)) continue;
      if (code) failures.push(fail(id, code));
      else okIds.push(id);
    }
    const success = ctx.dispatchSuccessStyle() === 'infos' ? { successProductOrderInfos: okIds.map((productOrderId) => ({ productOrderId })) } : { successProductOrderIds: okIds };
    return reply.send(envelope(req, { ...success, failProductOrderInfos: failures }));
  });
}
