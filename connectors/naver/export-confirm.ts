import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { ConfirmTarget, WriteResult } from '../shared/exports.js';
import { CONFIRM_BATCH_MAX } from './client-orders.js';
import { callFailure, notSent, targetResult, type CallFailure, type ItemOutcome } from './export-results.js';
import { lineStateOf } from './mapper.js';
import { isConfirmedAtNaver, readProductOrders, type SinkDeps } from './remote-state.js';
import { chunks, detailBatches, type FeedId } from './windows.js';

/** Codes after which confirming again cannot help (spec §4, §7.2): unknown, not ours, direct contract, wrong state, duplicate, bad request. */
const CONFIRM_PERMANENT = new Set(['100001', '101009', '101011', '104442', '104131', '4000']);

/**
 * Codes that may mean "already confirmed": `104443` 발주 상태 확인 필요 (one integrator treats it as
 * idempotent success) and `105306` 요청 상태가 기존과 동일. UNCERTAIN (spec §4, §13.12): instead of
 * trusting the code, the line is read back and counted done only when Naver shows it confirmed.
 */
export const MAYBE_ALREADY_CONFIRMED = new Set(['104443', '105306']);

const ADDRESS_CHANGED = 'the buyer changed the delivery address: read the order again before printing a label (isReceiverAddressChanged)';

function unique(ids: string[]): string[] {
  return [...new Set(ids.map((id) => id.trim()).filter((id) => id !== ''))];
}

/**
 * Reads back lines Naver refused with a "maybe already confirmed" code: done when Naver shows
 * them confirmed, failed otherwise (permanent when cancelled), unknown when they cannot be read.
 */
async function verifyConfirmed(deps: SinkDeps, refused: Map<string, { code: string; message: string }>, out: Map<string, ItemOutcome>): Promise<void> {
  if (refused.size === 0) return;
  let infos;
  try {
    ({ infos } = await readProductOrders(deps.api, [...refused.keys()]));
  } catch (err) {
    if (!(err instanceof ApiError || err instanceof ResponseShapeError)) throw err;
    for (const [id, r] of refused) out.set(id, { outcome: 'unknown', permanent: false, code: r.code, message: `Naver answered ${r.code} and reading the line back failed (${err.message})` });
    return;
  }
  for (const [id, r] of refused) {
    const info = infos.get(id);
    const said = `Naver ${r.code} ${r.message}`.trim();
    if (!info) out.set(id, { outcome: 'unknown', permanent: false, code: r.code, message: `${said}; the line could not be read back` });
    else if (isConfirmedAtNaver(info.productOrder)) out.set(id, { outcome: 'done', permanent: false, code: r.code, message: `already confirmed (${said})` });
    else if (lineStateOf(info.productOrder) === 'cancelled') out.set(id, { outcome: 'failed', permanent: true, code: r.code, message: `cancelled at Naver (${said})` });
    else out.set(id, { outcome: 'failed', permanent: false, code: r.code, message: said });
  }
}

/**
 * Confirms (발주확인) product orders in calls of ≤ 30 ids (spec §4), an order's lines together
 * when they fit, and returns each line's outcome read from the answer body: success list → done
 * (noting an address change), failure list → failed (permanent for the codes above) or read back
 * for 104443/105306, in neither list → unknown. A call that fails as a whole gives its lines
 * {@link callFailure}; after a failure that stops the run the remaining calls are not sent.
 * Never resent on 5xx or a lost answer.
 */
export async function confirmLines(deps: SinkDeps, lines: FeedId[]): Promise<Map<string, ItemOutcome>> {
  const out = new Map<string, ItemOutcome>();
  const maybeDone = new Map<string, { code: string; message: string }>();
  let stopped: CallFailure | undefined;
  for (const batch of detailBatches(lines, CONFIRM_BATCH_MAX).flatMap((b) => chunks(b, CONFIRM_BATCH_MAX))) {
    if (stopped) {
      for (const id of batch) out.set(id, notSent(stopped));
      continue;
    }
    let data;
    try {
      data = await deps.api.confirmProductOrders(batch);
    } catch (err) {
      const failure = callFailure(err);
      for (const id of batch) out.set(id, failure);
      if (failure.stop) stopped = failure;
      continue;
    }
    const asked = new Set(batch);
    const succeeded = new Map((data.successProductOrderInfos ?? []).filter((s) => asked.has(s.productOrderId)).map((s) => [s.productOrderId, s]));
    const refused = new Map((data.failProductOrderInfos ?? []).filter((f) => asked.has(f.productOrderId)).map((f) => [f.productOrderId, f]));
    for (const id of batch) {
      const ok = succeeded.get(id);
      const no = refused.get(id);
      if (ok && no) {
        out.set(id, { outcome: 'unknown', permanent: false, message: 'Naver listed this product order as both confirmed and refused' });
      } else if (ok) {
        out.set(id, ok.isReceiverAddressChanged ? { outcome: 'done', permanent: false, message: ADDRESS_CHANGED } : { outcome: 'done', permanent: false });
      } else if (no) {
        const code = no.code ?? '';
        const message = no.message ?? '';
        if (MAYBE_ALREADY_CONFIRMED.has(code)) maybeDone.set(id, { code, message });
        else out.set(id, { outcome: 'failed', permanent: CONFIRM_PERMANENT.has(code), ...(code ? { code } : {}), message: `Naver ${code} ${message}`.trim() });
      } else {
        out.set(id, { outcome: 'unknown', permanent: false, message: "Naver's answer lists this product order in neither the success nor the failure list" });
      }
    }
  }
  await verifyConfirmed(deps, maybeDone, out);
  return out;
}

/**
 * `ExportSink.confirm` for Naver: every target's `mallLineIds` (trimmed, deduplicated) confirmed
 * through {@link confirmLines}; one result per target keyed by `mallOrderId`
 * ({@link targetResult}). A target without lines fails permanently without a call.
 */
export async function confirmTargets(deps: SinkDeps, targets: ConfirmTarget[]): Promise<WriteResult[]> {
  const lines: FeedId[] = targets.flatMap((t) => unique(t.mallLineIds).map((productOrderId) => ({ productOrderId, orderId: t.mallOrderId })));
  const outcomes = await confirmLines(deps, lines);
  return targets.map((t) => targetResult(t.mallOrderId, unique(t.mallLineIds).map((id) => [id, outcomes.get(id)!])));
}
