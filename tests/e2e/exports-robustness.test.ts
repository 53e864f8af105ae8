import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { BIN, REPO, runCli } from '../helpers/cli.js';
import { dialects, freshDatabase, type TestDb } from '../helpers/databases.js';

/**
 * "Exactly once" back to the marketplaces (design.md §6, issue 17), with the CLI as a user runs
 * it, counted from the write requests each sandbox received: after pull → confirm → pull →
 * instruct → invoices → tracking → stock, every parcel's tracking number reached its marketplace
 * once and no order was confirmed twice — through injected faults (answers lost after the write
 * was made, 429s, cut-off bodies), and with `tracking:push` killed (SIGKILL) half-way and run again.
 */

const EXTRA = 40;

interface Cycle {
  t: TestDb;
  env: Record<string, string | undefined>;
  naver: NaverSandbox;
  rakuten: RakutenSandbox;
}

/** Runs a job until it exits 0 (faults may leave items for the next run), at most `tries` times. */
async function runUntilDone(env: Cycle['env'], args: string[], tries = 6): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < tries; i++) {
    const r = await runCli(args, env);
    codes.push(r.code ?? -1);
    if (r.code === 0) break;
    if (r.code === 2) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
  return codes;
}

describe.each(dialects())('exports exactly once on %s', (dialect) => {
  const cycles: Cycle[] = [];

  async function setUp(rateLimit: string): Promise<Cycle> {
    const naver = await startNaverSandbox({ extraOrders: EXTRA, seed: 5 });
    const rakuten = await startRakutenSandbox({ extraOrders: EXTRA, seed: 5 });
    const t = await freshDatabase(dialect, { migrate: false });
    const c: Cycle = { t, env: { MALLBRIDGE_HOME: t.home, DATABASE_URL: t.databaseUrl, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') }, naver, rakuten };
    cycles.push(c);
    const creds = (name: string, value: unknown) => {
      const p = path.join(t.home, name);
      fs.writeFileSync(p, JSON.stringify(value));
      return p;
    };
    const auto = ['--auto-sync', '--auto-confirm', '--auto-instruct', '--auto-stock-sync', '--rate-limit', rateLimit];
    const steps = [
      ['db', 'migrate'],
      ['sellers', 'add', 'once'],
      ['shops', 'add', '--seller', 'once', '--mall', 'naver', '--shop-id', 'on', '--api-base-url', naver.baseUrl, '--credentials-file', creds('n.json', naver.credentials), ...auto],
      ['shops', 'add', '--seller', 'once', '--mall', 'rakuten', '--shop-id', 'or', '--shop-url', 'https://www.rakuten.ne.jp/or', '--api-base-url', rakuten.baseUrl, '--credentials-file', creds('r.json', rakuten.credentials), ...auto],
      ['skus', 'import', path.join(REPO, 'samples/demo-skus.xlsx'), '--seller', 'once'],
      ['mappings', 'import', path.join(REPO, 'samples/demo-name-mappings.xlsx'), '--seller', 'once'],
      ['stock', 'import', path.join(REPO, 'samples/demo-stock.csv'), '--seller', 'once'],
      ['run', 'orders:pull'],
    ];
    for (const args of steps) {
      const r = await runCli(args, c.env);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
    }
    return c;
  }

  afterAll(async () => {
    for (const c of cycles) {
      await c.naver.close();
      await c.rakuten.close();
      await c.t.drop();
    }
  });

  /** Confirm, pull the new statuses, instruct, issue invoices: every parcel `shipped`, ready to push. */
  async function untilShipped(c: Cycle): Promise<void> {
    expect((await runUntilDone(c.env, ['run', 'orders:confirm'])).at(-1)).toBe(0);
    expect((await runCli(['run', 'orders:pull'], c.env)).code).toBe(0);
    expect((await runCli(['run', 'orders:instruct'], c.env)).code).toBe(0);
    expect((await runCli(['invoices', 'issue'], c.env)).code).toBe(0);
  }

  /** Every parcel reached its marketplace exactly once with its QSP number, and nothing else was dispatched. */
  async function expectEachDispatchedOnce(c: Cycle): Promise<void> {
    const k = c.t.db.knex;
    const parcels = (await k('fulfillment_orders as f')
      .join('shops as s', 's.id', 'f.shop_id')
      .join('shipments as h', 'h.fulfillment_order_id', 'f.id')
      .select('s.mall', 'f.id', 'f.mall_order_id', 'f.mall_package_id', 'f.status', 'h.tracking_number')) as Array<{ mall: string; id: number; mall_order_id: string; mall_package_id: string; status: string; tracking_number: string }>;
    expect(parcels.length).toBeGreaterThan(40);
    expect(new Set(parcels.map((p) => p.status))).toEqual(new Set(['tracking_sent']));
    expect(parcels.every((p) => p.tracking_number.startsWith('QSP'))).toBe(true);

    // Naver: one accepted dispatch per product order line of a parcel, with the parcel's number.
    const naverLines = (await k('fulfillment_order_lines as l').join('fulfillment_orders as f', 'f.id', 'l.fulfillment_order_id').join('shops as s', 's.id', 'f.shop_id').join('mall_order_lines as m', 'm.id', 'l.mall_order_line_id').where('s.mall', 'naver').distinct('m.mall_line_id', 'f.id')) as Array<{ mall_line_id: string; id: number }>;
    const naverNumber = new Map(parcels.filter((p) => p.mall === 'naver').map((p) => [p.id, p.tracking_number]));
    const dispatched = c.naver.writes.filter((w) => w.kind === 'dispatch' && w.ok) as Array<{ productOrderId: string; trackingNumber: string }>;
    expect(dispatched.map((w) => `${w.productOrderId}=${w.trackingNumber}`).sort()).toEqual(naverLines.map((l) => `${l.mall_line_id}=${naverNumber.get(l.id)}`).sort());

    // Rakuten: one shipping row added per basket of a parcel, with its number; none updated or deleted.
    const rows = c.rakuten.writes.shippingRows;
    expect(rows.filter((r) => r.action !== 'add')).toEqual([]);
    const rakutenParcels = parcels.filter((p) => p.mall === 'rakuten');
    expect(rows.map((r) => `${r.orderNumber}/${r.basketId}=${r.shippingNumber}`).sort()).toEqual(rakutenParcels.map((p) => `${p.mall_order_id}/${p.mall_package_id}=${p.tracking_number}`).sort());

    // No order confirmed twice.
    const naverConfirms = c.naver.writes.flatMap((w) => (w.kind === 'confirm' && w.ok ? [w.productOrderId] : []));
    expect(new Set(naverConfirms).size).toBe(naverConfirms.length);
    const rakutenConfirms = c.rakuten.writes.confirmations.map((r) => r.orderNumber);
    expect(new Set(rakutenConfirms).size).toBe(rakutenConfirms.length);
    expect(naverConfirms.length + rakutenConfirms.length).toBeGreaterThan(0);
  }

  test('through lost answers (cut-off bodies after the write) and 429s at every write, each confirmation and dispatch happens exactly once, none missing', async () => {
    const c = await setUp('1000');
    // Cut-off bodies after the write was made (the answer is lost: the next run must read the
    // marketplace, never send blindly) and 429s. Faults that make a run stop sending (5xx) leave
    // the rest for after a pause of minutes, which the integration tests drive on a fake clock.
    c.naver.setRandomFaults({ seed: 3, rates: { '429': 0.15, malformed: 0.25 }, routes: 'writes' });
    c.rakuten.setRandomFaults({ seed: 3, probability: 0.4, faults: [{ kind: '429' }, { kind: 'malformed' }] });
    try {
      await untilShipped(c);
      expect((await runUntilDone(c.env, ['run', 'tracking:push'])).at(-1)).toBe(0);
      expect((await runUntilDone(c.env, ['run', 'stock:sync'])).at(-1)).toBe(0);
    } finally {
      c.naver.setRandomFaults(null);
      c.rakuten.setRandomFaults(null);
    }
    // Faults were met on both sides, or the test proves nothing.
    expect(c.rakuten.faultsMet().length).toBeGreaterThan(0);
    await expectEachDispatchedOnce(c);
    const items = (await c.t.db.knex('export_items').select('kind', 'status')) as Array<{ kind: string; status: string }>;
    expect(items.filter((i) => i.status !== 'done')).toEqual([]);
    // Running everything again sends nothing more.
    const writes = c.naver.writeRequests() + c.rakuten.writes.shippingRows.length + c.rakuten.writes.confirmations.length;
    for (const job of ['orders:confirm', 'tracking:push']) expect((await runCli(['run', job], c.env)).code).toBe(0);
    expect(c.naver.writeRequests() + c.rakuten.writes.shippingRows.length + c.rakuten.writes.confirmations.length).toBe(writes);
  }, 240_000);

  test('tracking:push killed with SIGKILL half-way and run again: each dispatch exactly once', async () => {
    const c = await setUp('8');
    await untilShipped(c);
    const child = spawn(process.execPath, [BIN, 'run', 'tracking:push'], { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...c.env } as NodeJS.ProcessEnv, stdio: 'ignore' });
    // Kill it once Rakuten has taken a few of its one-call-per-order shipping updates.
    const started = Date.now();
    while (c.rakuten.writes.shippingRows.length < 3 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = c.rakuten.writes.shippingRows.length;
    const rakutenParcels = Number(((await c.t.db.knex('fulfillment_orders as f').join('shops as s', 's.id', 'f.shop_id').where('s.mall', 'rakuten').count({ n: '*' }).first()) as { n: number }).n);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(rakutenParcels);
    expect((await runCli(['run', 'tracking:push'], c.env)).code).toBe(0);
    await expectEachDispatchedOnce(c);
  }, 240_000);
});
