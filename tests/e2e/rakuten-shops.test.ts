/**
 * `mallbridge shops add` + `shops test` for Rakuten as a seller runs them: the built CLI as a
 * subprocess, on an embedded database of its own, against sandboxes on 127.0.0.1 — one whose key
 * works, one whose licence key has expired.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { kstDate } from '../../lib/time.js';
import { runCli } from '../helpers/cli.js';

const DAY = 86_400_000;

describe('Rakuten shops add + shops test against the sandbox', () => {
  let home: string;
  let env: Record<string, string>;
  let valid: RakutenSandbox;
  let expired: RakutenSandbox;
  let soon: RakutenSandbox;
  const yesterday = kstDate(new Date(Date.now() - DAY));
  const run = (args: string[]) => runCli(args, env);

  /** Writes a credentials file and registers a shop with it; returns the shop id `shops add` printed. */
  async function addShop(shopId: string, sandbox: RakutenSandbox, credentials: Record<string, string>): Promise<number> {
    const file = path.join(home, `${shopId}.json`);
    fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
    const added = await run([
      'shops', 'add', '--seller', 'acme', '--mall', 'rakuten', '--shop-id', shopId,
      '--shop-url', `https://www.rakuten.ne.jp/${shopId}`, '--api-base-url', sandbox.baseUrl,
      '--credentials-file', file, '--json',
    ]);
    expect(added.code).toBe(0);
    // Only the warning of a licence past or near its stored expiry date (also in the JSON), nothing else.
    const { id, warnings } = added.json as { id: number; warnings: string[] };
    const days = credentials.licenseExpiresAt ? (Date.parse(credentials.licenseExpiresAt) - Date.now()) / DAY : Infinity;
    expect(warnings).toHaveLength(days < 13 ? 1 : days > 15 ? 0 : warnings.length);
    expect(added.stderr).toBe(warnings.map((w) => `Warning: ${w}\n`).join(''));
    return id;
  }

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-rakuten-shops-'));
    env = { MALLBRIDGE_HOME: home, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    // One key pair is one shop (`shops add` refuses a pair registered already): each sandbox has its own.
    valid = await startRakutenSandbox();
    expired = await startRakutenSandbox({ serviceSecret: 'SP387654_expiredPairA1', licenseKey: 'SL387654_expiredPairB2', licenseExpiresAt: yesterday });
    soon = await startRakutenSandbox({ serviceSecret: 'SP387654_soonPairC3', licenseKey: 'SL387654_soonPairD4' });
    expect((await run(['db', 'migrate'])).code).toBe(0);
    expect((await run(['sellers', 'add', 'acme'])).code).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([valid.close(), expired.close(), soon.close()]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('a valid key: exit 0 and the sandbox answered one search call', async () => {
    const id = await addShop('good-shop', valid, valid.credentials);
    const before = valid.received().searchOrder;
    const result = await run(['shops', 'test', String(id)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`shop ${id} (rakuten:good-shop): OK — Rakuten RMS answered for shop good-shop: the key pair works.`);
    expect(valid.received().searchOrder).toBe(before + 1);
    const json = await run(['shops', 'test', 'good-shop', '--json']);
    expect(json.code).toBe(0);
    expect(json.json).toMatchObject({ shopId: id, ok: true });
  });

  test('an expired licence key: exit 1 with the licence sentence and the passed expiry date; the shop is marked unhealthy', async () => {
    const id = await addShop('old-shop', expired, expired.credentials);
    const result = await run(['shops', 'test', String(id)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`shop ${id} (rakuten:old-shop): FAILED — Rakuten refused the key pair (ES01-01)`);
    expect(result.stdout).toContain(`(the stored expiry date ${yesterday} has passed)`);
    expect(result.stdout).toContain('licence key invalid or expired, or serviceSecret and licenseKey do not belong together — check both in RMS (WEB APIサービス) and issue a new licence key');
    expect(result.stdout).toContain('a newly issued key can take 10–30 minutes to start working');
    const list = await run(['shops', 'list', '--json']);
    expect((list.json as Array<{ id: number; health: string }>).find((s) => s.id === id)!.health).toBe('unhealthy');
    // The key, on the screen or in the log, never.
    const log = fs.readFileSync(path.join(home, 'logs', 'mallbridge.log'), 'utf8');
    for (const secret of [expired.credentials.licenseKey, expired.credentials.serviceSecret]) {
      expect(result.stdout + result.stderr + log).not.toContain(secret);
    }
  });

  test('a working key whose stored expiry date is 5 days away: exit 0 with the warning to issue a new key', async () => {
    const date = kstDate(new Date(Date.now() + 5 * DAY));
    const id = await addShop('soon-shop', soon, { ...soon.credentials, licenseExpiresAt: date });
    const result = await run(['shops', 'test', String(id)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`The Rakuten licence key expires on ${date} (in 5 days): issue a new licence key in RMS (WEB APIサービス)`);
    expect(result.stdout).toContain('a new key can take 10–30 minutes to start working');
  });
});
