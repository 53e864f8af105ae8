import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { databaseNow, findLease, insertLease, listLeases, releaseLease, renewLease, takeExpiredLease, takeLeaseFrom } from '../../data/stores/job-leases.js';
import { processOwner, startJobRun } from '../../data/stores/job-runs.js';
import { findShopById, recordShopHealth } from '../../data/stores/shops.js';
import { leaseName, leaseTimingFor, tryAcquireLease, type LeaseContext } from '../../jobs/lease.js';
import { parseOwner } from '../../jobs/owner.js';
import { JobRunner } from '../../jobs/runner.js';
import { ApiError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { dialects } from '../helpers/databases.js';
import { fakeJob, Gate, jobsFixture, listJobRuns, overlaps, until, type JobsFixture } from '../helpers/jobs-fixture.js';

const FAST = leaseTimingFor(0.6); // 600 ms leases, renewed every 200 ms, polled every 100 ms

/** A PID of this host that no longer runs (a child that has exited and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** An owner string for `pid` on this host and PID namespace. */
function localOwner(pid: number): string {
  const me = parseOwner(processOwner())!;
  return `${me.host}:${pid}${me.ns ? `:${me.ns}` : ''}`;
}

describe.each(dialects())('job leases on %s', (dialect) => {
  let f: JobsFixture;
  beforeAll(async () => {
    f = await jobsFixture(dialect, 2);
  });
  afterAll(async () => {
    await f.t.drop();
  });

  const ctx = (owner: string): LeaseContext => ({ conn: f.t.db.knex, owner, timing: FAST, clock: () => databaseNow(f.t.db.knex), isDeadOwner: () => false, logger: silentLogger() });

  test('each lease statement takes effect only when its guard holds', async () => {
    const k = f.t.db.knex;
    const now = await databaseNow(k);
    expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(5000);
    expect(await insertLease(k, 'L1', 'a:1', now, 1000)).toBe(true);
    expect(await insertLease(k, 'L1', 'b:2', now, 1000)).toBe(false);
    // Not expired: only the owner itself may take it back.
    expect(await takeExpiredLease(k, 'L1', 'b:2', new Date(now.getTime() + 999), 1000)).toBe(false);
    expect(await takeExpiredLease(k, 'L1', 'a:1', new Date(now.getTime() + 10), 1000)).toBe(true);
    expect(await renewLease(k, 'L1', 'b:2', now, 1000)).toBe(false);
    expect(await renewLease(k, 'L1', 'a:1', now, 5000)).toBe(true);
    // Renewing with the same expiry still counts as renewed (mysql2 reports matched rows).
    expect(await renewLease(k, 'L1', 'a:1', now, 5000)).toBe(true);
    expect(await takeExpiredLease(k, 'L1', 'b:2', new Date(now.getTime() + 4999), 1000)).toBe(false);
    expect(await takeExpiredLease(k, 'L1', 'b:2', new Date(now.getTime() + 5001), 1000)).toBe(true);
    // Compare-and-set on the owner seen.
    expect(await takeLeaseFrom(k, 'L1', 'a:1', 'c:3', now, 1000)).toBe(false);
    expect(await takeLeaseFrom(k, 'L1', 'b:2', 'c:3', now, 1000)).toBe(true);
    expect(await releaseLease(k, 'L1', 'b:2')).toBe(false);
    expect((await findLease(k, 'L1'))!.owner).toBe('c:3');
    expect(await releaseLease(k, 'L1', 'c:3')).toBe(true);
    expect(await findLease(k, 'L1')).toBeUndefined();
  });

  test('twelve workers racing for one lease: exactly one gets it — free, expired, and from a dead owner alike', async () => {
    const race = async (name: string, isDeadOwner: (o: string) => boolean = () => false, prefix = 'w') => {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => tryAcquireLease({ ...ctx(`${prefix}${i}:${i + 1}`), isDeadOwner }, name)));
      const winners = results.filter((r) => r.acquired);
      for (const w of winners) if (w.acquired) w.lease.stop();
      return winners;
    };
    const free = await race('race/free');
    expect(free).toHaveLength(1);
    expect(free[0]).toMatchObject({ how: 'new' });

    const k = f.t.db.knex;
    const past = new Date((await databaseNow(k)).getTime() - 10_000);
    await insertLease(k, 'race/expired', 'gone:1', past, 1000);
    const expired = await race('race/expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ how: 'expired', previousOwner: 'gone:1' });

    await insertLease(k, 'race/dead', 'dead:7', await databaseNow(k), 60_000);
    const dead = await race('race/dead', (o) => o === 'dead:7');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ how: 'dead-owner', previousOwner: 'dead:7' });
    // A live holder is never taken over before expiry.
    expect(await race('race/dead', () => false, 'late')).toHaveLength(0);
    await k('job_leases').delete();
  });

  test('a held lease: the worker skips and records it, `run` waits and then does the work', async () => {
    const [shop] = f.shops;
    const a = new JobRunner(f.deps, { owner: 'worker-a:1', lease: FAST });
    const b = new JobRunner(f.deps, { owner: 'worker-b:2', lease: FAST });
    const gate = new Gate();
    const job = fakeJob('orders:pull', gate.run);
    const first = a.run(job, shop!, { trigger: 'schedule', wait: false });
    await until(() => gate.running === 1);

    const skipped = await b.run(job, shop!, { trigger: 'schedule', wait: false });
    expect(skipped).toMatchObject({ status: 'skipped', skipped: 'held' });
    expect(skipped.error).toMatch(/^held by worker-a:1 \(lease until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d KST\)$/);

    let waitedFor = '';
    const waiting = b.run(job, shop!, { trigger: 'command', wait: true, onWait: (_s, holder) => (waitedFor = holder) });
    // Well past several lease lengths: A renews, so B keeps waiting.
    await new Promise((r) => setTimeout(r, 1500));
    expect(gate.calls).toEqual([shop!.id]);
    expect(waitedFor).toBe('worker-a:1');
    gate.release();
    expect(await first).toMatchObject({ status: 'succeeded', counts: { done: 1 } });
    await until(() => gate.running === 1, 5000, 'B to start after A');
    gate.release();
    const second = await waiting;
    expect(second).toMatchObject({ status: 'succeeded' });
    expect(gate.maxRunning).toBe(1);

    const runs = await listJobRuns(f.t.db.knex, { job: 'orders:pull', shopId: shop!.id });
    expect(runs.map((r) => [r.status, r.owner])).toEqual([
      ['succeeded', 'worker-a:1'],
      ['skipped', 'worker-b:2'],
      ['succeeded', 'worker-b:2'],
    ]);
    expect(overlaps(runs)).toEqual([]);
    expect(await listLeases(f.t.db.knex)).toEqual([]);
  });

  test('a frozen worker elsewhere: its lease is taken over only after it expires, and its `running` row is closed as failed', async () => {
    const shop = f.shops[1]!;
    const k = f.t.db.knex;
    const name = leaseName('orders:sweep', shop.id);
    // Another host's worker took the lease and started a run, then stopped renewing (frozen, cut off).
    const taken = await databaseNow(k);
    await insertLease(k, name, 'other-host:4242', taken, 1500);
    const stale = await startJobRun(k, 'orders:sweep', shop.id, taken, 'other-host:4242');
    const runner = new JobRunner(f.deps, { owner: 'worker-c:3', lease: FAST });
    const gate = new Gate();
    const job = fakeJob('orders:sweep', gate.run);
    const started = Date.now();
    const run = runner.run(job, shop, { trigger: 'command', wait: true });
    await until(() => gate.running === 1, 5000, 'the takeover');
    const waited = Date.now() - started;
    gate.release();
    expect(await run).toMatchObject({ status: 'succeeded' });
    expect(waited).toBeGreaterThanOrEqual(1000);
    const runs = await listJobRuns(k, { job: 'orders:sweep', shopId: shop.id });
    expect(runs.find((r) => r.id === stale)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^abandoned: the worker running it stopped without finishing \(other-host:4242\)/) });
    expect(runs.at(-1)).toMatchObject({ status: 'succeeded', owner: 'worker-c:3' });
    expect(overlaps(runs)).toEqual([]);
    expect(f.entries.some((e) => e.level === 'warn' && e.message.includes('took the lease over from other-host:4242 (its lease had expired)'))).toBe(true);
  });

  test('a dead process on this host (SIGKILL): its lease is taken over at once', async () => {
    const shop = f.shops[0]!;
    const k = f.t.db.knex;
    const dead = localOwner(deadPid());
    const name = leaseName('credentials:check', shop.id);
    await insertLease(k, name, dead, await databaseNow(k), 60_000);
    const stale = await startJobRun(k, 'credentials:check', shop.id, new Date(), dead);
    const runner = new JobRunner(f.deps, { lease: FAST });
    const started = Date.now();
    const r = await runner.run(fakeJob('credentials:check', async () => ({ counts: { ok: true }, failedItems: 0 })), shop, { trigger: 'schedule', wait: false });
    expect(r.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await listJobRuns(k, { job: 'credentials:check', shopId: shop.id })).find((x) => x.id === stale)).toMatchObject({ status: 'failed' });
    expect(f.entries.some((e) => e.message.includes(`took the lease over from ${dead} (that process is gone)`))).toBe(true);
    // A live process on this host keeps its lease until it expires.
    await insertLease(k, name, localOwner(process.ppid), await databaseNow(k), 60_000);
    expect(await runner.run(fakeJob('credentials:check', async () => ({ counts: {}, failedItems: 0 })), shop, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'skipped' });
    await k('job_leases').where({ name }).delete();
  });

  test('a run that loses its lease (taken over after it could not renew) stops and says so', async () => {
    const shop = f.shops[1]!;
    const runner = new JobRunner(f.deps, { owner: 'worker-d:4', lease: FAST, abandonGraceMs: 100 });
    const gate = new Gate();
    const run = runner.run(fakeJob('orders:pull', gate.run), shop, { trigger: 'schedule', wait: false });
    await until(() => gate.running === 1);
    await f.t.db.knex('job_leases').where({ name: leaseName('orders:pull', shop.id) }).update({ owner: 'thief:9' });
    const r = await run;
    expect(r).toMatchObject({ status: 'failed', error: 'stopped waiting for it: its lease was taken over by thief:9' });
    expect(gate.running).toBe(0);
    // The lease it lost is not deleted: it is the new holder's.
    expect((await findLease(f.t.db.knex, leaseName('orders:pull', shop.id)))!.owner).toBe('thief:9');
    await f.t.db.knex('job_leases').delete();
  });

  test('a timeout ends a stuck run, records it `timed_out`, and frees the shop once the grace period is over', async () => {
    const shop = f.shops[0]!;
    const runner = new JobRunner(f.deps, { owner: 'worker-e:5', lease: FAST, abandonGraceMs: 300 });
    let aborted: unknown;
    const stuck = fakeJob(
      'orders:sweep',
      (_d, _s, _o, c) =>
        new Promise(() => {
          c.signal.addEventListener('abort', () => (aborted = c.signal.reason));
        }),
      { timeoutMs: 250 },
    );
    const r = await runner.run(stuck, shop, { trigger: 'schedule', wait: false });
    expect(r).toMatchObject({ status: 'timed_out', error: 'did not finish within 250 ms' });
    expect(String(aborted)).toContain('did not finish within 250 ms');
    // Still draining: the lease is kept so nobody starts the same work on top of it.
    expect(await findLease(f.t.db.knex, leaseName('orders:sweep', shop.id))).toMatchObject({ owner: 'worker-e:5' });
    expect(await runner.run(stuck, shop, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'skipped', error: expect.stringContaining('still running here') });
    expect(await runner.drain(2000)).toBe(0);
    expect(await findLease(f.t.db.knex, leaseName('orders:sweep', shop.id))).toBeUndefined();
    const row = (await listJobRuns(f.t.db.knex, { job: 'orders:sweep', shopId: shop.id })).find((x) => x.id === r.runId)!;
    expect(row).toMatchObject({ status: 'timed_out', error: 'did not finish within 250 ms' });
    expect(row.finishedAt).not.toBeNull();
    expect(f.entries.some((e) => e.level === 'error' && e.message.includes('orders:sweep shop 1 (naver:store-1): timed out: did not finish within 250 ms'))).toBe(true);
  });

  test('authentication failures: the shop turns unhealthy and its scheduled runs back off; `run --shop` still runs; one healthy run clears it', async () => {
    const shop = f.shops[1]!;
    const k = f.t.db.knex;
    const runner = new JobRunner(f.deps, { lease: FAST });
    const refused = fakeJob('orders:pull', async () => {
      throw new ApiError({ mall: 'naver', call: 'token', kind: 'auth', status: 401, code: 'GW.AUTHN', message: 'Naver refused the application credentials (GW.AUTHN)' });
    });
    const ok = fakeJob('orders:pull', async () => ({ counts: { seen: 3 }, failedItems: 0 }));
    expect(await runner.run(refused, shop, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'failed' });
    let s = (await findShopById(k, shop.id))!;
    expect(s).toMatchObject({ health: 'unhealthy', authFailures: 1, healthMessage: 'Naver refused the application credentials (GW.AUTHN)' });

    const skipped = await runner.run(ok, s, { trigger: 'schedule', wait: false });
    expect(skipped).toMatchObject({ status: 'skipped', skipped: 'backoff' });
    expect(skipped.error).toMatch(/^backing off until .* KST after 1 authentication failure in a row: Naver refused .*; run it now with `mallbridge run orders:pull --shop 2`$/);
    // Another job of the same shop backs off too; credentials:check does not.
    expect(await runner.run(fakeJob('orders:sweep', ok.run), s, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'skipped', skipped: 'backoff' });
    expect(await runner.run(fakeJob('credentials:check', async () => ({ counts: {}, failedItems: 0, healthRecorded: true })), s, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'succeeded' });
    expect(f.entries.some((e) => e.level === 'warn' && e.message.startsWith('orders:pull shop 2 (naver:store-2): skipped, backing off until'))).toBe(true);

    // Two failures in a row double the pause.
    await recordShopHealth(k, shop.id, false, 'refused again', true, new Date());
    s = (await findShopById(k, shop.id))!;
    expect(s.authFailures).toBe(2);

    // Named explicitly, it runs; succeeding clears the health and the back-off.
    expect(await runner.run(ok, s, { trigger: 'command', wait: true, explicit: true })).toMatchObject({ status: 'succeeded' });
    s = (await findShopById(k, shop.id))!;
    expect(s).toMatchObject({ health: 'healthy', authFailures: 0, healthMessage: null });
    expect(await runner.run(ok, s, { trigger: 'schedule', wait: false })).toMatchObject({ status: 'succeeded' });
  });

  test('every run logs its start and its end with status, counts and duration', async () => {
    const shop = f.shops[0]!;
    f.entries.length = 0;
    const runner = new JobRunner(f.deps, { lease: FAST });
    const r = await runner.run(fakeJob('orders:pull', async () => ({ counts: { seen: 5, inserted: 2 }, failedItems: 0 })), shop, { trigger: 'schedule', wait: false, slot: new Date('2026-12-01T01:05:00Z') });
    const start = f.entries.find((e) => e.message.includes('started'))!;
    expect(start.message).toBe(`orders:pull shop 1 (naver:store-1): started (schedule for 2026-12-01 10:05:00 KST, run ${r.runId})`);
    const end = f.entries.find((e) => e.message.includes('succeeded in'))!;
    expect(end.meta).toMatchObject({ job: 'orders:pull', shopId: shop.id, runId: r.runId, status: 'succeeded', counts: { seen: 5, inserted: 2 } });
    expect(typeof end.meta.durationMs).toBe('number');
    expect(os.hostname().length).toBeGreaterThan(0);
  });
});
