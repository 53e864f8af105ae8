/**
 * The sentences of a Rakuten connection test (design.md §1 "a connection test that says exactly
 * what is wrong"): what a seller reads after `shops test` and `credentials:check`.
 */
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { kstDate, kstDayStart } from '../../lib/time.js';
import { FUNCTION_DISABLED_SENTENCE, LICENCE_KEY_SENTENCE } from './client.js';
import { RAKUTEN_BASE_URL } from './credentials.js';

const DAY = 86_400_000;
/** Licence keys live 90 days (spec §1.1); warn this many days ahead (design.md §7 credentials:check). */
export const EXPIRY_WARNING_DAYS = 14;

/** How many JST calendar days are left until the stored last valid day (negative once it has passed); null without a date. */
export function licenceDaysLeft(licenseExpiresAt: string | undefined, now: Date): number | null {
  if (!licenseExpiresAt) return null;
  return Math.round((kstDayStart(licenseExpiresAt).getTime() - kstDayStart(kstDate(now)).getTime()) / DAY);
}

/**
 * The warning a seller reads when the stored licence expiry date (`licenseExpiresAt`, the key's
 * last valid day, JST) is within {@link EXPIRY_WARNING_DAYS} days or past; null when no date is
 * stored or it is further away. Licence keys live 90 days and only ES01-01 says one has expired
 * (spec §1.1, §1.4, pitfall 16), so the stored date is the only advance notice. The sentence says
 * to issue a new key in RMS (WEB APIサービス) and that a new key can take 10–30 minutes to start
 * working (spec §1.1).
 */
export function licenceExpiryWarning(licenseExpiresAt: string | undefined, now: Date): string | null {
  const days = licenceDaysLeft(licenseExpiresAt, now);
  if (days === null || days > EXPIRY_WARNING_DAYS) return null;
  const renew =
    'issue a new licence key in RMS (WEB APIサービス) and register it with `mallbridge shops update <shop> --credentials-file F`; a new key can take 10–30 minutes to start working';
  if (days < 0) return `The stored Rakuten licence key expiry date ${licenseExpiresAt} has passed: ${renew}.`;
  const when = days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`;
  return `The Rakuten licence key expires on ${licenseExpiresAt} (${when}): ${renew}.`;
}

/**
 * What the stored licence expiry date says at `now`: `warning` (the sentence of
 * {@link licenceExpiryWarning}, or '') and `passed` (" (the stored expiry date … has passed)" to
 * add to an ES01-01 sentence, or '').
 */
export function expiryNote(licenseExpiresAt: string | undefined, now: Date): { warning: string; passed: string } {
  const days = licenceDaysLeft(licenseExpiresAt, now);
  const warning = licenceExpiryWarning(licenseExpiresAt, now) ?? '';
  return { warning, passed: days !== null && days < 0 ? ` (the stored expiry date ${licenseExpiresAt} has passed)` : '' };
}

/**
 * Keys are shaped `SP<shop>_…` (serviceSecret) and `SL<shop>_…` (licenseKey), the licenseKey
 * starting with the numeric shop id (spec §1.1). When both carry a shop number and the numbers
 * differ, the pair belongs to two shops: the sentence that says so, else ''.
 */
export function keyPairMismatch(keys: { serviceSecret: string; licenseKey: string } | undefined): string {
  const sp = keys ? /^SP(\d+)_/.exec(keys.serviceSecret)?.[1] : undefined;
  const sl = keys ? /^SL(\d+)_/.exec(keys.licenseKey)?.[1] : undefined;
  return sp && sl && sp !== sl ? ` The serviceSecret names shop ${sp} but the licenseKey names shop ${sl}: both must come from the same shop's RMS.` : '';
}

/** The sentence of a failed connection test; `keys` (optional) lets it spot a pair of two shops. */
export function failureSentence(err: unknown, baseUrl: string, expiryPassed: string, keys?: { serviceSecret: string; licenseKey: string }): string {
  if (err instanceof ApiError) {
    switch (err.kind) {
      case 'auth':
        return `Rakuten refused the key pair (${err.code ?? `HTTP ${err.status ?? '?'}`})${expiryPassed}: ${LICENCE_KEY_SENTENCE}. If a new key is still refused after 30 minutes, check that serviceSecret and licenseKey were copied whole and belong to the same shop.${keyPairMismatch(keys)}`.trimEnd();
      case 'forbidden':
        return `Rakuten refused the call (${err.code ?? `HTTP ${err.status ?? '?'}`}): ${FUNCTION_DISABLED_SENTENCE}`;
      case 'network':
        return `Could not reach Rakuten at ${baseUrl} (${err.code ?? 'no answer'}): check this server's network, proxy or firewall, then test again`;
      case 'rate_limited':
        return 'Rakuten kept answering 429 (too many requests): another tool may be using the same key pair; test again in a minute';
      case 'server':
        return `Rakuten's server failed (HTTP ${err.status ?? '?'}); test again later`;
      case 'not_found':
        return `${baseUrl} answered HTTP 404 to searchOrder: check the shop's API base URL (Rakuten's is ${RAKUTEN_BASE_URL}; leave it unset for production)`;
      default:
        return `Rakuten refused the request: ${err.message}`;
    }
  }
  if (err instanceof ResponseShapeError) {
    return `${baseUrl} answered, but not in the documented form of the RMS API (is the shop's API base URL right? Rakuten's is ${RAKUTEN_BASE_URL}): ${err.message}`;
  }
  return `The connection test failed: ${err instanceof Error ? err.message : String(err)}`;
}
