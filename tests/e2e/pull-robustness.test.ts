import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { BIN, REPO, runCli } from '../helpers/cli.js';
import { dialects, freshDatabase, type TestDb } from '../helpers/databases.js';

/**
 * "Nothing lost, nothing doubled" for orders:pull (design.md §6, issue 16), with the CLI as a
 * user runs it: a few hundred orders over both malls; two pulls at once, a pull killed with
 * SIGKILL half-way and run again, and a pull through marketplace faults each leave exactly the
 * state of one clean pull.
 */

const EXTRA = 150;

/** The business state without ids and times: parcels with their lines, and every line's mapping. */
async function state(k: Knex): Promise<string> {
  const fos = (await k('fulfillment_orders as f').join('shops as s', 's.id', 'f.shop_id').select('s.mall', 'f.id', 'f.mall_order_id', 'f.mall_package_id', 'f.status', 'f.recipient_name', 'f.address1')) as Array<Record<string, unknown>>;
  const lines = (await k('fulfillment_order_lines as l').join('skus as k', 'k.id', 'l.sku_id').join('mall_order_lines as m', 'm.id', 'l.mall_order_line_id').select('l.fulfillment_order_id', 'm.mall_line_id', 'k.sku_code', 'l.quantity')) as Array<Record<string, unknown>>;
  const parcels = fos
    .map((f) => [f.mall, f.mall_order_id, f.mall_package_id, f.status, f.recipient_name, f.address1, lines.filter((l) => l.fulfillment_order_id === f.id).map((l) => `${String(l.mall_line_id)}:${String(l.sku_code)}x${String(l.quantity)}`).sort().join(',')].join('|'))
    .sort();
  const mapping = ((await k('mall_order_lines').select('mall_line_id', 'mapping_status', 'mapping_rule', 'line_state')) as Array<Record<string, unknown>>).map((l) => [l.mall_line_id, l.mapping_status, l.mapping_rule, l.line_state].join('|')).sort();
  return JSON.stringify({ parcels, mapping });
}

describe.each(dialects())('orders:pull robustness on %s', (dialect) => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let reference: string;
  const dbs: TestDb[] = [];

  async function setUp(rateLimit = '1000'): Promise<{ t: TestDb; env: Record<string, string | undefined> }> {
    const t = await freshDatabase(dialect, { migrate: false });
    dbs.push(t);
    const env = { MALLBRIDGE_HOME: t.home, DATABASE_URL: t.databaseUrl, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    const creds = (name: string, value: unknown) => {
      const p = path.join(t.home, name);
      fs.writeFileSync(p, JSON.stringify(value));
      return p;
    };
    const steps = [
      ['db', 'migrate'],
      ['sellers', 'add', 'robust'],
      ['shops', 'add', '--seller', 'robust', '--mall', 'naver', '--shop-id', 'rn', '--api-base-url', naver.baseUrl, '--credentials-file', creds('n.json', naver.credentials), '--rate-limit', rateLimit, '--auto-sync', '--auto-confirm'],
      ['shops', 'add', '--seller', 'robust', '--mall', 'rakuten', '--shop-id', 'rr', '--shop-url', 'https://www.rakuten.ne.jp/rr', '--api-base-url', rakuten.baseUrl, '--credentials-file', creds('r.json', rakuten.credentials), '--rate-limit', rateLimit, '--auto-sync', '--auto-confirm'],
      ['skus', 'import', path.join(REPO, 'samples/demo-skus.xlsx'), '--seller', 'robust'],
      ['mappings', 'import', path.join(REPO, 'samples/demo-name-mappings.xlsx'), '--seller', 'robust'],
    ];
    for (const args of steps) {
      const r = await runCli(args, env);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    }
    return { t, env };
  }

  beforeAll(async () => {
    naver = await startNaverSandbox({ extraOrders: EXTRA, seed: 7 });
    rakuten = await startRakutenSandbox({ extraOrders: EXTRA, seed: 7 });
    const { t, env } = await setUp();
    const r = await runCli(['run', 'orders:pull'], env);
    expect(r.code).toBe(0);
    reference = await state(t.db.knex);
    expect(JSON.parse(reference).parcels.length).toBeGreaterThan(250);
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    for (const t of dbs) await t.drop();
  });

  test('two pulls started at the same time leave the state of one', async () => {
    const { t, env } = await setUp();
    const [a, b] = await Promise.all([runCli(['run', 'orders:pull'], env), runCli(['run', 'orders:pull'], env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(await state(t.db.knex)).toBe(reference);
  });

  test('a pull killed with SIGKILL half-way and run again leaves the state of one', async () => {
    const { t, env } = await setUp('20');
    const child = spawn(process.execPath, [BIN, 'run', 'orders:pull'], { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env } as NodeJS.ProcessEnv, stdio: 'ignore' });
    // Kill it once some pages are committed but before the end.
    const started = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const n = Number(((await t.db.knex('mall_order_lines').count({ n: '*' }).first()) as { n: number }).n);
      if (n > 0 || Date.now() - started > 20_000) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = await state(t.db.knex);
    expect(partial).not.toBe(reference);
    const again = await runCli(['run', 'orders:pull'], env);
    expect(again.code).toBe(0);
    expect(await state(t.db.knex)).toBe(reference);
  });

  test('429s, 500s and garbled answers from both marketplaces lose nothing', async () => {
    const { t, env } = await setUp();
    naver.setRandomFaults({ seed: 11, rates: { '429': 0.15, '500': 0.1, malformed: 0.1 }, routes: 'reads' });
    rakuten.setRandomFaults({ seed: 11, probability: 0.3, faults: [{ kind: '429' }, { kind: '500' }, { kind: 'malformed' }] });
    try {
      const r = await runCli(['run', 'orders:pull'], env);
      // Every fault is ridden out by the retry policy, or reported and re-read on the next pull.
      if (r.code !== 0) expect((await runCli(['run', 'orders:pull'], env)).code).toBeLessThanOrEqual(1);
    } finally {
      naver.setRandomFaults(null);
      rakuten.setRandomFaults(null);
    }
    const clean = await runCli(['run', 'orders:pull'], env);
    expect(clean.code).toBe(0);
    expect(await state(t.db.knex)).toBe(reference);
  });
});
