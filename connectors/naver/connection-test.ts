import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import type { ConnectionTest } from '../shared/connector.js';
import type { NaverApi } from './client.js';
import { NAVER_BASE_URL } from './credentials.js';
import { FEED_END_MARGIN_MS } from './windows.js';

/** Which call of the test failed. */
type Stage = 'token' | 'orders' | 'products';

const IP_SENTENCE =
  "This server's IP is not registered for the application in 커머스API센터 (403 GW.IP_NOT_ALLOWED): add it under the application's API호출 IP, then test again.";

/**
 * The form field the token endpoint named when it refused the request, read from its body
 * (`invalidInputs[].name` or a message starting with the field). The endpoint's codes and
 * messages are undocumented (UNCERTAIN, spec §13.8): when nothing is named, the sentence stays general.
 */
export function refusedTokenField(body: string | undefined): 'client_id' | 'client_secret_sign' | 'timestamp' | undefined {
  const text = body ?? '';
  const named = /"name"\s*:\s*"(client_id|client_secret_sign|timestamp)"/.exec(text) ?? /"message"\s*:\s*"(client_id|client_secret_sign|timestamp)\b/.exec(text);
  return named?.[1] as 'client_id' | 'client_secret_sign' | 'timestamp' | undefined;
}

function baseUrlSentence(baseUrl: string, what: string): string {
  return `The API base URL ${baseUrl} does not lead to the Naver Commerce API (${what}): set it to ${NAVER_BASE_URL} (own-store applications use /external) with \`mallbridge shops update <shop> --api-base-url ''\`, or correct the sandbox URL.`;
}

/**
 * For a shop whose API base URL is not Naver's production one and an answer that carried no
 * Naver error code (any server says 401 or 5xx): the sentence that the URL may not lead to the
 * Naver Commerce API at all, else ''. The Rakuten connector says the same of its base URL.
 */
function otherServerSentence(err: ApiError, baseUrl: string): string {
  // No answer, a 404 and a redirect already get the base URL sentence.
  if (err.kind === 'network' || err.kind === 'not_found' || (err.status !== undefined && err.status >= 300 && err.status < 400)) return '';
  if (err.code || baseUrl.replace(/\/+$/, '') === NAVER_BASE_URL) return '';
  return ` The answer carried no Naver error code, and the shop's API base URL ${baseUrl} is not Naver's (${NAVER_BASE_URL}): it may not be the Naver Commerce API — check it, or set it back to production with \`mallbridge shops update <shop> --api-base-url ''\`.`;
}

/**
 * A sentence a seller can act on for a failed connection test (design.md §1, §8): wrong
 * application id or secret (naming which one when Naver says), a clock more than 5 minutes off,
 * IP not registered, API group missing, wrong base URL (404 GW.NOT_FOUND, a redirect or an answer
 * that is not the API's), rate limited, Naver's own trouble, network unreachable or too slow.
 * Whether the application was made by the store's 통합매니저 cannot be told apart from Naver's
 * answers (spec §2.5): the credentials sentence mentions it.
 */
export function explainTestFailure(err: unknown, stage: Stage, baseUrl: string): string {
  if (err instanceof ResponseShapeError) return baseUrlSentence(baseUrl, `its ${err.call} call answered in an unexpected form: ${err.message}`);
  if (!(err instanceof ApiError)) return `The connection test failed: ${err instanceof Error ? err.message : String(err)}`;
  return `${answerSentence(err, stage, baseUrl)}${otherServerSentence(err, baseUrl)}`;
}

/** {@link explainTestFailure} for an answer (or its absence) of the marketplace. */
function answerSentence(err: ApiError, stage: Stage, baseUrl: string): string {
  const said = err.code ? ` (Naver: ${err.code})` : ` (HTTP ${err.status ?? '-'})`;
  if (err.code === 'GW.IP_NOT_ALLOWED') return IP_SENTENCE;
  if (err.status !== undefined && err.status >= 300 && err.status < 400) return baseUrlSentence(baseUrl, `it answered with a redirect, HTTP ${err.status}`);
  switch (err.kind) {
    case 'not_found':
      return baseUrlSentence(baseUrl, `the ${err.call} call answered 404${err.code ? ` ${err.code}` : ''}`);
    case 'auth':
    case 'forbidden':
      if (stage === 'token') {
        const field = refusedTokenField(err.body);
        if (field === 'timestamp') {
          return `Naver refused the request time${said}: this server's clock is more than 5 minutes off (or ahead of Naver's): synchronise it (NTP) and test again.`;
        }
        // "A re-issued secret replaces the old one" is a single-source claim (UNCERTAIN, spec §2.5, §13.14);
        // it is only a hint in the sentence, nothing depends on it.
        const which =
          field === 'client_id'
            ? ': Naver does not know this application ID'
            : field === 'client_secret_sign'
              ? ': the secret does not match the application ID (a re-issued secret replaces the old one)'
              : '';
        return `Naver refused the application ID or secret${which}${said}. Copy both again from 커머스API센터 → 애플리케이션 of the store's own application (내 스토어 애플리케이션, created by the store's 통합매니저); the secret starts with $2a$ and is 29 characters long.`;
      }
      return `The application ID and secret are accepted, but the order API refused the token${said}: add the API group '주문 판매자' (and '상품' for stock sync, '판매자 정보') to the application in 커머스API센터, and check that its 180-day authentication has not lapsed.`;
    case 'network':
      if (err.code === 'ETIMEDOUT') return `The Naver Commerce API at ${baseUrl} did not answer in time (${err.code}): check this server's network or proxy, and try again later.`;
      return `The Naver Commerce API at ${baseUrl} could not be reached (${err.code ?? 'no answer'}): check this server's network or proxy and the shop's API base URL.`;
    case 'rate_limited':
      return "Naver is limiting this application's calls (GW.RATE_LIMIT): another program may be using the same application; try again in a minute.";
    case 'server':
      return `Naver answered with a server error${said}; the problem is on Naver's side: try again later.`;
    default:
      return `Naver refused the test request${said}: ${err.message}. Check the shop's API base URL (${baseUrl}).`;
  }
}

/** Naver refused the application (wrong ID or secret, IP not allowed, API group missing). */
function isAuthRefusal(err: unknown): boolean {
  return err instanceof ApiError && (err.kind === 'auth' || err.kind === 'forbidden');
}

/**
 * The connection test (spec §2, §3.1, §6.2): a token, one feed read of the last 10 minutes (API
 * group 주문 판매자), then one product search of one item (API group 상품). A refused product
 * search keeps `ok` (orders work; not every shop syncs stock) but adds a sentence naming 상품.
 * Never throws for marketplace answers.
 */
export async function runConnectionTest(api: NaverApi, now: () => Date, baseUrl: string): Promise<ConnectionTest> {
  try {
    await api.tokens.token();
  } catch (err) {
    return { ok: false, message: explainTestFailure(err, 'token', baseUrl), authRefused: isAuthRefusal(err) };
  }
  try {
    const t = now().getTime() - FEED_END_MARGIN_MS;
    await api.lastChangedStatuses({ from: new Date(t - 10 * 60_000), to: new Date(t), limitCount: 1 });
  } catch (err) {
    return { ok: false, message: explainTestFailure(err, 'orders', baseUrl), authRefused: isAuthRefusal(err) };
  }
  const connected = 'Connected to Naver: the application ID and secret are accepted and the order API (주문 판매자) answers from this server.';
  try {
    await api.searchProducts(1, 1);
  } catch (err) {
    if (err instanceof ApiError && (err.kind === 'auth' || err.kind === 'forbidden')) {
      return { ok: true, message: `${connected} But the product API refused the token${err.code ? ` (Naver: ${err.code})` : ''}: stock sync will fail until the API group '상품' is added to the application in 커머스API센터.` };
    }
    if (!(err instanceof ApiError || err instanceof ResponseShapeError)) throw err;
    return { ok: true, message: `${connected} The product API (상품, for stock sync) could not be checked: ${err.message}` };
  }
  return { ok: true, message: `${connected} The product API (상품) answers too.` };
}
