import crypto from 'node:crypto';
import path from 'node:path';
import winston from 'winston';
import Transport from 'winston-transport';
import type { Dialect } from '../../data/db.js';
import { listJobRuns, type JobRun } from '../../data/stores/job-runs.js';
import { insertSeller } from '../../data/stores/sellers.js';
import { insertShop, type Shop } from '../../data/stores/shops.js';
import type { JobDefinition, JobId, JobResult, JobRun as JobWork } from '../../jobs/registry.js';
import { findJob } from '../../jobs/registry.js';
import { loadConfig } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import { encryptCredentials } from '../../lib/secrets.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { freshDatabase, type TestDb } from './databases.js';

/** One captured log entry. */
export interface LogEntry {
  level: string;
  message: string;
  meta: Record<string, unknown>;
}

class Capture extends Transport {
  constructor(private readonly entries: LogEntry[]) {
    super();
  }
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const { level, message, ...meta } = info;
    this.entries.push({ level: String(level), message: String(message), meta });
    next();
  }
}

/** A logger that keeps every entry in `entries` (tests assert what the jobs logged). */
export function capturingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = winston.createLogger({ level: 'debug', transports: [new Capture(entries)] });
  return { logger, entries };
}

/** A fresh database with pipeline deps (capturing logger, a random key, a clock tests can move) and shops. */
export interface JobsFixture {
  t: TestDb;
  deps: PipelineDeps;
  entries: LogEntry[];
  key: Buffer;
  shops: Shop[];
  /** Sets the clock `deps.now` returns (default the real one). */
  setNow(now: (() => Date) | Date): void;
}

/**
 * A fresh database of `dialect` with seller `acme` and `shopCount` Naver shops (offline: their API
 * base URL points nowhere; the fake jobs of these tests never call it), every automation on.
 */
export async function jobsFixture(dialect: Dialect, shopCount = 2): Promise<JobsFixture> {
  const t = await freshDatabase(dialect);
  const key = crypto.randomBytes(32);
  const config = { ...loadConfig({ MALLBRIDGE_HOME: t.home }, '/'), sqlitePath: path.join(t.home, 'mallbridge.sqlite'), databaseUrl: t.databaseUrl };
  const { logger, entries } = capturingLogger();
  let clock: () => Date = () => new Date();
  const deps: PipelineDeps = { config, db: t.db, logger, now: () => clock(), secretKey: () => key, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 } };
  const seller = await insertSeller(t.db.knex, 'acme', null);
  const shops: Shop[] = [];
  for (let i = 1; i <= shopCount; i++) {
    shops.push(
      await insertShop(t.db.knex, {
        sellerId: seller.id,
        mall: 'naver',
        mallShopId: `store-${i}`,
        shopUrl: null,
        apiBaseUrl: 'http://127.0.0.1:9/external',
        credentials: encryptCredentials(key, { applicationId: 'app', applicationSecret: '$2a$04$MallbridgeSandbox2026u' }),
        credentialsExpireAt: null,
        carrierCode: null,
        rateLimitPerSec: null,
        autoOrderSync: true,
        autoOrderConfirm: true,
        autoInstruct: true,
        autoStockSync: true,
      }),
    );
  }
  return {
    t,
    deps,
    entries,
    key,
    shops,
    setNow(now) {
      clock = typeof now === 'function' ? now : () => now;
    },
  };
}

/** A registry job with its real id, schedule and eligibility, doing `run` instead of its pipeline. */
export function fakeJob(id: JobId, run: JobWork, overrides: Partial<JobDefinition> = {}): JobDefinition {
  const real = findJob(id)!;
  return { ...real, ...overrides, run };
}

/** A job body the test controls: each call waits until `release()` (or its signal aborts). */
export class Gate {
  private waiters: Array<() => void> = [];
  /** Calls so far, with the shop ids, in order. */
  readonly calls: number[] = [];
  /** Calls running now, and the most at any time. */
  running = 0;
  maxRunning = 0;

  run: JobWork = async (_deps, shop, _options, ctx) => {
    this.calls.push(shop?.id ?? 0);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await new Promise<void>((resolve, reject) => {
        this.waiters.push(resolve);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
      });
      return { counts: { done: 1 }, failedItems: 0 } satisfies JobResult;
    } finally {
      this.running--;
    }
  };

  /** Lets every waiting call finish. */
  release(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Resolves when `check()` is true, polling every 10 ms, or rejects after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Pairs of runs of one (job, shop) whose [start, end] overlap (skipped runs left out; a run
 * still running counts as lasting until now). Empty means no (job, shop) ever ran twice at once.
 */
export function overlaps(runs: JobRun[]): Array<[JobRun, JobRun]> {
  const found: Array<[JobRun, JobRun]> = [];
  const real = runs.filter((r) => r.status !== 'skipped');
  const byKey = new Map<string, JobRun[]>();
  for (const r of real) byKey.set(`${r.job}/${r.shopId}`, [...(byKey.get(`${r.job}/${r.shopId}`) ?? []), r]);
  for (const list of byKey.values()) {
    list.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const end = (prev.finishedAt ?? new Date()).getTime();
      if (list[i]!.startedAt.getTime() < end) found.push([prev, list[i]!]);
    }
  }
  return found;
}

export { listJobRuns };
