import fs from 'node:fs';
import { parseCredentials } from '../connectors/credentials.js';
import { licenceExpiryWarning } from '../connectors/rakuten/connection-test.js';
import type { Conn } from '../data/db.js';
import { findSellerByCode } from '../data/stores/sellers.js';
import { findShopById, findShopsByMallId, insertShop, listShops, resetShopHealth, shopLabel, updateShop, type Shop, type ShopChanges, type ShopOptions } from '../data/stores/shops.js';
import { inTransaction } from '../data/transaction.js';
import { InputError, type Mall } from '../lib/errors.js';
import { maskSecret } from '../lib/redact.js';
import { carrierProblem } from './exports/ship.js';
import { checkKeyOpensStored, decryptCredentials, encryptCredentials } from '../lib/secrets.js';
import { kstDayStart, kstDate } from '../lib/time.js';
import type { PipelineDeps } from './deps.js';

const MALLS: Mall[] = ['naver', 'rakuten'];
const SHOP_ID = /^[A-Za-z0-9._-]{1,100}$/;
const RAKUTEN_SHOP_URL = /^https:\/\/www\.rakuten\.(?:ne\.jp|co\.jp)\/([A-Za-z0-9_-]+)\/?$/;

/** Parses `naver` / `rakuten`. @throws InputError otherwise. */
export function parseMall(value: string): Mall {
  const mall = value.trim().toLowerCase() as Mall;
  if (!MALLS.includes(mall)) throw new InputError(`--mall must be naver or rakuten, not "${value}"`);
  return mall;
}

/**
 * Reads a credentials file (design.md §8) and checks its form for the mall. Credentials are
 * never taken from the command line.
 *
 * @throws InputError when the file is missing, unreadable, not JSON or lacks a field.
 */
export function readCredentialsFile(file: string, mall: Mall) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    // A value that names no file (a pasted key or JSON) is never echoed: it may be the secret itself.
    if (!looksLikePath(file)) throw new InputError('--credentials-file must name a JSON file; credentials are never taken on the command line');
    // The reason stands in parentheses: a name like `secret=…` is masked up to the next space, and a ':' right after it would go too.
    throw new InputError(`cannot read the credentials file ${file} (${missing ? 'no such file' : (err as Error).message})`);
  }
  return parseCredentialsText(text, mall, `the credentials file ${file}`);
}

/**
 * Checks credentials given as JSON text (a credentials file's content, or what the console's form
 * received) for the mall. `source` names them in messages (`the credentials file F`).
 *
 * @throws InputError when the text is not one JSON object with the mall's fields.
 */
export function parseCredentialsText(text: string, mall: Mall, source: string) {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new InputError(`${source} is not valid JSON; expected one JSON object with ${mall === 'naver' ? 'applicationId and applicationSecret' : 'serviceSecret, licenseKey and (optional) licenseExpiresAt as YYYY-MM-DD'}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${source} must hold one JSON object`);
  return parseCredentials(mall, value);
}

/**
 * Whether a `--credentials-file` value that names no existing file could still be a path: it has
 * a path separator or a dot (`creds.json`, `./x`), and is not JSON or a Naver secret pasted in.
 */
function looksLikePath(value: string): boolean {
  const v = value.trim();
  if (v.startsWith('{') || v.startsWith('$2')) return false;
  return /[/\\.]/.test(v);
}

function checkUrl(value: string | undefined, option: string): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  // The URL parser silently drops tabs and line breaks inside a URL; a pasted value with them is wrong.
  if (/\s/.test(v)) throw new InputError(`${option} "${value}" contains spaces or line breaks`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new InputError(`${option} "${value}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(`${option} must be an http(s) URL`);
  if (url.username || url.password) throw new InputError(`${option} must not carry a user name or password; credentials go in --credentials-file`);
  return v.replace(/\/+$/, '');
}

/**
 * An API base URL (design.md §8): http(s), and nothing after the path — every call's path and
 * query are appended to it, so a `?query` or `#fragment` would garble them.
 */
function checkApiBaseUrl(value: string | undefined): string | null {
  const url = checkUrl(value, '--api-base-url');
  if (url !== null && /[?#]/.test(url)) {
    throw new InputError(`--api-base-url must be a base URL without ?query or #fragment: each API path is appended to it`);
  }
  return url;
}

function checkShopUrl(mall: Mall, shopId: string, value: string | undefined): string | null {
  if (mall !== 'rakuten') return checkUrl(value, '--shop-url');
  if (value === undefined || value.trim() === '') {
    throw new InputError(`--shop-url is required for a Rakuten shop: the shop's link https://www.rakuten.ne.jp/${shopId}`);
  }
  const m = RAKUTEN_SHOP_URL.exec(value.trim());
  if (!m) throw new InputError(`--shop-url "${value}" is not a Rakuten shop link; expected https://www.rakuten.ne.jp/<shop id> (here https://www.rakuten.ne.jp/${shopId})`);
  if (m[1] !== shopId) throw new InputError(`--shop-url names the shop "${m[1]}" but --shop-id is "${shopId}"; they must be the same shop`);
  return value.trim().replace(/\/+$/, '');
}

function checkRate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n <= 0 || n > 1000) throw new InputError(`--rate-limit must be a number of requests per second, more than 0 and at most 1000, not "${value}"`);
  return n;
}

function checkCarrier(value: string | undefined, mall: Mall): string | null {
  if (value === undefined) return null;
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(value.trim())) throw new InputError(`--carrier-code "${value}" is not a carrier code (e.g. QXPRESS for Naver, 1000 for Rakuten)`);
  const problem = carrierProblem(mall, value.trim());
  if (problem) throw new InputError(`--carrier-code ${problem}`);
  return value.trim();
}

/** 00:00 KST of a Rakuten `licenseExpiresAt`, null when absent. @throws InputError for a date that does not exist. */
function licenceExpiry(credentials: object): Date | null {
  const day = (credentials as { licenseExpiresAt?: string }).licenseExpiresAt;
  if (!day) return null;
  try {
    return kstDayStart(day);
  } catch {
    throw new InputError(`credentials for rakuten: licenseExpiresAt ${day} is not a calendar date (YYYY-MM-DD)`);
  }
}

/**
 * What `shops add` is given (already split from argv): credentials as a file path (the command
 * line), or as JSON text (the console's form, never written to disk).
 */
export interface AddShopInput extends ShopOptions {
  seller: string;
  mall: string;
  shopId: string;
  shopUrl?: string;
  apiBaseUrl?: string;
  credentials: { file: string } | { text: string };
  carrierCode?: string;
  rateLimit?: string;
}

/** A shop id or marketplace account that `shop` already has (an InputError, exit 2); callers other than the CLI may word it themselves. */
export class ShopTakenError extends InputError {
  constructor(message: string, readonly shop: Shop) {
    super(message);
  }
}

/**
 * Registers a shop offline (design.md §8): checks the form of everything, encrypts the
 * credentials, stores the shop. Never calls the marketplace.
 *
 * @throws InputError (exit 2, nothing stored) for an unknown seller or mall, a duplicate shop, a
 *   malformed URL, option or credentials file.
 */
export async function addShop(deps: PipelineDeps, input: AddShopInput): Promise<Shop> {
  const conn = deps.db.knex;
  const mall = parseMall(input.mall);
  const seller = await findSellerByCode(conn, input.seller);
  if (!seller) throw new InputError(`seller ${input.seller} does not exist; add it first with \`mallbridge sellers add ${input.seller}\``);
  const shopId = input.shopId.trim();
  if (!SHOP_ID.test(shopId)) throw new InputError(`--shop-id "${input.shopId}" must be 1–100 characters of letters, digits, ., _ and -`);
  const shopUrl = checkShopUrl(mall, shopId, input.shopUrl);
  const apiBaseUrl = checkApiBaseUrl(input.apiBaseUrl);
  const carrierCode = checkCarrier(input.carrierCode, mall);
  const rateLimitPerSec = checkRate(input.rateLimit);
  const credentials = 'file' in input.credentials ? readCredentialsFile(input.credentials.file, mall) : parseCredentialsText(input.credentials.text, mall, 'the credentials you gave');
  const taken = await findShopsByMallId(conn, shopId, mall);
  if (taken.length > 0) throw new ShopTakenError(`a ${mall} shop ${shopId} is already registered (seller ${taken[0]!.sellerCode}); change it with \`mallbridge shops update ${mall}:${shopId}\``, taken[0]!);
  const key = await keyForStoring(deps);
  await refuseSharedAccount(deps, mall, credentials);
  const expires = licenceExpiry(credentials);
  return insertShop(conn, {
    sellerId: seller.id,
    mall,
    mallShopId: shopId,
    shopUrl,
    apiBaseUrl,
    credentials: encryptCredentials(key, credentials),
    credentialsExpireAt: expires,
    carrierCode,
    rateLimitPerSec,
    autoOrderSync: input.autoOrderSync,
    autoOrderConfirm: input.autoOrderConfirm,
    autoInstruct: input.autoInstruct,
    autoStockSync: input.autoStockSync,
  }, deps.now());
}

/**
 * The key to store new credentials with (`own`: the shop whose credentials are replaced), checked
 * to open the credentials of the other shops, so that a wrong MALLBRIDGE_SECRET_KEY never leaves
 * the database with credentials under two keys. `own`'s old credentials do not count: they are
 * being replaced, so a shop whose key was lost can be given its credentials again under a new key.
 *
 * @throws ConfigError (exit 2, nothing stored) when it opens none of them.
 */
async function keyForStoring(deps: PipelineDeps, own?: Shop): Promise<Buffer> {
  const key = deps.secretKey(true);
  const shops = await listShops(deps.db.knex);
  const ordered = shops.filter((s) => s.id !== own?.id);
  const keyName = deps.config.secretKey ? 'MALLBRIDGE_SECRET_KEY' : `the key file ${deps.config.secretKeyFile}`;
  checkKeyOpensStored(key, ordered.map((s) => ({ label: shopLabel(s), credentials: s.credentials })), keyName);
  return key;
}

/**
 * Warnings about a shop as stored, for the summary of `shops add` / `shops update` (the command
 * still succeeds): a Rakuten licence key whose stored expiry date is past or within 14 days.
 */
export function shopWarnings(shop: Shop, now: Date): string[] {
  if (shop.mall !== 'rakuten' || !shop.credentialsExpireAt) return [];
  const warning = licenceExpiryWarning(kstDate(shop.credentialsExpireAt), now);
  return warning ? [warning.replace('<shop>', String(shop.id))] : [];
}

/** The values that identify one marketplace account: Naver's application id, Rakuten's keys. */
function accountIds(mall: Mall, credentials: Record<string, unknown>): string[] {
  const fields = mall === 'naver' ? ['applicationId'] : ['serviceSecret', 'licenseKey'];
  return fields.map((f) => credentials[f]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/**
 * Refuses credentials another shop already uses: one marketplace account registered as two shops
 * would load every order twice (two parcels for one order).
 *
 * @throws InputError naming the shop that has them.
 */
async function refuseSharedAccount(deps: PipelineDeps, mall: Mall, credentials: Record<string, unknown>, exceptShopId?: number): Promise<void> {
  const mine = new Set(accountIds(mall, credentials));
  const others = (await listShops(deps.db.knex)).filter((s) => s.mall === mall && s.id !== exceptShopId);
  if (others.length === 0) return;
  let key: Buffer;
  try {
    key = deps.secretKey();
  } catch {
    return; // no key yet: nothing stored can be compared
  }
  for (const other of others) {
    let stored: Record<string, unknown>;
    try {
      stored = decryptCredentials(key, other.credentials, shopLabel(other));
    } catch {
      continue;
    }
    if (accountIds(mall, stored).some((v) => mine.has(v))) {
      throw new ShopTakenError(`these credentials are already registered for ${shopLabel(other)} of seller ${other.sellerCode}: one marketplace account is one shop (two would load every order twice); use \`mallbridge shops update\` on that shop instead`, other);
    }
  }
}

/** What `shops update` may change; undefined = leave as is. */
export interface UpdateShopInput extends Partial<ShopOptions> {
  credentialsFile?: string;
  shopUrl?: string;
  apiBaseUrl?: string;
  carrierCode?: string;
  rateLimit?: string;
}

/** What `shops update` did. */
export interface ShopUpdate {
  shop: Shop;
  /**
   * The credentials or the API base URL were replaced while the shop had a health record (unhealthy,
   * authentication failures): health is back to unknown and the back-off ended, since its cause
   * was just changed.
   */
  healthReset: boolean;
}

/**
 * Changes a shop's settings or credentials (offline, like `addShop`). Replacing the credentials or
 * the API base URL resets the shop's health and authentication back-off: the next run or
 * `shops test` checks the new ones.
 *
 * @throws InputError, ConfigError (a key that does not open the stored credentials); nothing changed.
 */
export async function updateShopSettings(deps: PipelineDeps, shop: Shop, input: UpdateShopInput): Promise<ShopUpdate> {
  const changes: ShopChanges = {};
  if (input.credentialsFile !== undefined) {
    const credentials = readCredentialsFile(input.credentialsFile, shop.mall);
    const key = await keyForStoring(deps, shop);
    await refuseSharedAccount(deps, shop.mall, credentials, shop.id);
    changes.credentials = encryptCredentials(key, credentials);
    changes.credentialsExpireAt = licenceExpiry(credentials);
  }
  if (input.shopUrl !== undefined) changes.shopUrl = checkShopUrl(shop.mall, shop.mallShopId, input.shopUrl);
  if (input.apiBaseUrl !== undefined) changes.apiBaseUrl = input.apiBaseUrl === '' ? null : checkApiBaseUrl(input.apiBaseUrl);
  if (input.carrierCode !== undefined) changes.carrierCode = input.carrierCode === '' ? null : checkCarrier(input.carrierCode, shop.mall);
  if (input.rateLimit !== undefined) changes.rateLimitPerSec = input.rateLimit === '' ? null : checkRate(input.rateLimit);
  for (const k of ['autoOrderSync', 'autoOrderConfirm', 'autoInstruct', 'autoStockSync'] as const) if (input[k] !== undefined) changes[k] = input[k];
  if (Object.keys(changes).length === 0) throw new InputError('nothing to change: give --credentials-file, --auto-… on|off, --shop-url, --api-base-url, --carrier-code or --rate-limit');
  const causeChanged = changes.credentials !== undefined || (changes.apiBaseUrl !== undefined && changes.apiBaseUrl !== shop.apiBaseUrl);
  const healthReset = causeChanged && (shop.health !== 'unknown' || shop.authFailures > 0);
  const updated = await inTransaction(deps.db.knex, async (trx) => {
    if (healthReset) await resetShopHealth(trx, shop.id);
    return updateShop(trx, shop.id, changes, deps.now());
  });
  return { shop: updated, healthReset };
}

/**
 * Finds a shop by the `<shop>` argument (design.md §8): a number is `shops.id`; anything else
 * the marketplace id, `naver:ID` / `rakuten:ID` to say which mall.
 *
 * @throws InputError when nothing or more than one shop matches.
 */
export async function resolveShop(conn: Conn, ref: string): Promise<Shop> {
  const text = ref.trim();
  if (text === '') throw new InputError('--shop is empty: give a shop id, a marketplace id, or naver:ID / rakuten:ID');
  if (/^\d+$/.test(text)) {
    const shop = await findShopById(conn, Number(text));
    if (!shop) throw new InputError(`no shop with id ${text} (\`mallbridge shops list\` shows them; for a marketplace id made of digits write naver:${text} or rakuten:${text})`);
    return shop;
  }
  const m = /^(naver|rakuten):(.+)$/.exec(text);
  const found = await findShopsByMallId(conn, m ? m[2]! : text, m ? (m[1] as Mall) : undefined);
  if (found.length === 0) throw new InputError(`no shop ${text}; \`mallbridge shops list\` shows the registered shops`);
  if (found.length > 1) throw new InputError(`${text} names ${found.length} shops (${found.map(shopLabel).join(', ')}); write naver:${text} or rakuten:${text}`);
  return found[0]!;
}

/** A shop as `shops list` shows it: credentials masked, never their values. */
export function shopView(shop: Shop, key: Buffer | undefined) {
  let credentials: Record<string, string> = { error: 'cannot be read: no credentials key (MALLBRIDGE_SECRET_KEY or secret.key)' };
  if (key) {
    try {
      const raw = decryptCredentials(key, shop.credentials, shopLabel(shop));
      credentials = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k.endsWith('At') ? String(v) : maskSecret(String(v))]));
    } catch {
      credentials = { error: 'cannot be decrypted with this key' };
    }
  }
  return {
    id: shop.id,
    seller: shop.sellerCode,
    mall: shop.mall,
    shopId: shop.mallShopId,
    shopUrl: shop.shopUrl,
    apiBaseUrl: shop.apiBaseUrl,
    autoOrderSync: shop.autoOrderSync,
    autoOrderConfirm: shop.autoOrderConfirm,
    autoInstruct: shop.autoInstruct,
    autoStockSync: shop.autoStockSync,
    carrierCode: shop.carrierCode,
    rateLimitPerSec: shop.rateLimitPerSec,
    credentialsExpireOn: shop.credentialsExpireAt ? kstDate(shop.credentialsExpireAt) : null,
    health: shop.health,
    healthMessage: shop.healthMessage,
    credentials,
  };
}

export { listShops };
