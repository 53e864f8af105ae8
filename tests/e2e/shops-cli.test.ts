/**
 * `shops add` / `shops update` as a seller runs them (the built CLI on an embedded database of its
 * own; offline, no marketplace called): a wrong credentials key never stores anything, replacing
 * the credentials or the API base URL ends the shop's back-off, a pasted key is never echoed, an
 * API base URL with a query is refused, and a Rakuten licence past its date is warned about.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { kstDate, toDbTime } from '../../lib/time.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const DAY = 86_400_000;

describe('shops add / shops update', () => {
  let home: string;
  let env: Record<string, string>;
  const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });
  const file = (name: string, value: unknown) => {
    const p = path.join(home, name);
    fs.writeFileSync(p, JSON.stringify(value), { mode: 0o600 });
    return p;
  };
  const naver = (name: string, id: string) => file(name, { applicationId: id, applicationSecret: '$2a$04$abcdefghijklmnopqrstuu' });
  const rakuten = (name: string, shop: string, licenseExpiresAt: string) => file(name, { serviceSecret: `SP${shop}_abc`, licenseKey: `SL${shop}_def`, licenseExpiresAt });
  /** Runs `fn` on the database file directly. */
  const db = async <T>(fn: (k: knex.Knex) => Promise<T>): Promise<T> => {
    const k = knex({ client: 'better-sqlite3', connection: { filename: path.join(home, 'mallbridge.sqlite') }, useNullAsDefault: true });
    try {
      return await fn(k);
    } finally {
      await k.destroy();
    }
  };
  const shopsRows = () => db(async (k) => JSON.stringify(await k('shops').orderBy('id')));
  const expectRefused = (r: CliResult, message: RegExp | string) => {
    expect(r.code).toBe(2);
    if (typeof message === 'string') expect(r.stderr).toContain(message);
    else expect(r.stderr).toMatch(message);
  };

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-shops-cli-'));
    env = { MALLBRIDGE_HOME: home, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    expect((await run(['db', 'migrate'])).code).toBe(0);
    expect((await run(['sellers', 'add', 'acme'])).code).toBe(0);
    const added = await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'good', '--api-base-url', 'http://127.0.0.1:9/external', '--credentials-file', naver('good.json', 'good-app')]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  test('a MALLBRIDGE_SECRET_KEY that does not open the stored credentials is refused by add and update (exit 2, nothing changed)', async () => {
    expect((await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'two', '--api-base-url', 'http://127.0.0.1:9/external', '--credentials-file', naver('two.json', 'two-app')])).code).toBe(0);
    const wrong = { MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    const before = await shopsRows();
    expectRefused(await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'other', '--credentials-file', naver('other.json', 'other-app')], wrong), 'MALLBRIDGE_SECRET_KEY does not open the credentials already stored (shop 1 (naver:good) and 1 other shop): use the key they were stored with');
    // Updating shop 1 checks the other shops' credentials (shop 1's own are being replaced).
    expectRefused(await run(['shops', 'update', '1', '--credentials-file', naver('good2.json', 'good-app')], wrong), 'MALLBRIDGE_SECRET_KEY does not open the credentials already stored (shop 2 (naver:two)): use the key they were stored with');
    expect(await shopsRows()).toBe(before);
    // Settings that store no credentials need no key, and the right key stores credentials as before.
    expect((await run(['shops', 'update', '1', '--carrier-code', 'CJ'], wrong)).code).toBe(0);
    expect((await run(['shops', 'update', '1', '--credentials-file', naver('good2.json', 'good-app')])).code).toBe(0);
    expect((await run(['shops', 'test', '1'], wrong)).stderr).toContain('cannot be decrypted');
  });

  test('a lost key: the only shop can be given its credentials again under a new key', async () => {
    const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-shops-lost-'));
    try {
      const first = { MALLBRIDGE_HOME: lone, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
      for (const args of [['db', 'migrate'], ['sellers', 'add', 'solo'], ['shops', 'add', '--seller', 'solo', '--mall', 'naver', '--shop-id', 'solo', '--credentials-file', naver('solo.json', 'solo-app')]]) expect((await run(args, first)).code).toBe(0);
      const next = { ...first, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
      expect((await run(['shops', 'update', '1', '--credentials-file', naver('solo.json', 'solo-app')], next)).code).toBe(0);
      const list = await run(['shops', 'list', '--json'], next);
      expect(JSON.stringify(list.json)).not.toContain('cannot be decrypted');
    } finally {
      fs.rmSync(lone, { recursive: true, force: true });
    }
  });

  test('replacing the credentials or the API base URL resets health and the authentication back-off; other settings do not', async () => {
    const unhealthy = () =>
      db((k) => k('shops').where({ id: 1 }).update({ health: 'unhealthy', health_message: 'Naver refused the application ID or secret', health_checked_at: toDbTime(new Date()), auth_failures: 3 }));
    const health = () => db(async (k) => (await k('shops').where({ id: 1 }).first('health', 'health_message', 'health_checked_at', 'auth_failures')) as Record<string, unknown>);
    const reset = { health: 'unknown', health_message: null, health_checked_at: null, auth_failures: 0 };

    await unhealthy();
    const creds = await run(['shops', 'update', '1', '--credentials-file', naver('good3.json', 'good-app')]);
    expect(creds.code).toBe(0);
    expect(creds.stdout).toContain('health reset (was unhealthy, 3 authentication failures): the next run or `shops test` checks it');
    expect(await health()).toEqual(reset);

    await unhealthy();
    const url = await run(['shops', 'update', '1', '--api-base-url', 'http://127.0.0.1:10/external', '--json']);
    expect(url.code).toBe(0);
    expect(url.json).toMatchObject({ health: 'unknown', healthReset: true, changed: expect.arrayContaining([expect.stringMatching(/^health reset/)]) });
    expect(await health()).toEqual(reset);

    await unhealthy();
    const other = await run(['shops', 'update', '1', '--auto-sync', 'on', '--api-base-url', 'http://127.0.0.1:10/external']);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toContain('health reset');
    expect(await health()).toMatchObject({ health: 'unhealthy', auth_failures: 3 });
  });

  test('a value that is no file name (a pasted key) is never echoed; a missing path is named, its ":" intact', async () => {
    const pasted = 'SP387654_4mB9sXq2Lr7TzV1kNcW8hJ';
    const before = await shopsRows();
    for (const args of [
      ['shops', 'add', '--seller', 'acme', '--mall', 'rakuten', '--shop-id', 'r6', '--shop-url', 'https://www.rakuten.ne.jp/r6', '--credentials-file', pasted],
      ['shops', 'update', '1', '--credentials-file', pasted],
      ['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'n6', '--credentials-file', '{"applicationId":"x1","applicationSecret":"y"}'],
    ]) {
      const r = await run(args);
      expectRefused(r, '--credentials-file must name a JSON file; credentials are never taken on the command line');
      expect(r.stdout + r.stderr).not.toMatch(/4mB9sXq2|x1/);
    }
    const missing = path.join(home, 'nope', 'applicationSecret=$2a$04$abcdefghijklmnopqrstuu');
    const r = await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'n6', '--credentials-file', missing]);
    expectRefused(r, `cannot read the credentials file ${path.join(home, 'nope')}/applicationSecret=[REDACTED] (no such file)`);
    expect(r.stderr).not.toContain('abcdefghijklmnopqrstuu');
    expect(await shopsRows()).toBe(before);
  });

  test.each(['http://127.0.0.1:47101/external?x=1#frag', 'http://127.0.0.1:47101/external#frag', 'http://127.0.0.1:47101/external?', 'ftp://127.0.0.1/external'])(
    'an API base URL %s is refused by add and update with exit 2',
    async (url) => {
      const before = await shopsRows();
      const message = /--api-base-url must (be a base URL without \?query or #fragment|be an http\(s\) URL)/;
      expectRefused(await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'n7', '--api-base-url', url, '--credentials-file', naver('n7.json', 'n7-app')]), message);
      expectRefused(await run(['shops', 'update', '1', '--api-base-url', url]), message);
      expect(await shopsRows()).toBe(before);
    },
  );

  test("a carrier code of the other marketplace is refused by add and update with exit 2", async () => {
    const before = await shopsRows();
    const message = /--carrier-code 1000 is not a Naver delivery company code/;
    expectRefused(await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'n8', '--carrier-code', '1000', '--credentials-file', naver('n8.json', 'n8-app')]), message);
    expectRefused(await run(['shops', 'update', '1', '--carrier-code', '1000']), message);
    expect(await shopsRows()).toBe(before);
  });

  test('a Rakuten licence whose stored expiry date has passed or is near is stored with a warning (stderr and --json), exit 0', async () => {
    const passed = await run(['shops', 'add', '--seller', 'acme', '--mall', 'rakuten', '--shop-id', 'r1', '--shop-url', 'https://www.rakuten.ne.jp/r1', '--credentials-file', rakuten('r1.json', '1', '2020-01-01')]);
    expect(passed.code).toBe(0);
    expect(passed.stderr).toContain('Warning: The stored Rakuten licence key expiry date 2020-01-01 has passed: issue a new licence key in RMS');
    expect(passed.stderr).toMatch(/`mallbridge shops update \d+ --credentials-file F`/);
    const soon = kstDate(new Date(Date.now() + 5 * DAY));
    const near = await run(['shops', 'add', '--seller', 'acme', '--mall', 'rakuten', '--shop-id', 'r2', '--shop-url', 'https://www.rakuten.ne.jp/r2', '--credentials-file', rakuten('r2.json', '2', soon), '--json']);
    expect(near.code).toBe(0);
    expect(near.json).toMatchObject({ shopId: 'r2', warnings: [expect.stringContaining(`The Rakuten licence key expires on ${soon} (in 5 days)`)] });
    expect(near.stderr).toContain(`Warning: The Rakuten licence key expires on ${soon}`);
    const later = await run(['shops', 'add', '--seller', 'acme', '--mall', 'rakuten', '--shop-id', 'r3', '--shop-url', 'https://www.rakuten.ne.jp/r3', '--credentials-file', rakuten('r3.json', '3', kstDate(new Date(Date.now() + 60 * DAY))), '--json']);
    expect(later.code).toBe(0);
    expect(later.stderr).toBe('');
    expect(later.json).toMatchObject({ warnings: [] });
  });
});
