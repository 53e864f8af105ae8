import os from 'node:os';
import { jest } from '@jest/globals';
import { createCronScheduler, FakeCron, isCronExpression, nextDue } from '../../jobs/cron.js';
import { authBackoff } from '../../jobs/health.js';
import { kstText } from '../../jobs/kst.js';
import { leaseTimingFor } from '../../jobs/lease.js';
import { isDeadLocalOwner, parseOwner } from '../../jobs/owner.js';
import { findJob, JOB_IDS, JOBS } from '../../jobs/registry.js';
import { processOwner } from '../../data/stores/job-runs.js';

/** The schedule of design.md §7, as the registry must carry it. */
const DESIGN = {
  'orders:pull': 'hourly at :05',
  'orders:confirm': 'hourly at :15',
  'orders:instruct': 'hourly at :20',
  'tracking:push': 'every 30 min',
  'stock:sync': 'every 30 min',
  'orders:sweep': '00:30 daily',
  reconcile: '01:00 daily',
  'credentials:check': '09:00 daily',
} as const;

/** Fires every registry job over one KST day on the fake clock; returns the KST times per job. */
async function oneDay(): Promise<Map<string, string[]>> {
  // 2026-12-01 00:00 KST is 2026-11-30 15:00 UTC; the window is (23:59:30 KST, next day 23:59:30 KST].
  const cron = new FakeCron(new Date('2026-11-30T14:59:30Z'));
  for (const job of JOBS) cron.schedule(job.id, job.schedule, () => undefined);
  await cron.advanceTo(new Date('2026-12-01T14:59:30Z'));
  const byJob = new Map<string, string[]>();
  for (const [name, slot] of cron.fired) byJob.set(name, [...(byJob.get(name) ?? []), kstText(slot).slice(11, 16)]);
  return byJob;
}

const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

describe('the job registry and its schedule (Asia/Seoul)', () => {
  test('lists every job of design.md §7 once, each with a valid cron expression, a timeout and a pipeline', () => {
    expect(JOBS.map((j) => j.id)).toEqual(Object.keys(DESIGN));
    expect([...JOB_IDS]).toEqual(Object.keys(DESIGN));
    for (const job of JOBS) {
      expect([job.id, isCronExpression(job.schedule)]).toEqual([job.id, true]);
      expect(job.timeoutMs).toBeGreaterThanOrEqual(60_000);
      expect(job.timeoutMs).toBeLessThanOrEqual(60 * 60_000);
      expect(job.pipeline).toMatch(/^pipelines\//);
    }
    // Every job has its work; only the nightly report covers every shop in one run.
    for (const job of JOBS) expect([job.id, typeof job.run]).toEqual([job.id, 'function']);
    expect(JOBS.filter((j) => j.scope === 'all').map((j) => j.id)).toEqual(['reconcile']);
    // credentials:check is the check that notices fixed credentials: it never backs off.
    expect(findJob('credentials:check')!.backsOff).toBe(false);
  });

  test('on a fake clock, each job fires at its time in Asia/Seoul over one day', async () => {
    const fired = await oneDay();
    expect(fired.get('orders:pull')).toEqual(hours.map((h) => `${h}:05`));
    expect(fired.get('orders:confirm')).toEqual(hours.map((h) => `${h}:15`));
    expect(fired.get('orders:instruct')).toEqual(hours.map((h) => `${h}:20`));
    const halfHours = hours.flatMap((h) => [`${h}:00`, `${h}:30`]);
    expect(fired.get('tracking:push')).toEqual(halfHours);
    expect(fired.get('stock:sync')).toEqual(halfHours);
    expect(fired.get('orders:sweep')).toEqual(['00:30']);
    expect(fired.get('reconcile')).toEqual(['01:00']);
    expect(fired.get('credentials:check')).toEqual(['09:00']);
  });

  test('KST, not the server zone: the nightly jobs fall on the UTC times of the previous evening', async () => {
    const cron = new FakeCron(new Date('2026-11-30T12:00:00Z'));
    const slots: Array<[string, string]> = [];
    for (const id of ['orders:sweep', 'reconcile', 'credentials:check'] as const) cron.schedule(id, findJob(id)!.schedule, (s) => slots.push([id, s.toISOString()]));
    await cron.advance(24 * 3600_000);
    expect(slots).toEqual([
      ['orders:sweep', '2026-11-30T15:30:00.000Z'],
      ['reconcile', '2026-11-30T16:00:00.000Z'],
      ['credentials:check', '2026-12-01T00:00:00.000Z'],
    ]);
  });

  test('next due times (for `jobs status`) follow the same matcher', () => {
    const at = new Date('2026-12-01T01:05:00Z'); // 10:05 KST, a pull slot itself
    expect(kstText(nextDue('5 * * * *', at)!)).toBe('2026-12-01 11:05:00 KST');
    expect(kstText(nextDue('*/30 * * * *', at)!)).toBe('2026-12-01 10:30:00 KST');
    expect(kstText(nextDue('0 9 * * *', at)!)).toBe('2026-12-02 09:00:00 KST');
    expect(kstText(nextDue('30 0 * * *', new Date('2026-12-01T15:29:59Z'))!)).toBe('2026-12-02 00:30:00 KST');
  });

  test('the production wrapper drives node-cron itself in Asia/Seoul (jest fake timers)', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T01:04:58.000Z') }); // 10:04:58 KST
    const scheduler = createCronScheduler();
    const slots: string[] = [];
    try {
      scheduler.schedule('orders:pull', '5 * * * *', (slot) => slots.push(kstText(slot)));
      scheduler.schedule('orders:confirm', '15 * * * *', (slot) => slots.push(`confirm ${kstText(slot)}`));
      await jest.advanceTimersByTimeAsync(3_000);
      expect(slots).toEqual(['2026-12-01 10:05:00 KST']);
      await jest.advanceTimersByTimeAsync(10 * 60_000);
      expect(slots).toEqual(['2026-12-01 10:05:00 KST', 'confirm 2026-12-01 10:15:00 KST']);
      await jest.advanceTimersByTimeAsync(50 * 60_000);
      expect(slots.at(-1)).toBe('2026-12-01 11:05:00 KST');
    } finally {
      scheduler.stop();
      jest.useRealTimers();
    }
    expect(() => scheduler.schedule('x', 'not cron', () => undefined)).toThrow(RangeError);
  });
});

describe('authentication back-off', () => {
  const now = new Date('2026-12-01T03:00:00Z');
  const shop = (failures: number, minutesAgo: number) => ({ health: 'unhealthy' as const, healthMessage: 'Naver refused the key', healthCheckedAt: new Date(now.getTime() - minutesAgo * 60_000), authFailures: failures });

  test('grows with failures in a row (30 min, 1 h, 2 h … at most a day) and names the cause', () => {
    expect(authBackoff(shop(1, 10), now)!.until).toEqual(new Date(now.getTime() + 20 * 60_000));
    expect(authBackoff(shop(1, 31), now)).toBeNull();
    expect(authBackoff(shop(2, 31), now)!.until).toEqual(new Date(now.getTime() + 29 * 60_000));
    expect(authBackoff(shop(3, 119), now)).not.toBeNull();
    expect(authBackoff(shop(3, 121), now)).toBeNull();
    expect(authBackoff(shop(40, 23 * 60), now)).not.toBeNull();
    expect(authBackoff(shop(40, 24 * 60 + 1), now)).toBeNull();
    expect(authBackoff(shop(2, 10), now)!.reason).toBe('backing off until 2026-12-01 12:50:00 KST after 2 authentication failures in a row: Naver refused the key');
  });

  test('a healthy shop, or one unhealthy for another reason, never backs off', () => {
    expect(authBackoff({ ...shop(0, 1), health: 'unhealthy' }, now)).toBeNull();
    expect(authBackoff({ ...shop(3, 1), health: 'healthy' }, now)).toBeNull();
  });
});

describe('lease owners', () => {
  test('host:pid with the PID namespace; only a dead process of this host and namespace is dead', () => {
    const me = processOwner();
    const p = parseOwner(me)!;
    expect(p).toMatchObject({ host: os.hostname(), pid: process.pid });
    const self = `${p.host}:${p.pid}${p.ns ? `:${p.ns}` : ''}`;
    expect(self).toBe(me);
    const other = (pid: number, host = p.host, ns = p.ns) => `${host}:${pid}${ns ? `:${ns}` : ''}`;
    const alive = (pid: number) => pid !== 424242;
    expect(isDeadLocalOwner(other(424242), me, alive)).toBe(true);
    expect(isDeadLocalOwner(other(7), me, alive)).toBe(false);
    expect(isDeadLocalOwner(other(424242, 'another-host'), me, alive)).toBe(false);
    expect(isDeadLocalOwner(other(424242, p.host, '1'), me, alive)).toBe(false);
    expect(isDeadLocalOwner(me, me, () => false)).toBe(false);
    expect(isDeadLocalOwner('garbage', me, alive)).toBe(false);
  });

  test('lease timing from a length: renewed every third, polled at most every second', () => {
    expect(leaseTimingFor(60)).toEqual({ ttlMs: 60_000, renewMs: 20_000, pollMs: 1000 });
    expect(leaseTimingFor(3)).toEqual({ ttlMs: 3000, renewMs: 1000, pollMs: 500 });
  });
});
