import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { findShopById, insertShop } from '../../data/stores/shops.js';
import { FakeCron } from '../../jobs/cron.js';
import { kstText } from '../../jobs/kst.js';
import { leaseTimingFor } from '../../jobs/lease.js';
import { findJob } from '../../jobs/registry.js';
import { JobRunner, runJobNow } from '../../jobs/runner.js';
import { jobsStatus } from '../../jobs/status.js';
import { sweepWindow } from '../../jobs/sweep.js';
import { Worker } from '../../jobs/worker.js';
import { saveCursor } from '../../data/stores/cursors.js';
import { ORDERS_STREAM } from '../../pipelines/orders/cursor.js';
import { encryptCredentials } from '../../lib/secrets.js';
import { dialects } from '../helpers/databases.js';
import { fakeJob, Gate, jobsFixture, listJobRuns, until, type JobsFixture } from '../helpers/jobs-fixture.js';

const FAST = leaseTimingFor(0.6);
// 10:00 KST on 2026-12-01.
const START = new Date('2026-12-01T01:00:00Z');

describe.each(dialects())('the worker on a fake clock, on %s', (dialect) => {
  let f: JobsFixture;
  let cron: FakeCron;
  beforeEach(async () => {
    f = await jobsFixture(dialect, 2);
    cron = new FakeCron(START);
    f.setNow(cron.now);
  });
  afterEach(async () => {
    await f.t.drop();
  });

  test('a run longer than its interval does not overlap itself: the slots that find it running are recorded `skipped`', async () => {
    const gate = new Gate();
    const job = fakeJob('orders:pull', gate.run, { schedule: '*/10 * * * *' });
    const runner = new JobRunner(f.deps, { lease: FAST });
    const worker = new Worker({ deps: f.deps, runner, scheduler: cron, jobs: [job] });
    expect(worker.start()).toEqual({ scheduled: [{ id: 'orders:pull', schedule: '*/10 * * * *' }], notAvailable: [] });
    await cron.advanceTo(new Date('2026-12-01T01:10:00Z'));
    await until(() => gate.running === 2, 5000, 'both shops running');
    // Three more slots pass while the first runs still hang (one at a time, so each skip is stamped with its slot's time).
    for (const [minute, skips] of [[20, 2], [30, 4], [40, 6]] as const) {
      await cron.advanceTo(new Date(`2026-12-01T01:${minute}:00Z`));
      await until(async () => (await listJobRuns(f.t.db.knex, { job: 'orders:pull' })).filter((r) => r.status === 'skipped').length === skips, 5000, `${skips} skips`);
    }
    expect(gate.maxRunning).toBe(2);
    expect(gate.calls.sort()).toEqual([1, 2]);
    gate.release();
    await worker.idle();
    await cron.advanceTo(new Date('2026-12-01T01:50:00Z'));
    await until(() => gate.running === 2);
    gate.release();
    await worker.idle();

    const runs = await listJobRuns(f.t.db.knex, { job: 'orders:pull', shopId: 1 });
    expect(runs.map((r) => [kstText(r.startedAt).slice(11, 16), r.status])).toEqual([
      ['10:10', 'succeeded'],
      ['10:20', 'skipped'],
      ['10:30', 'skipped'],
      ['10:40', 'skipped'],
      ['10:50', 'succeeded'],
    ]);
    expect(runs[1]!.error).toMatch(/^still running here \(run \d+, .+\)$/);
    expect(cron.fired.map(([, s]) => kstText(s).slice(11, 16))).toEqual(['10:10', '10:20', '10:30', '10:40', '10:50']);
    expect(gate.maxRunning).toBe(2);
    await worker.stop(1000, 'test');
  });

  test('a timeout ends a stuck run and records it; the next slot runs again once the stuck work is let go', async () => {
    let calls = 0;
    const job = fakeJob('orders:sweep', (_d, _s, _o, ctx) => {
      calls++;
      return calls <= 2 ? new Promise(() => ctx.signal.addEventListener('abort', () => undefined)) : Promise.resolve({ counts: { seen: 1 }, failedItems: 0 });
    }, { timeoutMs: 200 });
    const runner = new JobRunner(f.deps, { lease: FAST, abandonGraceMs: 200 });
    const worker = new Worker({ deps: f.deps, runner, scheduler: cron, jobs: [job] });
    worker.start();
    await cron.advanceTo(new Date('2026-12-01T15:30:00Z')); // 00:30 KST
    await worker.idle();
    await runner.drain(2000);
    await cron.advance(24 * 3600_000);
    await worker.idle();
    const runs = (await listJobRuns(f.t.db.knex, { job: 'orders:sweep' })).sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime() || x.shopId! - y.shopId!);
    expect(runs.map((r) => [r.shopId, kstText(r.startedAt), r.status, r.error])).toEqual([
      [1, '2026-12-02 00:30:00 KST', 'timed_out', 'did not finish within 200 ms'],
      [2, '2026-12-02 00:30:00 KST', 'timed_out', 'did not finish within 200 ms'],
      [1, '2026-12-03 00:30:00 KST', 'succeeded', null],
      [2, '2026-12-03 00:30:00 KST', 'succeeded', null],
    ]);
    const status = await jobsStatus(f.t.db.knex, cron.now());
    const sweep = status.jobs.find((j) => j.id === 'orders:sweep')!;
    expect(sweep.shops[0]).toMatchObject({ consecutiveFailures: 0, lastRun: { status: 'succeeded', counts: { seen: 1 } }, nextDue: '2026-12-04T00:30:00.000+09:00', lease: null });
    await worker.stop(1000, 'test');
  });

  test('two workers on the same slot: each shop runs once, the other worker records `skipped` (held by …)', async () => {
    const gate = new Gate();
    const job = fakeJob('orders:pull', gate.run);
    const cronB = new FakeCron(START);
    const a = new Worker({ deps: f.deps, runner: new JobRunner(f.deps, { owner: 'host-a:100', lease: FAST }), scheduler: cron, jobs: [job] });
    const b = new Worker({ deps: f.deps, runner: new JobRunner(f.deps, { owner: 'host-b:200', lease: FAST }), scheduler: cronB, jobs: [job] });
    a.start();
    b.start();
    await Promise.all([cron.advanceTo(new Date('2026-12-01T01:05:00Z')), cronB.advanceTo(new Date('2026-12-01T01:05:00Z'))]);
    await until(async () => (await listJobRuns(f.t.db.knex, { job: 'orders:pull' })).length === 4, 5000, 'four rows');
    expect(gate.running).toBe(2);
    gate.release();
    await Promise.all([a.idle(), b.idle()]);
    const runs = await listJobRuns(f.t.db.knex, { job: 'orders:pull' });
    for (const shopId of [1, 2]) {
      const mine = runs.filter((r) => r.shopId === shopId);
      expect(mine.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
      const ran = mine.find((r) => r.status === 'succeeded')!;
      expect(mine.find((r) => r.status === 'skipped')!.error).toContain(`held by ${ran.owner}`);
    }
    expect(gate.calls.sort()).toEqual([1, 2]);
    await Promise.all([a.stop(100, 'test'), b.stop(100, 'test')]);
  });

  test('stop: no new slot is taken; a run finishing within the grace period is kept, one that does not is closed `failed` and its lease released', async () => {
    const quick = new Gate();
    const stuck = new Gate();
    const runner = new JobRunner(f.deps, { lease: FAST });
    const worker = new Worker({ deps: f.deps, runner, scheduler: cron, jobs: [fakeJob('orders:pull', quick.run), fakeJob('credentials:check', stuck.run, { schedule: '6 * * * *' })], shopConcurrency: 1 });
    worker.start();
    await cron.advanceTo(new Date('2026-12-01T01:06:00Z'));
    await until(() => quick.running === 1 && stuck.running === 1);
    setTimeout(() => quick.release(), 100);
    const stopped = await worker.stop(400, 'SIGTERM');
    expect(stopped).toEqual({ finished: 1, interrupted: 1 });
    await cron.advance(3600_000);
    const runs = (await listJobRuns(f.t.db.knex)).sort((x, y) => y.job.localeCompare(x.job));
    expect(runs.map((r) => [r.job, r.shopId, r.status, r.error])).toEqual([
      ['orders:pull', 1, 'succeeded', null],
      ['credentials:check', 1, 'failed', 'interrupted: SIGTERM; the worker stopped before the run finished'],
    ]);
    expect(await f.t.db.knex('job_leases').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    expect(quick.calls).toEqual([1]);
  });

  test('`run` on a job whose pipeline does not exist yet is refused; the worker leaves it out and says so', async () => {
    const confirm = findJob('orders:confirm')!;
    await expect(runJobNow(f.deps, confirm, undefined, {})).rejects.toThrow('orders:confirm is not available yet: its pipeline (pipelines/exports/confirm.ts) is still being written');
    const worker = new Worker({ deps: f.deps, runner: new JobRunner(f.deps), scheduler: cron });
    expect(worker.start().notAvailable).toEqual(['orders:confirm', 'orders:instruct', 'tracking:push', 'stock:sync', 'reconcile']);
    await worker.stop(0, 'test');
  });
});

describe.each(dialects())('credentials:check against the sandboxes, and `jobs status`, on %s', (dialect) => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let f: JobsFixture;
  const NOW = new Date('2026-12-01T03:00:00Z'); // 12:00 KST
  beforeAll(async () => {
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    f = await jobsFixture(dialect, 0);
    // The sandboxes check request times (Naver's token signature) against their own clock.
    naver.setNow(NOW);
    rakuten.setNow(NOW);
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    await f.t.drop();
  });

  test('tests every shop, warns of a licence key expiring within 14 days, marks a refused shop unhealthy; `jobs status` shows it all', async () => {
    const k = f.t.db.knex;
    const base = { sellerId: 1, shopUrl: null, carrierCode: null, rateLimitPerSec: 100, autoOrderSync: true, autoOrderConfirm: false, autoInstruct: false, autoStockSync: false };
    const good = await insertShop(k, { ...base, mall: 'naver', mallShopId: 'good', apiBaseUrl: naver.baseUrl, credentials: encryptCredentials(f.key, naver.credentials), credentialsExpireAt: null });
    const wrong = await insertShop(k, { ...base, mall: 'naver', mallShopId: 'wrong', apiBaseUrl: naver.baseUrl, credentials: encryptCredentials(f.key, { ...naver.credentials, applicationId: 'not-the-app' }), credentialsExpireAt: null });
    const expiring = await insertShop(k, { ...base, mall: 'rakuten', mallShopId: 'soon', apiBaseUrl: rakuten.baseUrl, credentials: encryptCredentials(f.key, { ...rakuten.credentials, licenseExpiresAt: '2026-12-10' }), credentialsExpireAt: new Date('2026-12-09T15:00:00Z') });
    f.setNow(NOW);

    const results = await runJobNow(f.deps, findJob('credentials:check')!, undefined, {}, { lease: FAST });
    expect(results.map((r) => [r.shopId, r.status])).toEqual([
      [good.id, 'succeeded'],
      [wrong.id, 'failed'],
      [expiring.id, 'succeeded'],
    ]);
    const warning = 'shop 3 (rakuten:soon): The Rakuten licence key expires on 2026-12-10 (in 9 days): issue a new licence key in RMS (WEB APIサービス) and register it with `mallbridge shops update <shop> --credentials-file F`; a new key can take 10–30 minutes to start working.';
    expect(results[2]).toMatchObject({ warnings: [warning], counts: { ok: true, licenceExpiresOn: '2026-12-10', licenceWarning: warning } });
    expect(results[1]!.error).toMatch(/Naver/);
    expect(f.entries.some((e) => e.level === 'warn' && e.message === `credentials:check shop 3 (rakuten:soon): ${warning}`)).toBe(true);
    expect(await findShopById(k, wrong.id)).toMatchObject({ health: 'unhealthy', authFailures: 1 });
    expect(await findShopById(k, good.id)).toMatchObject({ health: 'healthy', authFailures: 0 });

    // The refused shop's other jobs back off on schedule; credentials:check itself does not.
    const runner = new JobRunner(f.deps, { lease: FAST });
    const pull = fakeJob('orders:pull', async () => ({ counts: {}, failedItems: 0 }));
    expect(await runner.run(pull, (await findShopById(k, wrong.id))!, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'skipped', skipped: 'backoff' });

    const status = await jobsStatus(k, NOW);
    expect(status.now).toBe('2026-12-01T12:00:00.000+09:00');
    expect(status.jobs.map((j) => [j.id, j.available])).toEqual([
      ['orders:pull', true],
      ['orders:confirm', false],
      ['orders:instruct', false],
      ['tracking:push', false],
      ['stock:sync', false],
      ['orders:sweep', true],
      ['reconcile', false],
      ['credentials:check', true],
    ]);
    const check = status.jobs.find((j) => j.id === 'credentials:check')!;
    expect(check.nextDue).toBe('2026-12-02T09:00:00.000+09:00');
    expect(check.shops.map((s) => [s.shop, s.lastRun?.status, s.consecutiveFailures, s.nextDue])).toEqual([
      ['shop 1 (naver:good)', 'succeeded', 0, '2026-12-02T09:00:00.000+09:00'],
      ['shop 2 (naver:wrong)', 'failed', 1, '2026-12-02T09:00:00.000+09:00'],
      ['shop 3 (rakuten:soon)', 'succeeded', 0, '2026-12-02T09:00:00.000+09:00'],
    ]);
    const pullStatus = status.jobs.find((j) => j.id === 'orders:pull')!.shops.find((s) => s.shopId === wrong.id)!;
    expect(pullStatus).toMatchObject({ lastRun: null, lastSkip: { reason: expect.stringMatching(/^backing off until 2026-12-01 12:30:00 KST after 1 authentication failure/) }, backoffUntil: '2026-12-01T12:30:00.000+09:00' });
    expect(status.shops.map((s) => [s.shop, s.health, s.authFailures, s.backoffUntil, s.licenceExpiresOn])).toEqual([
      ['shop 1 (naver:good)', 'healthy', 0, null, null],
      ['shop 2 (naver:wrong)', 'unhealthy', 1, '2026-12-01T12:30:00.000+09:00', null],
      ['shop 3 (rakuten:soon)', 'healthy', 0, null, '2026-12-10'],
    ]);
    expect(status.warnings).toContain(warning);
    expect(status.warnings.some((w) => w.startsWith('shop 2 (naver:wrong) is unhealthy: '))).toBe(true);
  });
});

describe.each(dialects())('orders:sweep never carries the cursor over unread orders, on %s', (dialect) => {
  test('the previous KST day, or from where the regular pull stands when that is earlier', async () => {
    const f = await jobsFixture(dialect, 1);
    try {
      const now = new Date('2026-12-01T03:00:00Z'); // 12:00 KST
      f.setNow(now);
      const shop = f.shops[0]!;
      const yesterday = new Date('2026-11-29T15:00:00Z'); // 2026-11-30 00:00 KST
      const today = new Date('2026-11-30T15:00:00Z');
      // Never pulled: from the first pull's 3 days back, not just yesterday.
      expect(await sweepWindow(f.deps, shop, {})).toEqual({ since: new Date(now.getTime() - 3 * 86_400_000), until: today });
      // Pulls failing for days: from the cursor (less the overlap).
      await saveCursor(f.t.db.knex, shop.id, ORDERS_STREAM, '2026-11-25T00:00:00.000Z');
      expect(await sweepWindow(f.deps, shop, {})).toEqual({ since: new Date('2026-11-24T23:50:00.000Z'), until: today });
      // Caught up: the previous day, whole.
      await saveCursor(f.t.db.knex, shop.id, ORDERS_STREAM, '2026-12-01T02:55:00.000Z');
      expect(await sweepWindow(f.deps, shop, {})).toEqual({ since: yesterday, until: today });
      expect(await sweepWindow(f.deps, shop, { since: yesterday })).toEqual({ since: yesterday, until: now });
    } finally {
      await f.t.drop();
    }
  });
});
