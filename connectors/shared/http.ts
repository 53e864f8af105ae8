import type { Got, Method } from 'got';
import type Bottleneck from 'bottleneck';
import type { Logger } from '../../lib/logger.js';
import { ApiError, ResponseShapeError, type Mall } from '../../lib/errors.js';

/** The retry policy of every marketplace call (style.md point 4). */
export interface RetryPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** First back-off in ms; doubles each attempt, plus up to 50 % jitter. */
  baseDelayMs: number;
  /** Longest single wait in ms, Retry-After included. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** What a connector's client needs to make calls: all passed in, nothing global (style.md point 3). */
export interface HttpContext {
  mall: Mall;
  got: Got;
  limiter: Bottleneck;
  logger: Logger;
  retry: RetryPolicy;
  /** Waits `ms`; tests replace it to avoid real sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

/** One HTTP exchange as the client sees it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request to a marketplace. */
export interface CallSpec {
  /** Name of the call for logs and errors, e.g. `last-changed-statuses`. */
  call: string;
  method: Method;
  /** Path relative to the shop's API base URL. */
  path: string;
  headers?: Record<string, string>;
  searchParams?: URLSearchParams;
  /** Raw body (JSON or form text), sent as is. */
  body?: string;
  /**
   * Reads are repeated on 429, 5xx, network errors and garbled answers. Writes (`false`) are
   * repeated only on 429 (the gateway refused before processing) and on connection errors that
   * prove nothing was sent; otherwise the caller must read the marketplace's state first.
   */
  idempotent: boolean;
}

/**
 * How a client turns an answer into a result: `ok` parses a success (throwing
 * ResponseShapeError when the shape is wrong), `fail` turns any other answer into an ApiError.
 */
export interface AnswerReader<T> {
  isSuccess(answer: HttpAnswer): boolean;
  ok(answer: HttpAnswer): T;
  fail(answer: HttpAnswer): ApiError;
}

/** Network errors that prove a request never left this machine: safe to resend even for writes. */
export const SAFE_TO_RESEND_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function retryAfterMs(headers: HttpAnswer['headers'], now = Date.now()): number | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function backoff(policy: RetryPolicy, attempt: number, hintMs?: number): number {
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  const jitter = exp * 0.5 * Math.random();
  return Math.min(policy.maxDelayMs, Math.max(hintMs ?? 0, exp + jitter));
}

function networkCode(err: unknown): string {
  const e = err as { code?: string; name?: string };
  return e.code ?? e.name ?? 'ERROR';
}

/**
 * Sends one marketplace call through the shop's limiter with the retry policy, and reads the
 * answer with `reader`. Logs `attempt n of N` on every retry; never logs headers or bodies
 * (they may carry credentials).
 *
 * @throws ApiError when the marketplace refuses (after retries where allowed), or cannot be reached.
 * @throws ResponseShapeError when a success answer does not match its schema (after retries for reads).
 */
export async function callMarketplace<T>(ctx: HttpContext, spec: CallSpec, reader: AnswerReader<T>): Promise<T> {
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const { attempts } = ctx.retry;
  for (let attempt = 1; ; attempt++) {
    let answer: HttpAnswer;
    try {
      const res = await ctx.limiter.schedule(() =>
        ctx.got(spec.path.replace(/^\//, ''), {
          method: spec.method,
          headers: spec.headers,
          searchParams: spec.searchParams,
          body: spec.body,
          throwHttpErrors: false,
          retry: { limit: 0 },
          followRedirect: false,
        }),
      );
      answer = { status: res.statusCode, headers: res.headers, text: res.body as string };
    } catch (err) {
      const code = networkCode(err);
      const canResend = spec.idempotent || SAFE_TO_RESEND_CODES.has(code);
      if (canResend && attempt < attempts) {
        const wait = backoff(ctx.retry, attempt);
        ctx.logger.warn(`${spec.call}: network error ${code}, retrying in ${Math.round(wait)} ms (attempt ${attempt + 1} of ${attempts})`);
        await sleep(wait);
        continue;
      }
      throw new ApiError({
        mall: ctx.mall,
        call: spec.call,
        kind: 'network',
        message: `${ctx.mall} ${spec.call}: no answer from the marketplace (${code})${canResend ? ` after ${attempt} attempts` : '; not resent because the request may have arrived'}`,
        code,
        cause: err,
      });
    }

    if (reader.isSuccess(answer)) {
      try {
        return reader.ok(answer);
      } catch (err) {
        if (err instanceof ResponseShapeError && spec.idempotent && attempt < attempts) {
          const wait = backoff(ctx.retry, attempt);
          ctx.logger.warn(`${spec.call}: ${err.message}; retrying in ${Math.round(wait)} ms (attempt ${attempt + 1} of ${attempts})`);
          await sleep(wait);
          continue;
        }
        throw err;
      }
    }

    const retryable = answer.status === 429 || (answer.status >= 500 && spec.idempotent);
    if (retryable && attempt < attempts) {
      const wait = backoff(ctx.retry, attempt, retryAfterMs(answer.headers));
      ctx.logger.warn(`${spec.call}: HTTP ${answer.status}, retrying in ${Math.round(wait)} ms (attempt ${attempt + 1} of ${attempts})`);
      await sleep(wait);
      continue;
    }
    throw reader.fail(answer);
  }
}

/** Parses JSON text, or returns undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What a body that should have been JSON looks like, without its content: a successful answer
 * carries buyers' names and addresses, which must never reach a log or `job_runs.error`.
 */
export function notJsonText(text: string): string {
  const t = text.trimStart();
  const kind = t.startsWith('<') ? 'an HTML or XML page' : t.startsWith('{') || t.startsWith('[') ? 'JSON cut off or broken' : 'plain text';
  return `not JSON: ${kind}, ${text.length.toLocaleString('en-US')} characters (content not logged)`;
}

/** The first 300 characters of a body, for messages about error answers (never for successful ones: see {@link notJsonText}). */
export function excerpt(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
