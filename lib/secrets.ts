import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { ConfigError } from './errors.js';
import { rememberSecret } from './redact.js';

const FORMAT = 'mb1';
const AAD = Buffer.from('mallbridge:shop-credentials:v1');

/** Where the credentials key came from, so a command can tell the user it made a key file. */
export interface SecretKey {
  key: Buffer;
  source: 'env' | 'file' | 'new-file';
  file?: string;
}

/**
 * Resolves the AES-256 key that encrypts shop credentials at rest (design.md §9):
 * MALLBRIDGE_SECRET_KEY when set; otherwise, on the embedded database only,
 * `$MALLBRIDGE_HOME/secret.key`. The key file is created (mode 0600) only when `create` is set —
 * i.e. when credentials are about to be stored and none exist yet; a missing file is never
 * silently replaced while stored credentials depend on it.
 *
 * @throws ConfigError when DATABASE_URL is set without MALLBRIDGE_SECRET_KEY, when the key file is
 *   missing and may not be created, or when it is unreadable or malformed.
 */
export function resolveSecretKey(config: Config, options: { create?: boolean } = {}): SecretKey {
  if (config.secretKey) return { key: config.secretKey, source: 'env' };
  if (config.databaseUrl) {
    throw new ConfigError(
      'MALLBRIDGE_SECRET_KEY is required when DATABASE_URL is set (32 random bytes in base64, e.g. `openssl rand -base64 32`); keep it the same on every worker',
      'MALLBRIDGE_SECRET_KEY',
    );
  }
  const file = config.secretKeyFile;
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8').trim();
    const key = Buffer.from(text, 'base64');
    if (key.length !== 32) {
      throw new ConfigError(`${file} does not hold a 32-byte base64 key; restore it from a backup or set MALLBRIDGE_SECRET_KEY`, 'MALLBRIDGE_SECRET_KEY');
    }
    return { key, source: 'file', file };
  }
  if (!options.create) {
    throw new ConfigError(
      `no credentials key: MALLBRIDGE_SECRET_KEY is unset and ${file} does not exist; stored credentials can only be read with the key they were stored with — restore secret.key from a backup or set MALLBRIDGE_SECRET_KEY`,
      'MALLBRIDGE_SECRET_KEY',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'new-file', file };
}

/** Encrypts a credentials object with AES-256-GCM: `mb1:<base64 iv|tag|ciphertext>`. */
export function encryptCredentials(key: Buffer, credentials: Record<string, unknown>): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const ct = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return `${FORMAT}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64')}`;
}

/**
 * Decrypts what {@link encryptCredentials} wrote and remembers every string value for log
 * redaction.
 *
 * @param label names the owner in the error message, e.g. `shop 3 (naver:my-store)`.
 * @throws ConfigError when the key is not the one the value was encrypted with, or the value is
 *   not ours.
 */
export function decryptCredentials(key: Buffer, stored: string, label: string): Record<string, unknown> {
  const [format, body] = stored.split(':', 2);
  if (format !== FORMAT || !body) {
    throw new ConfigError(`the stored credentials of ${label} are not in a format this version can read`);
  }
  const raw = Buffer.from(body, 'base64');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const value = JSON.parse(text) as Record<string, unknown>;
    // Dates such as Rakuten's licenseExpiresAt are not secrets; every other string value is.
    for (const [k, v] of Object.entries(value)) if (typeof v === 'string' && !k.endsWith('At')) rememberSecret(v);
    return value;
  } catch (err) {
    throw new ConfigError(
      `the credentials of ${label} cannot be decrypted: MALLBRIDGE_SECRET_KEY (or the key file) is not the key they were stored with`,
      'MALLBRIDGE_SECRET_KEY',
      { cause: err },
    );
  }
}

/** Credentials already stored, as {@link checkKeyOpensStored} needs them. */
export interface StoredCredentials {
  /** How messages name the owner, e.g. `shop 3 (naver:my-store)`. */
  label: string;
  credentials: string;
}

/**
 * Checks, before new credentials are stored, that `key` is the key the credentials already stored
 * were encrypted with: a wrong key would leave the database holding credentials under two keys,
 * and whichever key later runs use, some shops could not be read. The key passes when it opens any
 * of `stored` (tried in order, so callers put the most telling first); with nothing stored, any
 * key passes.
 *
 * @param keyName names where the key came from in the message: `MALLBRIDGE_SECRET_KEY` or the key file.
 * @throws ConfigError (exit 2) naming the first stored credentials the key does not open.
 */
export function checkKeyOpensStored(key: Buffer, stored: StoredCredentials[], keyName: string): void {
  if (stored.length === 0) return;
  for (const s of stored) {
    try {
      decryptCredentials(key, s.credentials, s.label);
      return;
    } catch {
      // try the next: one shop stored under another key must not block the rest
    }
  }
  const others = stored.length - 1;
  throw new ConfigError(
    `${keyName} does not open the credentials already stored (${stored[0]!.label}${others > 0 ? ` and ${others} other shop${others === 1 ? '' : 's'}` : ''}): use the key they were stored with; nothing was changed`,
    'MALLBRIDGE_SECRET_KEY',
  );
}
