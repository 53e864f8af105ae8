import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { toKstIsoMillis } from '../../lib/time.js';
import { trackingKey, type TrackingTarget, type WriteResult } from '../shared/exports.js';
import { DISPATCH_BATCH_MAX } from './client-orders.js';
import { confirmLines } from './export-confirm.js';
import { callFailure, notSent, targetResult, type CallFailure, type ItemOutcome } from './export-results.js';
import { lineStateOf } from './mapper.js';
import { SHIPPED_STATUSES, readProductOrders, sameTrackingNumber, type SinkDeps } from './remote-state.js';
import type { DispatchItem, ProductOrderInfo } from './schemas.js';
import { chunks } from './windows.js';

/** Codes after which sending the same dispatch again cannot help (spec §5.1, §7.2). */
const DISPATCH_PERMANENT = new Set(['100001', '101009', '104116', '104117', '104118', '104119', '104120', '104121', '104122', '104131', '105308', '4000']);

/** State codes (spec §7.2: 상품 주문 상태 / 발주 상태 확인 필요, 요청 상태 동일): decided by reading the line back. */
const STATE_CODES = new Set(['104442', '104443', '105306']);

/** Codes other marketplaces use that Naver does not have (spec §5.3, §8.3). */
const NOT_NAVER_CARRIERS: Record<string, string> = { LOTTE: 'HYUNDAI (롯데택배)', LOGEN: 'KGB (로젠택배)' };

/** One product order to dispatch. */
interface Line {
  id: string;
  orderId: string;
  item: DispatchItem;
  /** 추가구성상품: dispatched after the main products of its order (spec §5.1). */
  addOn: boolean;
  seq: number;
}

/**
 * True when `productClass` names an add-on (추가구성상품). Its values are free text (UNCERTAIN,
 * spec §3.5): anything containing 추가 counts as an add-on; anything else (or nothing) as a main product.
 */
export function isAddOn(productClass: string | null | undefined): boolean {
  return (productClass ?? '').includes('추가');
}

/**
 * The sending order (pure): orders in the order they first appear (by `seq`), and within an order
 * the main products before the add-ons (spec §5.1, §8.11), otherwise by `seq`.
 */
export function dispatchOrder<T extends { orderId: string; addOn: boolean; seq: number }>(lines: T[]): T[] {
  const bySeq = [...lines].sort((a, b) => a.seq - b.seq);
  const rank = new Map<string, number>();
  for (const l of bySeq) if (!rank.has(l.orderId)) rank.set(l.orderId, rank.size);
  return bySeq.sort((a, b) => rank.get(a.orderId)! - rank.get(b.orderId)! || Number(a.addOn) - Number(b.addOn) || a.seq - b.seq);
}

/** Why a target cannot be sent at all (permanent), or undefined. */
function targetProblem(t: TrackingTarget): ItemOutcome | undefined {
  const carrier = t.carrierCode.trim();
  if (t.trackingNumber.trim() === '') return { outcome: 'failed', permanent: true, code: '104120', message: 'no tracking number (송장 번호 미입력); not sent' };
  if (carrier === '') return { outcome: 'failed', permanent: true, code: '104118', message: 'no carrier code (택배사 미입력); not sent' };
  if (NOT_NAVER_CARRIERS[carrier.toUpperCase()]) {
    return { outcome: 'failed', permanent: true, code: '104119', message: `carrier code ${carrier} does not exist at Naver: use ${NOT_NAVER_CARRIERS[carrier.toUpperCase()]} (spec §5.3); not sent` };
  }
  if (Number.isNaN(t.shippedAt.getTime())) return { outcome: 'failed', permanent: true, code: 'INVALID_TARGET', message: 'shippedAt is not a valid time; not sent' };
  return undefined;
}

/**
 * What the line's current state says before sending (design.md §6: read the marketplace's state
 * first): done when Naver already has this tracking number; failed when it has another one (no
 * correction API was found — UNCERTAIN, spec §5.1, §13.13: the safe reading is that corrections are
 * manual in Seller Center, so nothing is sent), when the line is cancelled or a cancellation is under
 * way (spec §3.6, §8.10), or not paid; undefined when it may be sent.
 */
function stateBeforeSending(info: ProductOrderInfo, line: Line): ItemOutcome | undefined {
  const po = info.productOrder;
  const d = info.delivery;
  if (SHIPPED_STATUSES.has(po.productOrderStatus) || (d?.trackingNumber ?? '') !== '') {
    if (sameTrackingNumber(d?.trackingNumber, line.item.trackingNumber)) {
      return { outcome: 'done', permanent: false, code: 'ALREADY_DISPATCHED', message: 'Naver already has this tracking number; not sent again' };
    }
    const has = d?.trackingNumber ? `${d.deliveryCompany ?? ''} ${d.trackingNumber}`.trim() : `status ${po.productOrderStatus}`;
    return { outcome: 'failed', permanent: true, code: 'ALREADY_DISPATCHED', message: `already dispatched at Naver with ${has}; Naver has no API to correct a tracking number: correct it in Seller Center` };
  }
  if (lineStateOf(po) === 'cancelled') {
    const claim = po.claimStatus ? `${po.claimType ?? ''}/${po.claimStatus}` : po.productOrderStatus;
    return { outcome: 'failed', permanent: true, code: 'CANCELLED', message: `cancelled at Naver or a cancellation is under way (${claim}); not dispatched` };
  }
  if (po.productOrderStatus === 'PAYMENT_WAITING') return { outcome: 'failed', permanent: false, code: 'NOT_PAID', message: 'not paid yet (PAYMENT_WAITING); not dispatched' };
  return undefined;
}

/** Reads back lines refused with a state code: done if Naver shows our number, else failed with the reason. */
async function readBack(deps: SinkDeps, refused: Map<Line, { code: string; message: string }>, out: Map<string, ItemOutcome>): Promise<void> {
  if (refused.size === 0) return;
  let infos: Map<string, ProductOrderInfo>;
  try {
    ({ infos } = await readProductOrders(deps.api, [...refused.keys()].map((l) => l.id)));
  } catch (err) {
    if (!(err instanceof ApiError || err instanceof ResponseShapeError)) throw err;
    for (const [l, r] of refused) out.set(l.id, { outcome: 'unknown', permanent: false, code: r.code, message: `Naver answered ${r.code} and reading the line back failed (${err.message})` });
    return;
  }
  for (const [l, r] of refused) {
    const said = `Naver ${r.code} ${r.message}`.trim();
    const info = infos.get(l.id);
    const now = info ? stateBeforeSending(info, l) : undefined;
    if (!info) out.set(l.id, { outcome: 'unknown', permanent: false, code: r.code, message: `${said}; the line could not be read back` });
    else if (now) out.set(l.id, { ...now, message: `${now.message} (${said})` });
    else out.set(l.id, { outcome: 'failed', permanent: false, code: r.code, message: said });
  }
}

/** Sends the lines in calls of ≤ 30 and reads each item's outcome from the answer body (spec §5.1). */
async function dispatchLines(deps: SinkDeps, lines: Line[], out: Map<string, ItemOutcome>): Promise<void> {
  const refused = new Map<Line, { code: string; message: string }>();
  let stopped: CallFailure | undefined;
  for (const batch of chunks(dispatchOrder(lines), DISPATCH_BATCH_MAX)) {
    if (stopped) {
      for (const l of batch) out.set(l.id, notSent(stopped));
      continue;
    }
    let data;
    try {
      data = await deps.api.dispatchProductOrders(batch.map((l) => l.item));
    } catch (err) {
      const failure = callFailure(err);
      for (const l of batch) out.set(l.id, failure);
      if (failure.stop) stopped = failure;
      continue;
    }
    // The success list is documented as ids; one integrator saw objects (spec §5.1): read both.
    const ok = new Set([...(data.successProductOrderIds ?? []), ...(data.successProductOrderInfos ?? []).map((s) => s.productOrderId)]);
    const no = new Map((data.failProductOrderInfos ?? []).map((f) => [f.productOrderId, f]));
    for (const l of batch) {
      const f = no.get(l.id);
      if (ok.has(l.id) && f) out.set(l.id, { outcome: 'unknown', permanent: false, message: 'Naver listed this product order as both dispatched and refused' });
      else if (ok.has(l.id)) out.set(l.id, { outcome: 'done', permanent: false });
      else if (f && STATE_CODES.has(f.code ?? '')) refused.set(l, { code: f.code!, message: f.message ?? '' });
      else if (f) out.set(l.id, { outcome: 'failed', permanent: DISPATCH_PERMANENT.has(f.code ?? ''), ...(f.code ? { code: f.code } : {}), message: `Naver ${f.code ?? ''} ${f.message ?? ''}`.trim() });
      else out.set(l.id, { outcome: 'unknown', permanent: false, message: "Naver's answer lists this product order in neither the success nor the failure list" });
    }
  }
  await readBack(deps, refused, out);
}

/**
 * `ExportSink.sendTracking` for Naver (발송처리, spec §5). Per target, its `mallLineIds` get
 * `deliveryMethod DELIVERY`, `deliveryCompanyCode = carrierCode`, the tracking number and
 * `dispatchDate` = `shippedAt` in KST with milliseconds (never later than now). Steps:
 * 1. targets without a tracking number or carrier, or with a carrier code Naver lacks, fail permanently;
 *    a line named by two targets with different numbers fails in the later one;
 * 2. the lines are read first (`product-orders/query`): already dispatched with this number → done
 *    without sending; with another number, cancelled, cancel requested or unpaid → failed, not sent;
 *    lines still 발주 미확인 (NOT_YET) are confirmed first: whether dispatch works on NOT_YET lines is
 *    UNCERTAIN (spec §5.1, §13.5; 104443 suggests a check), and the spec's safe reading is "confirm
 *    first" — a parcel that left the warehouse is confirmed by definition, so this is done even for
 *    shops without auto-confirm;
 * 3. the rest is dispatched in calls of ≤ 30 items, each order's main products before its add-ons;
 *    success read from `successProductOrderIds` or `successProductOrderInfos`, a line in neither
 *    list is `unknown`; refusals with a state code (104442/104443/105306) are read back, so a repeat
 *    of a dispatch that already went through is `done`.
 * Never resent on 5xx or a lost answer (`unknown`); one result per target keyed `mallOrderId/`.
 * If the first read fails, nothing is sent and every target fails (not permanently).
 */
export async function sendTrackingTargets(deps: SinkDeps, targets: TrackingTarget[]): Promise<WriteResult[]> {
  const perTarget = targets.map(() => new Map<string, ItemOutcome>());
  const out = new Map<string, ItemOutcome>();
  const owner = new Map<string, Line>();
  const lines: Line[] = [];
  const nowMs = deps.now().getTime();
  targets.forEach((t, i) => {
    const problem = targetProblem(t);
    for (const id of new Set(t.mallLineIds.map((x) => x.trim()).filter((x) => x !== ''))) {
      if (problem) {
        perTarget[i]!.set(id, problem);
        continue;
      }
      const first = owner.get(id);
      if (first && !(sameTrackingNumber(first.item.trackingNumber, t.trackingNumber) && first.item.deliveryCompanyCode === t.carrierCode.trim())) {
        perTarget[i]!.set(id, { outcome: 'failed', permanent: true, code: '104131', message: `also in parcel ${first.orderId} with ${first.item.trackingNumber}: a product order takes one tracking number; not sent` });
        continue;
      }
      if (first) continue; // the same number twice: shares the first one's outcome
      const item: DispatchItem = {
        productOrderId: id,
        deliveryMethod: 'DELIVERY',
        deliveryCompanyCode: t.carrierCode.trim(),
        trackingNumber: t.trackingNumber.trim(),
        dispatchDate: toKstIsoMillis(new Date(Math.min(t.shippedAt.getTime(), nowMs))),
      };
      const line: Line = { id, orderId: t.mallOrderId, item, addOn: false, seq: lines.length };
      owner.set(id, line);
      lines.push(line);
    }
  });

  const toSend: Line[] = [];
  const toConfirm: Line[] = [];
  if (lines.length > 0) {
    let infos: Map<string, ProductOrderInfo> | undefined;
    try {
      ({ infos } = await readProductOrders(deps.api, lines.map((l) => l.id)));
    } catch (err) {
      if (!(err instanceof ApiError || err instanceof ResponseShapeError)) throw err;
      for (const l of lines) out.set(l.id, { outcome: 'failed', permanent: false, code: (err as ApiError).code, message: `not sent: reading the product orders first failed (${err.message})` });
    }
    for (const l of infos ? lines : []) {
      const info = infos!.get(l.id);
      // A line Naver did not return is sent anyway: its answer (e.g. 100001) says what is wrong.
      const before = info ? stateBeforeSending(info, l) : undefined;
      if (before) out.set(l.id, before);
      else if (info?.productOrder.productOrderStatus === 'PAYED' && info.productOrder.placeOrderStatus === 'NOT_YET') toConfirm.push(l);
      else toSend.push(l);
      if (info) l.addOn = isAddOn(info.productOrder.productClass);
    }
  }
  if (toConfirm.length > 0) {
    deps.logger.info(`dispatch: confirming ${toConfirm.length} product order(s) first (발주확인; they were still NOT_YET)`);
    const confirmed = await confirmLines(deps, toConfirm.map((l) => ({ productOrderId: l.id, orderId: l.orderId })));
    for (const l of toConfirm) {
      const c = confirmed.get(l.id)!;
      if (c.outcome === 'done') toSend.push(l);
      else out.set(l.id, { outcome: 'failed', permanent: c.permanent, code: c.code, message: `not dispatched: confirming it first (발주확인) did not succeed (${c.message ?? c.outcome})` });
    }
  }
  await dispatchLines(deps, toSend, out);

  return targets.map((t, i) => {
    const ids = [...new Set(t.mallLineIds.map((x) => x.trim()).filter((x) => x !== ''))];
    return targetResult(trackingKey(t), ids.map((id) => [id, perTarget[i]!.get(id) ?? out.get(id)!]));
  });
}
