import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { runCli } from '../helpers/cli.js';

/**
 * `mallbridge shops add` + `shops test` for Naver shops, as a seller runs them: the built CLI as a
 * subprocess against the Naver sandbox on 127.0.0.1, on an embedded database of its own. Exit 0
 * when the keys work; exit 1 with a sentence naming the cause otherwise (design.md §8).
 */

let home: string;
let env: Record<string, string>;
let sandbox: NaverSandbox;
const run = (args: string[]) => runCli(args, env);

function credentialsFile(name: string, credentials: { applicationId: string; applicationSecret: string }): string {
  const file = path.join(home, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return file;
}

/** `shops update acme-store …` (one marketplace account is one shop, so the cases change that shop). */
async function update(args: string[]): Promise<void> {
  const r = await run(['shops', 'update', 'acme-store', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

/** A port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-naver-shops-'));
  env = { MALLBRIDGE_HOME: home, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
  sandbox = await startNaverSandbox();
  expect((await run(['db', 'migrate'])).code).toBe(0);
  expect((await run(['sellers', 'add', 'acme'])).code).toBe(0);
  const added = await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'acme-store', '--api-base-url', sandbox.baseUrl, '--credentials-file', credentialsFile('right', sandbox.credentials)]);
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
});
afterAll(async () => {
  await sandbox.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('mallbridge shops test for a Naver shop', () => {
  test('the right secret: exit 0, and the shop is healthy', async () => {
    const r = await run(['shops', 'test', 'acme-store']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^shop \d+ \(naver:acme-store\): OK — Connected to Naver: the application ID and secret are accepted/m);
    expect(r.code).toBe(0);
    const json = await run(['shops', 'test', 'acme-store', '--json']);
    expect(json.json).toMatchObject({ ok: true, shop: expect.stringContaining('acme-store') });
    const list = (await run(['shops', 'list', '--json'])).json as Array<{ shopId: string; health: string }>;
    expect(list.find((v) => v.shopId === 'acme-store')).toMatchObject({ health: 'healthy' });
  });

  test('a wrong secret: exit 1, and the sentence says the secret does not match', async () => {
    await update(['--credentials-file', credentialsFile('wrong', { ...sandbox.credentials, applicationSecret: '$2a$04$QKLnou1D2cSH19Pia30bcu' })]);
    try {
      const r = await run(['shops', 'test', 'acme-store']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('FAILED — Naver refused the application ID or secret: the secret does not match the application ID');
      expect(r.stdout).toContain('커머스API센터');
      const list = (await run(['shops', 'list', '--json'])).json as Array<{ shopId: string; health: string; healthMessage: string }>;
      expect(list.find((v) => v.shopId === 'acme-store')).toMatchObject({ health: 'unhealthy', healthMessage: expect.stringContaining('the secret does not match') });
    } finally {
      await update(['--credentials-file', credentialsFile('right', sandbox.credentials)]);
    }
  });

  test('a rate-limited sandbox: exit 1 with the rate-limit sentence', async () => {
    sandbox.addFault({ kind: '429', times: Infinity });
    try {
      const r = await run(['shops', 'test', 'acme-store']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("FAILED — Naver is limiting this application's calls (GW.RATE_LIMIT)");
    } finally {
      sandbox.clearFaults();
    }
  });

  test('an unreachable server: exit 1 naming the URL that could not be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/external`;
    await update(['--api-base-url', url]);
    try {
      const r = await run(['shops', 'test', 'acme-store']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`FAILED — The Naver Commerce API at ${url} could not be reached (ECONNREFUSED)`);
    } finally {
      await update(['--api-base-url', sandbox.baseUrl]);
    }
  });

  test('a base URL that is not the API: exit 1 saying so, not blaming the secret', async () => {
    const url = sandbox.baseUrl.replace(/\/external$/, '/partner');
    await update(['--api-base-url', url]);
    try {
      const r = await run(['shops', 'test', 'acme-store']);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`FAILED — The API base URL ${url} does not lead to the Naver Commerce API`);
      expect(r.stdout).not.toContain('secret');
    } finally {
      await update(['--api-base-url', sandbox.baseUrl]);
    }
  });
});
