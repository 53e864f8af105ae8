import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { findLease } from '../../data/stores/job-leases.js';
import { listJobRuns, type JobRun } from '../../data/stores/job-runs.js';
import { parseOwner } from '../../jobs/owner.js';
import { leaseName } from '../../jobs/lease.js';
import { checkRedis } from '../../lib/redis-check.js';
import { runCli } from '../helpers/cli.js';
import { freshDatabase, MYSQL_URL, type TestDb } from '../helpers/databases.js';
import { until, overlaps } from '../helpers/jobs-fixture.js';
import { businessState, depsFor, seedSandboxShops, startCli, type CliProcess } from '../helpers/jobs-processes.js';

/**
 * Several `mallbridge worker` processes on one MySQL database and one Redis, against the sandbox
 * malls with their real rate limits (design.md §7, §12): the processes are the product as
 * deployed, only their schedule is compressed (every 2–3 s, through the worker's hidden
 * `--schedule` option) and their leases shortened (`--lease-seconds 4`).
 */

const REDIS_URL = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const redisUp = await checkRedis(REDIS_URL, 1000).then(
  () => true,
  () => false,
);
const ready = Boolean(MYSQL_URL) && redisUp;
if (!ready) process.stderr.write(`\n*** multi-worker e2e SKIPPED: needs MYSQL_URL (${MYSQL_URL ? 'set' : 'unset'}) and Redis at ${REDIS_URL} (${redisUp ? 'up' : 'down'}); .ci/run starts both ***\n\n`);

const RATES = { naver: 4, rakuten: 3 };
const LEASE_SECONDS = 4;
const WORKER_ARGS = ['worker', '--json', '--grace', '15', '--lease-seconds', String(LEASE_SECONDS), '--schedule', 'orders:pull=*/2 * * * * *', '--schedule', 'orders:sweep=*/3 * * * * *', '--schedule', 'credentials:check=*/2 * * * * *'];

(ready ? describe : describe.skip)('three workers on MySQL + Redis against the sandboxes', () => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let many: TestDb;
  let one: TestDb;
  let key: Buffer;
  const workers: CliProcess[] = [];

  beforeAll(async () => {
    naver = await startNaverSandbox({ ratePerSec: RATES.naver, extraOrders: 30, seed: 7 });
    rakuten = await startRakutenSandbox({ ratePerSec: RATES.rakuten, extraOrders: 30, seed: 7 });
    [many, one] = await Promise.all([freshDatabase('mysql'), freshDatabase('mysql')]);
    key = crypto.randomBytes(32);
    await seedSandboxShops(depsFor(many, key), { naver, rakuten }, RATES);
    await seedSandboxShops(depsFor(one, key), { naver, rakuten }, RATES);
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await naver?.close();
    await rakuten?.close();
    await many?.drop();
    await one?.drop();
  });

  const envOf = (t: TestDb) => ({ DATABASE_URL: t.databaseUrl, MALLBRIDGE_SECRET_KEY: key.toString('base64'), MALLBRIDGE_HOME: t.home, REDIS_URL });
  const runs = () => listJobRuns(many.db.knex);
  const workerOf = (owner: string) => workers.find((w) => w.pid === parseOwner(owner)?.pid);
  const log = () => (fs.existsSync(path.join(many.home, 'logs', 'mallbridge.log')) ? fs.readFileSync(path.join(many.home, 'logs', 'mallbridge.log'), 'utf8') : '');

  test(
    'leave exactly the state one worker would, never run a (job, shop) twice at once, stay under the rate limits, and take over from a killed and a frozen worker',
    async () => {
      const started = Date.now();
      for (let i = 0; i < 3; i++) workers.push(startCli(WORKER_ARGS, envOf(many)));

      // 1. SIGKILL a worker in the middle of a pull: another takes the shop over at once (a dead process on this host).
      let victim: JobRun | undefined;
      await until(async () => (victim = (await runs()).find((r) => r.status === 'running' && r.job === 'orders:pull' && workerOf(r.owner))) !== undefined, 20_000, 'a pull in progress');
      const killed = workerOf(victim!.owner)!;
      killed.child.kill('SIGKILL');
      const killedAt = Date.now();
      let takeover: JobRun | undefined;
      await until(async () => (takeover = (await runs()).find((r) => r.job === 'orders:pull' && r.shopId === victim!.shopId && r.id > victim!.id && r.status !== 'skipped')) !== undefined, 20_000, 'a takeover of the killed pull');
      expect(takeover!.owner).not.toBe(victim!.owner);
      // Taken at the next firing (every 2 s), not after the lease's 4 s.
      expect(takeover!.startedAt.getTime() - killedAt).toBeLessThan(LEASE_SECONDS * 1000 - 500);
      expect((await runs()).find((r) => r.id === victim!.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/^abandoned: the worker running it stopped without finishing/) });
      expect(log()).toContain(`took the lease over from ${victim!.owner} (that process is gone)`);

      // 2. SIGSTOP another one while it holds a lease (frozen, like a worker cut off on another host):
      //    its lease is taken over only once it has expired. Then it is killed.
      let frozen: CliProcess | undefined;
      let held: { runId: number; job: string; shopId: number; expiresAt: Date } | undefined;
      await until(
        async () => {
          const live = (await runs()).filter((r) => r.status === 'running' && workerOf(r.owner) && workerOf(r.owner) !== killed);
          for (const r of live) {
            const w = workerOf(r.owner)!;
            w.child.kill('SIGSTOP');
            await new Promise((res) => setTimeout(res, 300));
            const lease = await findLease(many.db.knex, leaseName(r.job, r.shopId!));
            if (lease && lease.owner === r.owner && lease.expiresAt.getTime() > Date.now()) {
              frozen = w;
              held = { runId: r.id, job: r.job, shopId: r.shopId!, expiresAt: lease.expiresAt };
              return true;
            }
            w.child.kill('SIGCONT');
          }
          return false;
        },
        20_000,
        'a worker frozen while holding a lease',
      );
      let after: JobRun | undefined;
      await until(async () => (after = (await runs()).find((r) => r.job === held!.job && r.shopId === held!.shopId && r.id > held!.runId && r.status !== 'skipped')) !== undefined, 30_000, 'a takeover of the frozen lease');
      expect(parseOwner(after!.owner)!.pid).not.toBe(frozen!.pid);
      expect(after!.startedAt.getTime()).toBeGreaterThanOrEqual(held!.expiresAt.getTime());
      frozen!.child.kill('SIGKILL');
      expect(log()).toMatch(/took the lease over from \S+ \(its lease had expired\)/);

      // 3. The last worker keeps going a moment, then stops cleanly on SIGTERM.
      const last = workers.find((w) => w !== killed && w !== frozen)!;
      await new Promise((r) => setTimeout(r, 2000));
      last.child.kill('SIGTERM');
      expect(await last.exited).toEqual({ code: 0, signal: null });
      expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(await frozen!.exited).toEqual({ code: null, signal: 'SIGKILL' });
      expect(last.stderr()).toMatch(/^mallbridge worker: SIGTERM: stopping; \d+ running jobs?, up to 15 s to finish/m);
      expect(last.stderr()).toMatch(/^mallbridge worker: stopped \(\d+ finished in the grace period, 0 interrupted and released\)$/m);
      const printed = last.stdout().trim().split('\n').map((l) => JSON.parse(l) as { job: string; status: string });
      expect(printed.filter((p) => p.status === 'succeeded').length).toBeGreaterThan(2);
      expect(await many.db.knex('job_leases').where('owner', 'like', `%:${last.pid}%`)).toEqual([]);

      // 4. One more run of each job closes whatever the dead workers left `running` and catches up.
      for (const job of ['orders:pull', 'orders:sweep', 'credentials:check']) {
        const r = await runCli(['run', job, '--json'], envOf(many));
        expect([job, r.code, r.stderr]).toEqual([job, 0, '']);
      }
      const all = await runs();
      expect(all.filter((r) => r.status === 'running')).toEqual([]);
      expect(overlaps(all)).toEqual([]);
      const ran = (job: string) => all.filter((r) => r.job === job && r.status === 'succeeded').length;
      expect(ran('orders:pull')).toBeGreaterThanOrEqual(4);
      expect(ran('credentials:check')).toBeGreaterThanOrEqual(2);
      expect(all.filter((r) => r.status === 'skipped').length).toBeGreaterThan(0);

      // 5. Exactly the state one worker leaves: a single `run orders:pull` on a second database.
      const single = await runCli(['run', 'orders:pull', '--json'], envOf(one));
      expect(single.code).toBe(0);
      const expected = await businessState(one.db.knex);
      expect((expected.fulfillment_orders as unknown[]).length).toBeGreaterThan(8);
      expect(await businessState(many.db.knex)).toEqual(expected);

      // 6. All processes together stayed under each marketplace's limit: not one 429.
      expect(naver.requests.filter((r) => r.status === 429)).toEqual([]);
      expect(rakuten.requests.filter((r) => r.status === 429)).toEqual([]);
      expect(naver.requests.length + rakuten.requests.length).toBeGreaterThan(40);
      process.stderr.write(`multi-worker e2e: ${Math.round((Date.now() - started) / 1000)} s, ${all.length} job_runs rows, ${naver.requests.length} Naver and ${rakuten.requests.length} Rakuten requests, 0 over the limit\n`);
    },
    150_000,
  );
});
