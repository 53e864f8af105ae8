/**
 * The sandbox's gateway: what Rakuten checks before the order service runs (spec §1.1, §1.2,
 * §1.4, §6.1) — throttling, the ESA key pair and its expiry, the API functions switch and the
 * request Content-Type — answered in the gateway envelope `{"Results": {errorCode, message}}`.
 */
import { kstDayStart } from '../../lib/time.js';
import { esaToken } from './auth.js';
import type { RakutenCredentials } from './credentials.js';
import type { SandboxAnswer } from './sandbox-search.js';

const DAY = 86_400_000;

/**
 * Share of the interval a request may come early: a client that spaces its requests exactly
 * `1/ratePerSec` apart on its side sees them arrive a few ms closer or further apart.
 */
const RATE_GRACE = 0.2;

/** A gateway answer, with the `Retry-After` seconds to send when there is one. */
export type GatewayAnswer = SandboxAnswer & { retryAfter?: number };

/** `{"Results": {"errorCode", "message"}}` with its HTTP status (spec §1.4, §7.10). */
export function gatewayAnswer(status: number, errorCode: string, message: string): GatewayAnswer {
  return { status, body: { Results: { errorCode, message } } };
}

/** `type/subtype` is `application/json` and `charset` is `utf-8`, case and spaces ignored (spec §1.2). */
export function isJsonUtf8(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return charset === 'utf-8';
}

/**
 * The inventory API's rule (spec §1.2): its pages list plain `application/json`, and the order
 * API's `; charset=utf-8` form works there too; any other charset or media type is refused.
 */
export function isJsonNoneOrUtf8(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  return type === 'application/json' && (charset === undefined || charset === 'utf-8');
}

/** What the gateway sees of a request. */
export interface GatewayRequest {
  method: string;
  /** The path, to tell the order API (charset required) from the inventory API (optional). */
  path?: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

/** The gateway state tests turn, and its verdict on each request. */
export interface SandboxGateway {
  /** The verdict on one request, or null to let it through to the order service. */
  check(req: GatewayRequest): GatewayAnswer | null;
  setRatePerSec(ratePerSec: number): void;
  setFunctionsEnabled(enabled: boolean): void;
  failNext(count: number, status: number, retryAfterSec: number): void;
}

/**
 * A gateway for one key pair. Checks, in this order: injected failures; the rate limit (a request
 * sooner than 80 % of `1/ratePerSec` s after the last accepted one gets 429 with `Retry-After: 1`;
 * Rakuten's throttling answer is not documented (UNCERTAIN, spec §6.1), so the body code
 * `TOO_MANY_REQUESTS` is the sandbox's own and clients must read the status); the
 * `Authorization: ESA …` header against `credentials` and the licence's last valid day
 * (`licenseExpiresAt`, JST, read on every request) — wrong or expired → 401 ES01-01
 * "Un-Authorised" (HTTP 401 is UNCERTAIN but likely, spec §1.4); API functions switched off →
 * 400 ES04-01 "Bad Request"; for POST to the order API, a Content-Type that is not JSON with
 * charset utf-8 → 415 ES04-03 "Unsupported Media Type" (code from a single source, UNCERTAIN);
 * the inventory API also takes plain `application/json` (spec §1.2). Whether Rakuten checks
 * the key before the media type is not documented; the sandbox checks the key first.
 */
export function createSandboxGateway(credentials: Required<RakutenCredentials>, clock: () => Date, ratePerSec: number): SandboxGateway {
  let rate = ratePerSec;
  let functionsEnabled = true;
  let injected = { count: 0, status: 429, retryAfterSec: 1 };
  let lastAccepted = Number.NEGATIVE_INFINITY;

  function keyPairValid(header: string | undefined): boolean {
    if (header !== `ESA ${esaToken(credentials)}`) return false;
    const lastDayEnd = kstDayStart(credentials.licenseExpiresAt).getTime() + DAY;
    return clock().getTime() < lastDayEnd;
  }

  return {
    check(req) {
      if (injected.count > 0) {
        injected.count--;
        const a =
          injected.status === 429
            ? gatewayAnswer(429, 'TOO_MANY_REQUESTS', 'Too Many Requests')
            : gatewayAnswer(injected.status, 'SANDBOX_INJECTED', 'Injected failure');
        return { ...a, retryAfter: injected.retryAfterSec };
      }
      if (rate > 0) {
        const t = performance.now();
        if (t - lastAccepted < (1000 / rate) * (1 - RATE_GRACE)) return { ...gatewayAnswer(429, 'TOO_MANY_REQUESTS', 'Too Many Requests'), retryAfter: 1 };
        lastAccepted = t;
      }
      if (!keyPairValid(req.authorization)) return gatewayAnswer(401, 'ES01-01', 'Un-Authorised');
      if (!functionsEnabled) return gatewayAnswer(400, 'ES04-01', 'Bad Request');
      const inventory = (req.path ?? '').includes('/inventories/');
      if (req.method === 'POST' && !(inventory ? isJsonNoneOrUtf8(req.contentType) : isJsonUtf8(req.contentType))) {
        return gatewayAnswer(415, 'ES04-03', 'Unsupported Media Type');
      }
      return null;
    },
    setRatePerSec(r) {
      rate = r;
    },
    setFunctionsEnabled(enabled) {
      functionsEnabled = enabled;
    },
    failNext(count, status, retryAfterSec) {
      injected = { count, status, retryAfterSec };
    },
  };
}
