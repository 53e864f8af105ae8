/**
 * How a failed call of the write side becomes per-target results (connectors/shared/exports.ts):
 * what is `failed` (Rakuten refused before doing anything), what is `unknown` (the request may have
 * been carried out: never resent blindly), and when the shop cannot go on at all.
 */
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { WriteResult } from '../shared/exports.js';
import type { RakutenClient } from './client.js';
import type { RakutenWriteClient } from './client-write.js';
import { SAFE_TO_RESEND_CODES } from '../shared/http.js';

/** What the write modules (write-confirm.ts, write-tracking.ts, write-stock.ts) are built from. */
export interface WriteDeps {
  reader: RakutenClient;
  writer: RakutenWriteClient;
  logger: Logger;
  /** Added to licence failures, e.g. " (the stored expiry date 2026-01-31 has passed)"; '' when nothing to add. */
  licenceNote: () => string;
}

/** A result before its key is attached. */
export type Outcome = Omit<WriteResult, 'key'>;

/**
 * Network error codes that prove the request never left this machine. The same list as
 * `SAFE_TO_RESEND_CODES` in connectors/shared/http.ts, which `callMarketplace` already resent on;
 * that constant is not exported, hence the copy.
 */

/** A call-level failure turned into the outcome of every target of that call. */
export interface CallFailure {
  outcome: Outcome;
  /**
   * The shop cannot make any further call: the licence key is refused (ES01-01) or the API
   * function is off (ES04-01). The targets not yet sent get {@link unsent} instead of a call each.
   */
  stop: boolean;
}

/**
 * Reads an error thrown by a client call.
 * - `auth` (ES01-01) / `forbidden` (ES04-01): failed, not permanent, and stop; the message is the
 *   licence or function sentence plus `licenceNote` (e.g. "the stored expiry date … has passed").
 * - `rate_limited` (429 after retries): failed, not permanent — the gateway refused before processing.
 * - `request` (4xx validation, ES04-03): failed, permanent — the same request would be refused
 *   again; except 409 (CE0001, a concurrent update: try later).
 * - `not_found`: failed, not permanent (a wrong base URL can be fixed).
 * - `server` (5xx) and `network` errors after the request may have arrived (timeout, reset): for a
 *   write `unknown`, for a read failed (nothing was written). A network error proving nothing was
 *   sent (connection refused, DNS) is failed.
 * - ResponseShapeError (a garbled answer): `unknown` for a write, failed for a read.
 *
 * @param wrote whether the failed call was a write.
 * @throws the error itself when it is neither an ApiError nor a ResponseShapeError (a bug).
 */
export function callFailure(err: unknown, wrote: boolean, licenceNote = ''): CallFailure {
  if (err instanceof ResponseShapeError) {
    const message = wrote
      ? `${err.message}; the write may have been carried out: read the order back before sending again`
      : err.message;
    return { outcome: { outcome: wrote ? 'unknown' : 'failed', permanent: false, message }, stop: false };
  }
  if (!(err instanceof ApiError)) throw err;
  const code = err.code ?? (err.status !== undefined ? `HTTP ${err.status}` : undefined);
  const base = (outcome: WriteResult['outcome'], permanent: boolean, message = err.message): CallFailure => ({
    outcome: { outcome, permanent, ...(code !== undefined ? { code } : {}), message },
    stop: false,
  });
  switch (err.kind) {
    case 'auth':
    case 'forbidden':
      return { ...base('failed', false, `${err.message}${licenceNote}`), stop: true };
    case 'rate_limited':
      return base('failed', false);
    case 'request':
      // 409 (inventory CE0001, a concurrent update) asks to try later; any other 4xx would be refused again.
      return base('failed', err.status !== 409);
    case 'not_found':
      return base('failed', false);
    case 'network':
      if (!wrote || SAFE_TO_RESEND_CODES.has(err.code ?? '')) return base('failed', false);
      return base('unknown', false, `${err.message}; read the order back before sending again`);
    case 'server':
      if (!wrote) return base('failed', false);
      return base('unknown', false, `${err.message}; not resent: the write may have been carried out, read the order back before sending again`);
  }
}

/** The outcome of a target never sent because an earlier call of this run stopped the shop. */
export function unsent(stopper: Outcome): Outcome {
  return { outcome: 'failed', permanent: false, ...(stopper.code !== undefined ? { code: stopper.code } : {}), message: `not sent: ${stopper.message}` };
}

/** Attaches keys: one result per target, in the order of `keys`. */
export function withKeys(keys: readonly string[], outcomes: ReadonlyArray<Outcome | undefined>): WriteResult[] {
  return keys.map((key, i) => {
    const o = outcomes[i];
    // Every target is settled by the write modules; an unset one would be a bug, reported as unknown.
    return { key, ...(o ?? { outcome: 'unknown', permanent: false, message: 'no result was recorded for this target' }) };
  });
}

/** Counts of outcomes, for a log line. */
export function tally(outcomes: ReadonlyArray<Outcome | undefined>): string {
  const n = { done: 0, failed: 0, unknown: 0 };
  for (const o of outcomes) if (o) n[o.outcome]++;
  return `${n.done} done, ${n.failed} failed, ${n.unknown} unknown`;
}
