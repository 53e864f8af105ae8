import { listShops, shopLabel, type Shop } from '../data/stores/shops.js';
import { errorText } from '../lib/error-text.js';
import type { Logger } from '../lib/logger.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { CronScheduler } from './cron.js';
import { kstText } from './kst.js';
import { JOBS, type JobDefinition } from './registry.js';
import type { JobRunner, ShopRunResult } from './runner.js';

/** What a worker is built from. */
export interface WorkerParts {
  deps: PipelineDeps;
  runner: JobRunner;
  scheduler: CronScheduler;
  /** Default: every job of the registry. */
  jobs?: readonly JobDefinition[];
  /** Cron expressions replacing the registry's, by job id (drills and tests only; see `mallbridge worker --help`). */
  scheduleOverrides?: Partial<Record<string, string>>;
  /** Shops of one firing run at the same time, at most (default 4). */
  shopConcurrency?: number;
  /** Called with every run's result (the command prints one line per run). */
  onResult?: (result: { job: string } & ShopRunResult) => void;
}

/** What `stop` found. */
export interface WorkerStopped {
  /** Runs that finished within the grace period. */
  finished: number;
  /** Runs still busy when it ran out: closed `failed` ("interrupted: …"), leases released. */
  interrupted: number;
}

/**
 * `mallbridge worker` (design.md §7): fires each job at its schedule (Asia/Seoul) and runs it,
 * through the runner, for every eligible shop (once for all shops when its scope is `all`) —
 * skipping (and recording as `skipped`) a (job, shop) whose lease another worker holds, one still
 * running here from an earlier slot, and a shop backing off after authentication failures. Shops are read again at every firing, so
 * a shop added or switched on is picked up without a restart.
 */
export class Worker {
  private readonly log: Logger;
  private readonly jobs: readonly JobDefinition[];
  private readonly firings = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly parts: WorkerParts) {
    this.log = parts.deps.logger.child({ module: 'worker' });
    this.jobs = parts.jobs ?? JOBS;
  }

  /**
   * Schedules every job.
   *
   * @returns the jobs scheduled, with their expression.
   * @throws RangeError for a schedule override node-cron does not accept.
   */
  start(): { scheduled: Array<{ id: string; schedule: string }> } {
    const scheduled: Array<{ id: string; schedule: string }> = [];
    for (const job of this.jobs) {
      const expression = this.parts.scheduleOverrides?.[job.id] ?? job.schedule;
      this.parts.scheduler.schedule(job.id, expression, (slot) => this.fire(job, slot));
      scheduled.push({ id: job.id, schedule: expression });
    }
    return { scheduled };
  }

  /** Runs `job` for its eligible shops (or once for all) as the slot `slot` (what the scheduler calls); returns at once. */
  fire(job: JobDefinition, slot: Date): void {
    if (this.stopping) return;
    const firing = this.runFiring(job, slot).catch((err) => {
      this.log.error(`${job.id} for ${kstText(slot)}: ${errorText(err)}`, { error: err });
    });
    this.firings.add(firing);
    void firing.finally(() => this.firings.delete(firing));
  }

  private async runFiring(job: JobDefinition, slot: Date): Promise<void> {
    if (job.scope === 'all') return this.runShop(job, null, slot);
    const shops = (await listShops(this.parts.deps.db.knex)).filter((s) => job.eligible(s));
    if (shops.length === 0) {
      this.log.debug(`${job.id} for ${kstText(slot)}: no eligible shop`);
      return;
    }
    const queue = [...shops];
    const lanes = Array.from({ length: Math.min(this.parts.shopConcurrency ?? 4, queue.length) }, async () => {
      for (let shop = queue.shift(); shop && !this.stopping; shop = queue.shift()) await this.runShop(job, shop, slot);
    });
    await Promise.all(lanes);
  }

  private async runShop(job: JobDefinition, shop: Shop | null, slot: Date): Promise<void> {
    try {
      const r = { job: job.id, ...(await this.parts.runner.run(job, shop, { trigger: 'schedule', wait: false, slot })) };
      this.parts.onResult?.(r);
    } catch (err) {
      // An exit-2 error (a credential that cannot be decrypted…) stops this shop's run, never the worker.
      this.log.error(`${job.id} ${shop ? shopLabel(shop) : 'all shops'}: ${errorText(err)}`, { job: job.id, shopId: shop?.id ?? null, error: err });
    }
  }

  /** Resolves when every firing so far has finished (tests). */
  async idle(): Promise<void> {
    while (this.firings.size > 0) await Promise.all([...this.firings]);
  }

  /**
   * Graceful stop: no new slot is taken, runs waiting for a lease give up, running ones get up to
   * `graceMs` to finish; those still busy then are ended (`failed`, "interrupted: `reason`") and
   * their leases released, so another worker can take their shops at once.
   */
  async stop(graceMs: number, reason: string): Promise<WorkerStopped> {
    this.stopping = true;
    this.parts.scheduler.stop();
    this.parts.runner.stopTakingWork();
    const before = this.parts.runner.busy().filter((b) => b.runId !== null).length;
    const left = await this.parts.runner.drain(graceMs);
    const interrupted = left > 0 ? await this.parts.runner.abandonAll(`interrupted: ${reason}; the worker stopped before the run finished`) : 0;
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, 1000).unref())]);
    return { finished: Math.max(0, before - interrupted), interrupted };
  }
}
