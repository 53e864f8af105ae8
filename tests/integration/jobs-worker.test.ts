import fs from 'node:fs';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { simpleLine } from '../../connectors/naver/sandbox-orders.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { databaseNow, insertLease } from '../../data/stores/job-leases.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import { findShopById, insertShop } from '../../data/stores/shops.js';
import { FakeCron } from '../../jobs/cron.js';
import { kstText } from '../../jobs/kst.js';
import { leaseName, leaseTimingFor } from '../../jobs/lease.js';
import { findJob } from '../../jobs/registry.js';
import { JobRunner, runJobNow } from '../../jobs/runner.js';
import { jobsStatus } from '../../jobs/status.js';
import { sweepWindow } from '../../jobs/sweep.js';
import { Worker } from '../../jobs/worker.js';
import { saveCursor } from '../../data/stores/cursors.js';
import { ORDERS_STREAM } from '../../pipelines/orders/cursor.js';
import { encryptCredentials } from '../../lib/secrets.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { REPO } from '../helpers/cli.js';
import { dialects } from '../helpers/databases.js';
import { fakeJob, Gate, jobsFixture, listJobRuns, until, type JobsFixture } from '../helpers/jobs-fixture.js';
import { sandboxShop } from '../helpers/pipeline.js';

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
    expect(worker.start()).toEqual({ scheduled: [{ id: 'orders:pull', schedule: '*/10 * * * *' }] });
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

  test('the worker runs reconcile once per slot for every shop together (not once per shop), each night writing the previous day', async () => {
    const worker = new Worker({ deps: f.deps, runner: new JobRunner(f.deps, { lease: FAST }), scheduler: cron, jobs: [findJob('reconcile')!] });
    expect(worker.start()).toEqual({ scheduled: [{ id: 'reconcile', schedule: '0 1 * * *' }] });
    for (const slot of ['2026-12-01T16:00:00Z', '2026-12-02T16:00:00Z']) {
      await cron.advanceTo(new Date(slot)); // 01:00 KST
      await worker.idle();
    }
    expect(cron.fired.map(([name, s]) => [name, kstText(s)])).toEqual([
      ['reconcile', '2026-12-02 01:00:00 KST'],
      ['reconcile', '2026-12-03 01:00:00 KST'],
    ]);
    const runs = await listJobRuns(f.t.db.knex, { job: 'reconcile' });
    expect(runs.map((r) => [r.shopId, kstText(r.startedAt), r.status, r.counts.date, r.counts.shops])).toEqual([
      [null, '2026-12-02 01:00:00 KST', 'succeeded', '2026-12-01', 2],
      [null, '2026-12-03 01:00:00 KST', 'succeeded', '2026-12-02', 2],
    ]);
    for (const date of ['2026-12-01', '2026-12-02']) expect(fs.existsSync(path.join(f.t.home, 'reports', date, 'reconcile.xlsx'))).toBe(true);
    await worker.stop(0, 'test');
  });
});

describe.each(dialects())('reconcile through the runner, on %s', (dialect) => {
  let f: JobsFixture;
  beforeAll(async () => {
    f = await jobsFixture(dialect, 2);
  });
  afterAll(async () => {
    await f.t.drop();
  });
  const reconcile = findJob('reconcile')!;

  test('one run and one `job_runs` row (shop null) for every shop, the report of the previous KST day in the home folder; `jobs status` shows it as `all shops`', async () => {
    f.setNow(START); // 2026-12-01 10:00 KST
    const [result, ...more] = await runJobNow(f.deps, reconcile, undefined, {}, { lease: FAST });
    expect(more).toEqual([]);
    expect(result).toMatchObject({ shopId: null, shop: 'all shops', status: 'succeeded', error: null, counts: { date: '2026-11-30', shops: 2, linesSeen: 0, unmapped: 0, onHold: 0 } });
    const xlsx = path.join(f.t.home, 'reports', '2026-11-30', 'reconcile.xlsx');
    expect(fs.existsSync(xlsx)).toBe(true);
    expect(fs.existsSync(path.join(f.t.home, 'reports', '2026-11-30', 'reconcile.csv'))).toBe(true);
    expect(String(result!.counts.files).split(', ')[0]).toBe(xlsx);
    const runs = await listJobRuns(f.t.db.knex, { job: 'reconcile' });
    expect(runs.map((r) => [r.id, r.shopId, r.status, r.counts])).toEqual([[result!.runId, null, 'succeeded', result!.counts]]);
    expect(await f.t.db.knex('job_leases')).toEqual([]);
    // Not per shop: the runner refuses a shop, `run --shop` is pointed at the per-shop report.
    await expect(new JobRunner(f.deps).run(reconcile, f.shops[0]!, { trigger: 'command', wait: false })).rejects.toThrow('reconcile covers every shop at once; it is not run per shop');
    await expect(runJobNow(f.deps, reconcile, [f.shops[0]!], {})).rejects.toThrow('reconcile covers every shop at once; it takes no --shop (for one shop: mallbridge report reconcile --shop S)');
    expect(await listJobRuns(f.t.db.knex, { job: 'reconcile' })).toHaveLength(1);

    const status = (await jobsStatus(f.t.db.knex, START)).jobs.find((j) => j.id === 'reconcile')!;
    expect(status.shops).toEqual([expect.objectContaining({ shopId: null, shop: 'all shops', eligible: true, lastRun: expect.objectContaining({ status: 'succeeded' }), lastSkip: null, nextDue: '2026-12-02T01:00:00.000+09:00' })]);
  });

  test('while another worker holds `reconcile/all`, a run that does not wait is recorded `skipped` and writes nothing', async () => {
    f.setNow(new Date(START.getTime() + 24 * 3600_000)); // the next day: the report of 2026-12-01
    const k = f.t.db.knex;
    await insertLease(k, leaseName('reconcile', null), 'other-host:4242', await databaseNow(k), 60_000);
    try {
      const results = await runJobNow(f.deps, reconcile, undefined, {}, { lease: FAST, wait: false });
      expect(results).toEqual([expect.objectContaining({ shopId: null, shop: 'all shops', status: 'skipped', skipped: 'held', error: expect.stringMatching(/^held by other-host:4242 \(lease until .* KST\)$/) })]);
    } finally {
      await k('job_leases').where({ name: 'reconcile/all' }).delete();
    }
    expect(fs.existsSync(path.join(f.t.home, 'reports', '2026-12-01'))).toBe(false);
    const runs = await listJobRuns(k, { job: 'reconcile' });
    expect(runs.map((r) => [r.shopId, r.status])).toEqual([
      [null, 'succeeded'],
      [null, 'skipped'],
    ]);
    const status = (await jobsStatus(k, f.deps.now())).jobs.find((j) => j.id === 'reconcile')!;
    expect(status.shops).toHaveLength(1);
    expect(status.shops[0]!.lastSkip).toMatchObject({ reason: expect.stringContaining('held by other-host:4242') });
  });
});

describe.each(dialects())('orders:confirm through the runner against the Naver sandbox, on %s', (dialect) => {
  let naver: NaverSandbox;
  let f: JobsFixture;
  const confirm = findJob('orders:confirm')!;
  const confirmRequests = () => naver.received.filter((r) => r.route === 'confirm').length;
  const confirmedIds = () => naver.writes.flatMap((w) => (w.kind === 'confirm' && w.ok ? [w.productOrderId] : []));

  beforeAll(async () => {
    naver = await startNaverSandbox();
    f = await jobsFixture(dialect, 0);
    const shop = await sandboxShop(f.deps, { seller: 'acme', mall: 'naver', shopId: 'nx', baseUrl: naver.baseUrl, credentials: naver.credentials });
    const seller = (await findSellerByCode(f.t.db.knex, 'acme'))!;
    await importSkuSheet(f.deps, seller, path.join(REPO, 'samples/demo-skus.xlsx'), { dryRun: false });
    await importNameSheet(f.deps, seller, path.join(REPO, 'samples/demo-name-mappings.xlsx'), { dryRun: false });
    expect((await runJobNow(f.deps, findJob('orders:pull')!, [shop], {}, { lease: FAST })).map((r) => r.status)).toEqual(['succeeded']);
  });
  afterAll(async () => {
    await naver.close();
    await f.t.drop();
  });

  test('its counts land in `job_runs.counts`; each waiting order is confirmed by exactly one request, and a second run sends none', async () => {
    const [r] = await runJobNow(f.deps, confirm, undefined, {}, { lease: FAST });
    expect(r).toMatchObject({ shopId: 1, status: 'succeeded', error: null, counts: { alreadyConfirmed: 1, queued: 3, sent: 3, done: 3, failed: 0, unknown: 0 } });
    expect(r!.counts).not.toHaveProperty('shopId');
    const [row] = await listJobRuns(f.t.db.knex, { job: 'orders:confirm' });
    expect(row).toMatchObject({ id: r!.runId, shopId: 1, status: 'succeeded', counts: r!.counts });
    expect(confirmRequests()).toBe(1);
    expect(confirmedIds().sort()).toEqual(['N1', 'N3', 'N4'].flatMap((k) => naver.scenario[k as 'N1'].productOrderIds).sort());

    const [again] = await runJobNow(f.deps, confirm, undefined, {}, { lease: FAST });
    expect(again).toMatchObject({ status: 'succeeded', counts: { queued: 0, sent: 0, done: 0 } });
    expect(confirmRequests()).toBe(1);
  });

  test('an order the marketplace refuses makes the run `failed` (`run` exits 1) with the count and the reason; the others go through', async () => {
    const [fresh, other] = naver.addProductOrders([
      { orderedAt: new Date(Date.now() - 60_000), buyer: { name: '최수진', tel: '010-1111-2222' }, recipient: { name: '최수진', tel: '010-1111-2222', zipCode: '04524', baseAddress: '서울특별시 중구 세종대로 110', detailedAddress: '3층' }, lines: [simpleLine('mug', 1)] },
      { orderedAt: new Date(Date.now() - 50_000), buyer: { name: '정다은', tel: '010-3333-4444' }, recipient: { name: '정다은', tel: '010-3333-4444', zipCode: '04524', baseAddress: '서울특별시 중구 세종대로 110', detailedAddress: '5층' }, lines: [simpleLine('mug', 1)] },
    ]);
    expect((await runJobNow(f.deps, findJob('orders:pull')!, undefined, {}, { lease: FAST })).map((x) => x.status)).toEqual(['succeeded']);
    // The buyer asks to cancel one of them after we read it: Naver refuses its confirmation (104442).
    naver.changeProductOrder(fresh!.productOrderIds[0]!, { lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'CANCEL', status: 'CANCEL_REQUEST' } });
    const before = confirmRequests();

    const [r] = await runJobNow(f.deps, confirm, undefined, {}, { lease: FAST });
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/\b1\b.* refused by the marketplace \(see the report\)/), counts: { queued: 2, sent: 2, done: 1, failed: 1 } });
    const row = (await listJobRuns(f.t.db.knex, { job: 'orders:confirm' })).at(-1)!;
    expect(row).toMatchObject({ id: r!.runId, status: 'failed', error: r!.error, counts: r!.counts });
    expect(confirmRequests()).toBe(before + 1);
    const confirms = naver.writes.flatMap((w) => (w.kind === 'confirm' ? [w] : []));
    const sent = confirms.filter((w) => w.request === confirms.at(-1)!.request);
    expect(sent.map((w) => [w.productOrderId, w.ok, w.code ?? null]).sort()).toEqual(
      [
        [fresh!.productOrderIds[0]!, false, '104442'],
        [other!.productOrderIds[0]!, true, null],
      ].sort(),
    );
    expect(confirmedIds().filter((id) => id === other!.productOrderIds[0])).toHaveLength(1);
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
    // Every job is scheduled; jobs for which no shop is eligible list none, reconcile one row for all shops.
    expect(status.jobs.map((j) => [j.id, j.nextDue, j.shops.map((s) => s.shop)])).toEqual([
      ['orders:pull', '2026-12-01T12:05:00.000+09:00', ['shop 1 (naver:good)', 'shop 2 (naver:wrong)', 'shop 3 (rakuten:soon)']],
      ['orders:confirm', '2026-12-01T12:15:00.000+09:00', []],
      ['orders:instruct', '2026-12-01T12:20:00.000+09:00', []],
      ['tracking:push', '2026-12-01T12:30:00.000+09:00', ['shop 1 (naver:good)', 'shop 2 (naver:wrong)', 'shop 3 (rakuten:soon)']],
      ['stock:sync', '2026-12-01T12:30:00.000+09:00', []],
      ['orders:sweep', '2026-12-02T00:30:00.000+09:00', ['shop 1 (naver:good)', 'shop 2 (naver:wrong)', 'shop 3 (rakuten:soon)']],
      ['reconcile', '2026-12-02T01:00:00.000+09:00', ['all shops']],
      ['credentials:check', '2026-12-02T09:00:00.000+09:00', ['shop 1 (naver:good)', 'shop 2 (naver:wrong)', 'shop 3 (rakuten:soon)']],
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
