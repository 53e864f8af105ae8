import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { WriteResult } from '../shared/exports.js';
import { SAFE_TO_RESEND_CODES } from '../shared/http.js';

/**
 * Pieces shared by the write side (export-*.ts): the outcome of one product order or option,
 * the outcome of a failed call, and the per-target result built from its lines.
 */

/** What happened to one product order (or one option) of a target. */
export interface ItemOutcome {
  outcome: WriteResult['outcome'];
  permanent: boolean;
  code?: string | undefined;
  message?: string | undefined;
}

/** A whole call that did not give per-item results, and whether the remaining calls should wait. */
export interface CallFailure extends ItemOutcome {
  /** true: Naver or the network is in trouble (or refuses the credentials): send nothing more this run. */
  stop: boolean;
}

/** Network codes that prove the request never left this machine (as in connectors/shared/http.ts). */

/**
 * How a write call that threw is read (design.md §6 "exactly-once"):
 * - no answer after the request may have arrived (timeout, reset), 5xx, or a 200 whose body does
 *   not parse → `unknown`: the write may have happened; never resent here.
 * - the request provably never left (connection refused, DNS), 429 after retries, refused
 *   credentials / IP / API group → `failed`, not permanent: nothing was processed.
 * - 400 (our request refused as a whole) → `failed`, permanent: the same request gets the same answer.
 *
 * @throws the error itself when it is not a marketplace error (a bug must not pass as a result).
 */
export function callFailure(err: unknown): CallFailure {
  if (err instanceof ResponseShapeError) {
    return { outcome: 'unknown', permanent: false, code: 'MALFORMED_ANSWER', message: `${err.message}; the write may have been applied`, stop: false };
  }
  if (!(err instanceof ApiError)) throw err;
  const base = { code: err.code ?? (err.status !== undefined ? `HTTP_${err.status}` : undefined), message: err.message };
  switch (err.kind) {
    case 'network':
      if (err.code !== undefined && SAFE_TO_RESEND_CODES.has(err.code)) return { ...base, outcome: 'failed', permanent: false, stop: true };
      return { ...base, outcome: 'unknown', permanent: false, stop: true };
    case 'server':
      return { ...base, outcome: 'unknown', permanent: false, stop: true };
    case 'request':
      return { ...base, outcome: 'failed', permanent: true, stop: false };
    default: // auth, forbidden, not_found, rate_limited: refused before processing
      return { ...base, outcome: 'failed', permanent: false, stop: true };
  }
}

/** The outcome of items never sent because an earlier call stopped the run. */
export function notSent(reason: CallFailure): ItemOutcome {
  return { outcome: 'failed', permanent: false, code: reason.code, message: `not sent: an earlier call of this run failed (${reason.message})` };
}

/**
 * One target's result from its items' outcomes: `unknown` when any item is unknown (the pipeline
 * must read the marketplace first), else `failed` when any failed (permanent only when every
 * failure is), else `done`. `code` is the first code of the deciding items; `message` lists every
 * item that was not plainly done (`id: message`), or the notes of done items (already confirmed…).
 */
export function targetResult(key: string, items: Array<[string, ItemOutcome]>): WriteResult {
  if (items.length === 0) return { key, outcome: 'failed', permanent: true, message: 'nothing to send: the target names no product order' };
  const unknown = items.filter(([, o]) => o.outcome === 'unknown');
  const failed = items.filter(([, o]) => o.outcome === 'failed');
  const deciding = unknown.length > 0 ? unknown : failed.length > 0 ? failed : items.filter(([, o]) => o.message !== undefined || o.code !== undefined);
  const outcome: WriteResult['outcome'] = unknown.length > 0 ? 'unknown' : failed.length > 0 ? 'failed' : 'done';
  const permanent = outcome === 'failed' && failed.every(([, o]) => o.permanent);
  const result: WriteResult = { key, outcome, permanent };
  const code = deciding.find(([, o]) => o.code !== undefined)?.[1].code;
  if (code !== undefined) result.code = code;
  const notes = [...(outcome === 'done' ? deciding : [...unknown, ...failed])].map(([id, o]) => `${id}: ${o.message ?? o.code ?? o.outcome}`);
  if (notes.length > 0) result.message = notes.join('; ');
  return result;
}
