/**
 * The sentences of a Rakuten connection test (design.md §1 "a connection test that says exactly
 * what is wrong"): what a seller reads after `shops test` and `credentials:check`.
 */
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { kstDate, kstDayStart } from '../../lib/time.js';
import { FUNCTION_DISABLED_SENTENCE, LICENCE_KEY_SENTENCE } from './client.js';

const DAY = 86_400_000;
/** Licence keys live 90 days (spec §1.1); warn this many days ahead (design.md §7 credentials:check). */
export const EXPIRY_WARNING_DAYS = 14;

/** What the stored licence expiry date (YYYY-MM-DD, JST) says at `now`. */
export function expiryNote(licenseExpiresAt: string | undefined, now: Date): { warning: string; passed: string } {
  if (!licenseExpiresAt) return { warning: '', passed: '' };
  const days = Math.round((kstDayStart(licenseExpiresAt).getTime() - kstDayStart(kstDate(now)).getTime()) / DAY);
  if (days < 0) return { warning: '', passed: ` (the stored expiry date ${licenseExpiresAt} has passed)` };
  if (days <= EXPIRY_WARNING_DAYS) {
    return { warning: `; note: the licence key expires on ${licenseExpiresAt} (in ${days} day${days === 1 ? '' : 's'}) — issue a new one in RMS (WEB APIサービス) before then`, passed: '' };
  }
  return { warning: '', passed: '' };
}

/** The sentence of a failed connection test. */
export function failureSentence(err: unknown, baseUrl: string, expiryPassed: string): string {
  if (err instanceof ApiError) {
    switch (err.kind) {
      case 'auth':
        return `Rakuten refused the key pair (${err.code ?? `HTTP ${err.status ?? '?'}`})${expiryPassed}: ${LICENCE_KEY_SENTENCE}. If a new key is still refused after 30 minutes, check that serviceSecret and licenseKey were copied whole and belong to the same shop`;
      case 'forbidden':
        return `Rakuten refused the call (${err.code ?? `HTTP ${err.status ?? '?'}`}): ${FUNCTION_DISABLED_SENTENCE}`;
      case 'network':
        return `Could not reach Rakuten at ${baseUrl} (${err.code ?? 'no answer'}): check this server's network, proxy or firewall, then test again`;
      case 'rate_limited':
        return 'Rakuten kept answering 429 (too many requests): another tool may be using the same key pair; test again in a minute';
      case 'server':
        return `Rakuten's server failed (HTTP ${err.status ?? '?'}); test again later`;
      default:
        return `Rakuten refused the request: ${err.message}`;
    }
  }
  if (err instanceof ResponseShapeError) return `Rakuten answered, but not in the documented form: ${err.message}`;
  return `The connection test failed: ${err instanceof Error ? err.message : String(err)}`;
}
