import bcrypt from 'bcrypt';
import type { Logger } from '../../lib/logger.js';
import type { NaverCredentials } from './credentials.js';
import type { TokenAnswer } from './schemas.js';

/** A token is re-requested once less than this remains (spec §2.3: Naver re-issues below 30 min). */
export const TOKEN_REFRESH_MARGIN_MS = 30 * 60_000;

/** The signature timestamp is taken this far in the past so Naver never sees it as future (spec §2.4). */
export const TIMESTAMP_BACKDATE_MS = 3_000;

/**
 * The token request signature (spec §2.2):
 * `base64(bcrypt(applicationId + "_" + timestampMs, salt = applicationSecret))`.
 * The secret is a bcrypt salt (`$2a$04$` + 22 characters), so the cost comes from it. The result
 * is 80 characters of `[A-Za-z0-9]`, identical in standard and URL-safe Base64.
 *
 * @param timestampMs Unix time in milliseconds (UTC); the same value must go in the form body.
 * @throws Error from bcrypt when the secret is not a bcrypt salt (NaverCredentials rejects those first).
 */
export function clientSecretSign(applicationId: string, applicationSecret: string, timestampMs: number): string {
  const hashed = bcrypt.hashSync(`${applicationId}_${timestampMs}`, applicationSecret);
  return Buffer.from(hashed, 'utf8').toString('base64');
}

/**
 * The form body of `POST /v1/oauth2/token` for an own-store application (spec §2.1):
 * `client_id, timestamp, grant_type=client_credentials, client_secret_sign, type=SELF` and no
 * `account_id` (a SELF token must not carry one).
 *
 * @param timestampMs Unix time in ms (UTC), used both in the signature and in the body.
 */
export function tokenRequestForm(credentials: NaverCredentials, timestampMs: number): URLSearchParams {
  return new URLSearchParams({
    client_id: credentials.applicationId,
    timestamp: String(timestampMs),
    grant_type: 'client_credentials',
    client_secret_sign: clientSecretSign(credentials.applicationId, credentials.applicationSecret, timestampMs),
    type: 'SELF',
  });
}

/** What the token manager needs: the credentials, the HTTP call and a clock, all passed in. */
export interface TokenManagerDeps {
  credentials: NaverCredentials;
  /** Sends the form to `v1/oauth2/token` and returns the validated answer (client.ts). */
  requestToken: (form: URLSearchParams) => Promise<TokenAnswer>;
  now: () => Date;
  logger: Logger;
}

/** One connector's access token, cached and reused while valid (spec §2.3). */
export interface TokenManager {
  /**
   * A valid access token: the cached one while at least 30 minutes remain, else a new request.
   * Concurrent callers share one request.
   *
   * @throws ApiError from the token call (kind 'auth' for refused credentials, 'forbidden' for an IP not allowed).
   */
  token(): Promise<string>;
  /**
   * Forgets the cached token after Naver answered `401 GW.AUTHN` to it, so the next
   * {@link TokenManager.token} asks again (spec §2.3 fallback). With `rejected`, only that token
   * is forgotten, so a fresher one fetched meanwhile by another call survives.
   */
  invalidate(rejected?: string): void;
}

/**
 * Creates the token manager of one connector instance (spec §2.3, §2.4): one token per
 * application, expiry computed from `expires_in` (seconds) on the connector's clock, refreshed when
 * less than {@link TOKEN_REFRESH_MARGIN_MS} remains, never one token per request.
 */
export function createTokenManager(deps: TokenManagerDeps): TokenManager {
  let cached: { token: string; expiresAtMs: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const issuedAtMs = deps.now().getTime();
    const answer = await deps.requestToken(tokenRequestForm(deps.credentials, issuedAtMs - TIMESTAMP_BACKDATE_MS));
    // Expiry counts from when we asked, not when the answer arrived: errs on the early side.
    cached = { token: answer.access_token, expiresAtMs: issuedAtMs + answer.expires_in * 1000 };
    deps.logger.debug(`access token obtained, valid for ${answer.expires_in} s`);
    return answer.access_token;
  }

  return {
    async token() {
      if (cached && cached.expiresAtMs - deps.now().getTime() >= TOKEN_REFRESH_MARGIN_MS) return cached.token;
      inFlight ??= fetchToken().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(rejected?: string) {
      if (rejected === undefined || cached?.token === rejected) cached = undefined;
    },
  };
}
