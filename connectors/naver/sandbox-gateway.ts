import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';

/**
 * The sandbox's gateway pieces: access tokens with Naver's reuse rule (spec §2.3), a token-bucket
 * rate limit with Naver's headers (spec §7.4) and trace ids (spec §1, §10.6).
 */

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomText(length: number): string {
  const bytes = crypto.randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHANUM[b % ALPHANUM.length];
  return out;
}

/** A trace id in Naver's newer format `<22 chars>^<epoch ms>^<n>` (spec §10.6; opaque to clients). */
export function newTraceId(counter: number): string {
  return `${randomText(22)}^${Date.now()}^${70_000_000 + counter}`;
}

/** Tokens are reissued once less than this remains (spec §2.3). */
const REISSUE_BELOW_MS = 30 * 60_000;

/**
 * The access tokens of the sandbox application, on the sandbox's clock (spec §2.3): asking while
 * the newest token has ≥ 30 min left returns it again (with the seconds it has left); below that,
 * a new token is issued and the old one stays valid until its own expiry.
 */
export class SandboxTokens {
  private tokens: Array<{ token: string; expiresAtMs: number }> = [];
  constructor(private readonly ttlSec: number) {}

  /** The token to hand out at `now`, and its remaining life in whole seconds. */
  issue(now: Date): { accessToken: string; expiresIn: number } {
    const t = now.getTime();
    const newest = this.tokens[this.tokens.length - 1];
    if (newest && newest.expiresAtMs - t >= REISSUE_BELOW_MS) {
      return { accessToken: newest.token, expiresIn: Math.floor((newest.expiresAtMs - t) / 1000) };
    }
    const fresh = { token: randomText(22), expiresAtMs: t + this.ttlSec * 1000 };
    this.tokens = this.tokens.filter((x) => x.expiresAtMs > t);
    this.tokens.push(fresh);
    return { accessToken: fresh.token, expiresIn: this.ttlSec };
  }

  /** True when `token` was issued here and has not expired at `now`. */
  isLive(token: string, now: Date): boolean {
    return this.tokens.some((x) => x.token === token && x.expiresAtMs > now.getTime());
  }

  /** Forgets every token (tests: a token Naver no longer accepts). */
  revokeAll(): void {
    this.tokens = [];
  }
}

/** The outcome of asking the bucket for one request. */
export interface RateDecision {
  allowed: boolean;
  /** `GNCP-GW-RateLimit-*` headers to send; empty when unthrottled. */
  headers: Record<string, string>;
}

/**
 * Naver's token bucket (spec §7.4) on real (monotonic) time: `ratePerSec` tokens per second,
 * capacity 2 × rate (bursting spends the next second's budget). `ratePerSec` 0 = unthrottled.
 */
export class RateBucket {
  private tokens: number;
  private last = performance.now();
  constructor(private ratePerSec: number) {
    this.tokens = 2 * ratePerSec;
  }

  /** Changes the rate (and refills the bucket). */
  setRate(ratePerSec: number): void {
    this.ratePerSec = ratePerSec;
    this.tokens = 2 * ratePerSec;
    this.last = performance.now();
  }

  take(): RateDecision {
    if (this.ratePerSec <= 0) return { allowed: true, headers: {} };
    const t = performance.now();
    const capacity = 2 * this.ratePerSec;
    this.tokens = Math.min(capacity, this.tokens + ((t - this.last) / 1000) * this.ratePerSec);
    this.last = t;
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    return {
      allowed,
      headers: {
        'GNCP-GW-RateLimit-Replenish-Rate': String(this.ratePerSec),
        'GNCP-GW-RateLimit-Burst-Capacity': String(capacity),
        'GNCP-GW-RateLimit-Remaining': String(Math.floor(this.tokens)),
      },
    };
  }
}

/** Constant-time string comparison (signatures). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
