import { rememberSecret } from '../../lib/redact.js';
import type { RakutenCredentials } from './credentials.js';

/**
 * The request Content-Type of the order API, byte for byte (spec §1.2): with the space and the
 * charset. Plain `application/json` is refused with HTTP 415 / ES04-03.
 */
export const RAKUTEN_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The scheme word of the Authorization header, followed by exactly one space (spec §1.1). */
export const ESA_SCHEME = 'ESA';

/**
 * The ESA token: base64 of `serviceSecret:licenseKey` (UTF-8), spec §1.1. The token is
 * remembered by the redactor (lib/redact.ts) so no log line ever shows it, nor the two keys.
 */
export function esaToken(credentials: Pick<RakutenCredentials, 'serviceSecret' | 'licenseKey'>): string {
  const token = Buffer.from(`${credentials.serviceSecret}:${credentials.licenseKey}`, 'utf8').toString('base64');
  rememberSecret(credentials.serviceSecret);
  rememberSecret(credentials.licenseKey);
  rememberSecret(token);
  return token;
}

/**
 * The `Authorization` header value: `ESA ` + base64(serviceSecret:licenseKey) (spec §1.1).
 * The shop is identified by the key pair alone; there is no shop parameter.
 */
export function esaAuthorization(credentials: Pick<RakutenCredentials, 'serviceSecret' | 'licenseKey'>): string {
  return `${ESA_SCHEME} ${esaToken(credentials)}`;
}

/**
 * The headers every order-API request carries (spec §1.1, §1.2): `Authorization: ESA …` and
 * `Content-Type: application/json; charset=utf-8` exactly. `Accept` names JSON; the answer's
 * Content-Type (`application/json;charset=utf-8`, no space) is never compared as a string.
 */
export function rakutenHeaders(credentials: Pick<RakutenCredentials, 'serviceSecret' | 'licenseKey'>): Record<string, string> {
  return {
    authorization: esaAuthorization(credentials),
    'content-type': RAKUTEN_CONTENT_TYPE,
    accept: 'application/json',
  };
}
