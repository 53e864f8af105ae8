import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';
import { checkKeyOpensStored, decryptCredentials, encryptCredentials, resolveSecretKey } from '../../lib/secrets.js';

describe('credentials at rest (AES-256-GCM)', () => {
  const key = crypto.randomBytes(32);
  const creds = { applicationId: 'app-id-123', applicationSecret: '$2a$04$abcdefghijklmnopqrstuu' };

  test('round-trips, and the stored text holds none of the credential bytes', () => {
    const stored = encryptCredentials(key, creds);
    expect(stored.startsWith('mb1:')).toBe(true);
    expect(stored).not.toContain('app-id-123');
    expect(Buffer.from(stored.slice(4), 'base64').toString('latin1')).not.toContain('abcdefghij');
    expect(decryptCredentials(key, stored, 'shop 1')).toEqual(creds);
  });

  test('a wrong key is a clear ConfigError, not garbage', () => {
    const stored = encryptCredentials(key, creds);
    expect(() => decryptCredentials(crypto.randomBytes(32), stored, 'shop 7 (naver:x)')).toThrow(/shop 7 \(naver:x\) cannot be decrypted: MALLBRIDGE_SECRET_KEY/);
  });

  test('a tampered value fails authentication', () => {
    const stored = encryptCredentials(key, creds);
    const raw = Buffer.from(stored.slice(4), 'base64');
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => decryptCredentials(key, `mb1:${raw.toString('base64')}`, 'shop 1')).toThrow(ConfigError);
  });

  test('embedded database without a key: a 0600 key file is made once, when credentials are first stored, and reused', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-key-'));
    const config = loadConfig({ MALLBRIDGE_HOME: home }, '/');
    expect(() => resolveSecretKey(config)).toThrow(/no credentials key: .*restore secret.key from a backup/);
    expect(fs.existsSync(path.join(home, 'secret.key'))).toBe(false);
    const first = resolveSecretKey(config, { create: true });
    expect(first.source).toBe('new-file');
    expect(fs.statSync(path.join(home, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = resolveSecretKey(config);
    expect(second.source).toBe('file');
    expect(second.key).toEqual(first.key);
  });

  test('before storing, the key must open the credentials already stored: a wrong key is refused naming the shop', () => {
    const stored = [
      { label: 'shop 3 (naver:good)', credentials: encryptCredentials(key, creds) },
      { label: 'shop 4 (rakuten:r)', credentials: encryptCredentials(key, { serviceSecret: 'SP1_x', licenseKey: 'SL1_y' }) },
    ];
    expect(() => checkKeyOpensStored(crypto.randomBytes(32), stored, 'MALLBRIDGE_SECRET_KEY')).toThrow(
      new ConfigError('MALLBRIDGE_SECRET_KEY does not open the credentials already stored (shop 3 (naver:good) and 1 other shop): use the key they were stored with; nothing was changed'),
    );
    expect(() => checkKeyOpensStored(key, stored, 'MALLBRIDGE_SECRET_KEY')).not.toThrow();
    // One shop stored under another key (before this check existed) does not block the right key.
    expect(() => checkKeyOpensStored(key, [{ label: 'shop 1 (naver:old)', credentials: encryptCredentials(crypto.randomBytes(32), creds) }, ...stored], 'x')).not.toThrow();
    // Nothing stored yet: any key will do.
    expect(() => checkKeyOpensStored(crypto.randomBytes(32), [], 'MALLBRIDGE_SECRET_KEY')).not.toThrow();
  });

  test('MySQL without MALLBRIDGE_SECRET_KEY is refused, naming the variable', () => {
    const config = loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1/x' }, '/');
    expect(() => resolveSecretKey(config)).toThrow(/MALLBRIDGE_SECRET_KEY is required when DATABASE_URL is set/);
  });
});
