import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { listJobRuns } from '../../data/stores/job-runs.js';
import type { JobsStatus } from '../../jobs/status.js';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, type TestDb } from '../helpers/databases.js';
import { overlaps, until } from '../helpers/jobs-fixture.js';
import { depsFor, seedSandboxShops, startCli } from '../helpers/jobs-processes.js';

/**
 * `mallbridge run`, `worker` and `jobs status` as a user runs them, on the embedded SQLite
 * database shared by several processes. A slow answer from the Naver sandbox (a `slow` fault on
 * its change feed) keeps a pull busy long enough to meet it from another process.
 */
describe('run, worker and jobs status on the embedded database', () => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let t: TestDb;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    t = await freshDatabase('sqlite');
    const key = crypto.randomBytes(32);
    await seedSandboxShops(depsFor(t, key), { naver, rakuten }, { naver: 50, rakuten: 50 });
    env = { MALLBRIDGE_HOME: t.home, MALLBRIDGE_SECRET_KEY: key.toString('base64') };
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    await t.drop();
  });

  const pullRuns = () => listJobRuns(t.db.knex, { job: 'orders:pull', shopId: 1 });
  const running = async () => (await pullRuns()).some((r) => r.status === 'running');

  test('`run reconcile --shop` and an unknown job are refused (exit 2) with what to run instead; `worker --help` documents its options', async () => {
    const perShop = await runCli(['run', 'reconcile', '--shop', '1'], env);
    expect(perShop.code).toBe(2);
    expect(perShop.stderr).toContain('reconcile covers every shop at once; it takes no --shop (for one shop: mallbridge report reconcile --shop S)');
    const unknown = await runCli(['run', 'nosuchjob'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown job nosuchjob; jobs: orders:pull, orders:confirm, orders:instruct, tracking:push, stock:sync, orders:sweep, reconcile, credentials:check');
    expect(await listJobRuns(t.db.knex, { job: 'reconcile' })).toEqual([]);
    const help = await runCli(['worker', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--grace <seconds>');
    expect(help.stdout).toContain('--lease-seconds <seconds>');
    expect(help.stdout).not.toContain('--schedule');
  });

  test('two `run`s of one shop at once: `--no-wait` skips (exit 0), the other waits for the lease and then does the work', async () => {
    naver.addFault({ kind: 'slow', routes: ['feed'], times: 1, delayMs: 2500 });
    const first = startCli(['run', 'orders:pull', '--shop', '1', '--json'], env);
    await until(running, 10_000, 'the first pull to start');

    const skip = await runCli(['run', 'orders:pull', '--shop', '1', '--no-wait', '--json'], env);
    expect(skip.code).toBe(0);
    const skipped = (skip.json as { results: Array<{ status: string; skipped: string; error: string }> }).results[0]!;
    expect(skipped).toMatchObject({ status: 'skipped', skipped: 'held' });
    expect(skipped.error).toMatch(new RegExp(`^held by [^ ]+:${first.pid}(:\\d+)? \\(lease until .* KST\\)$`));

    const second = await runCli(['run', 'orders:pull', '--shop', '1'], env);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`^orders:pull shop 1 \\(naver:demo-store\\): [^ ]+:${first.pid}(:\\d+)? is running it \\(lease until .* KST\\); waiting for it to finish \\(up to 30 min; --no-wait skips instead\\)$`, 'm'));
    expect(second.stdout).toMatch(/^shop 1 \(naver:demo-store\)\s+succeeded/m);
    expect(await first.exited).toEqual({ code: 0, signal: null });

    const runs = await pullRuns();
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'skipped', 'succeeded']);
    expect(overlaps(runs)).toEqual([]);
    expect(runs[2]!.startedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.finishedAt!.getTime());
    expect(await t.db.knex('job_leases')).toEqual([]);
  });

  test('Ctrl-C on `run` closes its run row as failed and releases the lease (exit 130)', async () => {
    naver.addFault({ kind: 'slow', routes: ['feed'], times: 1, delayMs: 5000 });
    const r = startCli(['run', 'orders:pull', '--shop', '1'], env);
    await until(running, 10_000, 'the pull to start');
    r.child.kill('SIGINT');
    expect(await r.exited).toEqual({ code: 130, signal: null });
    expect((await pullRuns()).at(-1)).toMatchObject({ status: 'failed', error: 'interrupted by SIGINT' });
    expect(await t.db.knex('job_leases')).toEqual([]);
  });

  test('the worker: runs on schedule, prints one line per run, and on SIGTERM lets the running pull finish, releases everything, exits 0', async () => {
    const w = startCli(['worker', '--schedule', 'orders:pull=*/2 * * * * *', '--grace', '10'], env);
    await until(() => /orders:pull shop 2 \(rakuten:demo-shop\): succeeded/.test(w.stdout()), 15_000, 'a scheduled pull');
    naver.addFault({ kind: 'slow', routes: ['feed'], times: 1, delayMs: 1500 });
    const before = (await pullRuns()).length;
    await until(async () => (await pullRuns()).slice(before).some((r) => r.status === 'running'), 10_000, 'a slow pull');
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(w.stderr()).toMatch(/^mallbridge worker .*: running orders:pull, orders:confirm, orders:instruct, tracking:push, stock:sync, orders:sweep, reconcile, credentials:check on schedule \(Asia\/Seoul\)\. SIGTERM or Ctrl-C stops it\.$/m);
    expect(w.stderr()).toMatch(/^mallbridge worker: SIGTERM: stopping; [12] running jobs?, up to 10 s to finish/m);
    expect(w.stderr()).toMatch(/^mallbridge worker: stopped \([12] finished in the grace period, 0 interrupted and released\)$/m);
    expect(w.stdout()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST orders:pull shop 1 \(naver:demo-store\): succeeded in \d/m);
    const runs = await pullRuns();
    expect(runs.at(-1)!.status).toBe('succeeded');
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
    expect(await t.db.knex('job_leases')).toEqual([]);
  });

  test('`run reconcile` writes the report of the previous KST day for every shop in one run; `jobs status` shows it as one row `all shops`', async () => {
    const r = await runCli(['run', 'reconcile', '--json'], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const [result, ...more] = (r.json as { job: string; results: Array<{ shopId: number | null; shop: string; status: string; counts: { date: string; shops: number } }> }).results;
    expect(more).toEqual([]);
    expect(result).toMatchObject({ shopId: null, shop: 'all shops', status: 'succeeded', counts: { shops: 2 } });
    expect(fs.existsSync(path.join(t.home, 'reports', result!.counts.date, 'reconcile.xlsx'))).toBe(true);
    expect((await listJobRuns(t.db.knex, { job: 'reconcile' })).map((x) => [x.shopId, x.status])).toEqual([[null, 'succeeded']]);

    const human = await runCli(['jobs', 'status'], env);
    expect(human.code).toBe(0);
    const rows = human.stdout.split('\n').filter((l) => l.startsWith('reconcile '));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^reconcile\s+all shops\s+\d\d-\d\d \d\d:\d\d succeeded .*date \d{4}-\d\d-\d\d, shops 2.* \d\d-\d\d 01:00\s+0\s+—$/);
  });

  test('`jobs status` shows per job and shop the last run, next due time, failures in a row and the lease; --json the same as one object', async () => {
    const human = await runCli(['jobs', 'status'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Jobs at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST \(schedules in Asia\/Seoul\)$/m);
    expect(human.stdout).toMatch(/^job\s+shop\s+last run\s+next due \(KST\)\s+fails\s+lease$/m);
    expect(human.stdout).toMatch(/^orders:pull\s+shop 1 \(naver:demo-store\)\s+\d\d-\d\d \d\d:\d\d succeeded .* \d\d-\d\d \d\d:05\s+0\s+—$/m);
    expect(human.stdout).toMatch(/^orders:confirm\s+\(no eligible shop\)\s+15 \* \* \* \*$/m);
    expect(human.stdout).toMatch(/^shop 2 \(rakuten:demo-shop\)\s+healthy\s+0\s+—\s+—$/m);

    const json = await runCli(['jobs', 'status', '--json'], env);
    const s = json.json as JobsStatus;
    expect(s.jobs.map((j) => j.id)).toEqual(['orders:pull', 'orders:confirm', 'orders:instruct', 'tracking:push', 'stock:sync', 'orders:sweep', 'reconcile', 'credentials:check']);
    const pull = s.jobs[0]!.shops[0]!;
    expect(pull).toMatchObject({ shop: 'shop 1 (naver:demo-store)', eligible: true, consecutiveFailures: 0, lease: null, lastRun: { status: 'succeeded' } });
    expect(pull.nextDue).toMatch(/^\d{4}-\d\d-\d\dT\d\d:05:00\.000\+09:00$/);
    expect(s.shops.map((x) => x.health)).toEqual(['healthy', 'healthy']);
  });

  test('a shop whose credentials cannot be decrypted fails alone: the other shops run, the table is printed, exit 1', async () => {
    const k = t.db.knex;
    const row = (await k('shops').where('id', 2).first('credentials')) as { credentials: string };
    // Stored under another key (as if added with a different MALLBRIDGE_SECRET_KEY).
    const { encryptCredentials } = await import('../../lib/secrets.js');
    await k('shops').where('id', 2).update({ credentials: encryptCredentials(crypto.randomBytes(32), { serviceSecret: 'SP1', licenseKey: 'SL1' }) });
    try {
      const r = await runCli(['run', 'orders:pull', '--json'], env);
      expect(r.code).toBe(1);
      const results = (r.json as { results: Array<{ shopId: number; status: string; error: string | null; badInput?: boolean }> }).results;
      expect(results.map((x) => [x.shopId, x.status])).toEqual([[1, 'succeeded'], [2, 'failed']]);
      expect(results[1]!.error).toMatch(/cannot be decrypted: MALLBRIDGE_SECRET_KEY/);
      const human = await runCli(['run', 'orders:pull'], env);
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/shop 1 .*succeeded/);
      expect(human.stdout).toMatch(/shop 2 .*failed.*cannot be decrypted/);
    } finally {
      await k('shops').where('id', 2).update({ credentials: row.credentials });
    }
  });
  test('a named shop whose switch is off gets a note saying why nothing was done; an empty --shop is exit 2', async () => {
    const r = await runCli(['run', 'orders:instruct', '--shop', '1'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: orders:instruct has nothing to do for shop 1 (naver:demo-store) while its --auto-instruct is off; turn it on with `mallbridge shops update 1 --auto-instruct on`');
    const empty = await runCli(['run', 'orders:pull', '--shop', ''], env);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--shop is empty');
  });
});
