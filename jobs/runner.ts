import { closeAbandonedRuns, finishJobRun, processOwner, recordSkippedRun, startJobRun } from '../data/stores/job-runs.js';
import { listShops, recordShopHealth, shopLabel, type Shop } from '../data/stores/shops.js';
import { ApiError, InputError, MallbridgeError } from '../lib/errors.js';
import { errorText } from '../lib/error-text.js';
import type { Logger } from '../lib/logger.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { authBackoff, DEFAULT_BACKOFF, type BackoffPolicy } from './health.js';
import { durationText, kstText } from './kst.js';
import { acquireLeaseBefore, databaseClock, DEFAULT_LEASE_TIMING, leaseName, tryAcquireLease, type AcquireResult, type HeldLease, type LeaseContext, type LeaseTiming } from './lease.js';
import { isDeadLocalOwner } from './owner.js';
import type { JobDefinition, JobOptions, JobResult } from './registry.js';

/** The outcome of one job for one shop. */
export interface ShopRunResult {
  /** The run failed on a configuration problem of the shop (exit 2 when every shop did). */
  badInput?: boolean;
  /** null for a job that covers every shop at once (`reconcile`). */
  shopId: number | null;
  shop: string;
  status: 'succeeded' | 'failed' | 'timed_out' | 'skipped';
  counts: Record<string, unknown>;
  /** failed / timed_out: why; skipped: the reason. */
  error: string | null;
  /** Why a run was skipped: `held` (by another worker, or still running here), `backoff` (authentication failures), `stopping`. */
  skipped?: SkipKind;
  /** The `job_runs` row. */
  runId: number;
  durationMs: number;
  warnings: string[];
}

/** Why a run was skipped. */
export type SkipKind = 'held' | 'backoff' | 'stopping';

/** How a run was asked for. */
export interface RunRequest {
  /** `schedule`: the worker; `command`: `mallbridge run`. */
  trigger: 'schedule' | 'command';
  /** true: wait for a lease held elsewhere, up to the job's timeout (`run`); false: skip (worker, `run --no-wait`). */
  wait: boolean;
  /** The shop was named (`run --shop`): it runs even while backing off after authentication failures. */
  explicit?: boolean;
  options?: JobOptions;
  /** The scheduled time this run is for (logs). */
  slot?: Date;
  /** Called once when the lease is held elsewhere and the run starts waiting. */
  onWait?: (shop: string, holder: string, expiresAt: Date | null) => void;
}

/** Settings of a runner; every one has a production default. */
export interface RunnerSettings {
  /** Lease owner and `job_runs.owner` (default this process, `host:pid[:pidns]`). */
  owner?: string;
  lease?: LeaseTiming;
  /** The clock leases are compared on (default the database's). */
  leaseClock?: () => Promise<Date>;
  isDeadOwner?: (owner: string) => boolean;
  /**
   * After a run timed out (or lost its lease) while its pipeline is still busy, how long the
   * lease is still kept (renewed) so no other worker starts the same work on top of it; then it
   * is released. Default: one lease length.
   */
  abandonGraceMs?: number;
  backoff?: BackoffPolicy;
}

class RunTimeout extends Error {}
class LeaseLost extends Error {}

/** One run this process has claimed (waiting for its lease, running, or abandoned and draining). */
interface ActiveRun {
  name: string;
  job: string;
  shopId: number | null;
  runId: number | null;
  lease: HeldLease | null;
  abort: AbortController;
  /** Resolves when the slot is free again. */
  done: Promise<void>;
  free: () => void;
}

export { leaseName } from './lease.js';

/** How logs and results name the target of a run. */
function targetLabel(shop: Shop | null): string {
  return shop ? shopLabel(shop) : 'all shops';
}

/** A pause that never keeps the process alive by itself (waits race other promises). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Runs jobs for shops (design.md §7): per (job, shop) an in-process guard and a database lease in
 * `job_leases` (60 s, renewed every 20 s while the run lives; taken over when expired, or at once
 * when its owner is a dead process on this host), a `job_runs` row (start, end, status, counts,
 * error), a timeout, the shop's health and its back-off after authentication failures. Used by
 * `mallbridge run`, the worker and the demo — one runner per process.
 */
export class JobRunner {
  readonly owner: string;
  private readonly lease: LeaseContext;
  private readonly abandonGraceMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly log: Logger;
  private readonly active = new Map<string, ActiveRun>();
  /** The configuration errors of runs that failed on them, by run id (see runJobNow). */
  private readonly badInputs = new Map<number, MallbridgeError>();
  private stopping = false;

  constructor(
    private readonly deps: PipelineDeps,
    settings: RunnerSettings = {},
  ) {
    this.owner = settings.owner ?? processOwner();
    const timing = settings.lease ?? DEFAULT_LEASE_TIMING;
    this.log = deps.logger.child({ module: 'jobs' });
    this.lease = {
      conn: deps.db.knex,
      owner: this.owner,
      timing,
      clock: settings.leaseClock ?? databaseClock(deps.db.knex),
      isDeadOwner: settings.isDeadOwner ?? ((o) => isDeadLocalOwner(o, this.owner)),
      logger: this.log,
    };
    this.abandonGraceMs = settings.abandonGraceMs ?? timing.ttlMs;
    this.backoff = settings.backoff ?? DEFAULT_BACKOFF;
  }

  /** (job, shop) pairs this process is busy with: running, waiting for a lease, or abandoned and draining. */
  busy(): Array<{ job: string; shopId: number | null; runId: number | null }> {
    return [...this.active.values()].map((a) => ({ job: a.job, shopId: a.shopId, runId: a.runId }));
  }

  /**
   * Runs `job` for `shop` once, as `request` says, and records it. Never throws for what the
   * job meets (failures, timeouts, a held lease are results), except:
   *
   * @throws InputError when `shop` does not fit the job's scope (a per-shop job without a shop,
   *   an all-shops job with one).
   * A configuration problem of the shop (a stored credential that cannot be decrypted…) is a
   * failed run marked `badInput`, its error kept for {@link badInputOf}.
   */
  async run(job: JobDefinition, shop: Shop | null, request: RunRequest): Promise<ShopRunResult> {
    const shopId = shop?.id ?? null;
    if ((job.scope === 'all') !== (shop === null)) throw new InputError(job.scope === 'all' ? `${job.id} covers every shop at once; it is not run per shop` : `${job.id} runs per shop`);
    const name = leaseName(job.id, shopId);
    const label = targetLabel(shop);
    const started = Date.now();
    const deadline = started + job.timeoutMs;

    if (shop && job.backsOff && !request.explicit) {
      const b = authBackoff(shop, this.deps.now(), this.backoff);
      if (b) {
        this.log.warn(`${job.id} ${label}: skipped, ${b.reason}`, { job: job.id, shopId });
        return this.skip(job, shop, `${b.reason}; run it now with \`mallbridge run ${job.id} --shop ${shopId}\``, started, 'backoff');
      }
    }

    // In-process guard: claimed synchronously after the check, so two calls in this process never both pass.
    for (let other = this.active.get(name); other; other = this.active.get(name)) {
      if (this.stopping) return this.skip(job, shop, 'the worker is stopping', started, 'stopping');
      const why = other.runId ? `still running here (run ${other.runId}, ${this.owner})` : `already starting here (${this.owner})`;
      if (!request.wait || Date.now() >= deadline) return this.skip(job, shop, why, started, 'held');
      await Promise.race([other.done, sleep(deadline - Date.now())]);
    }
    const slot = this.claim(name, job.id, shopId);
    let handedOver = false;
    try {
      let got: AcquireResult = await tryAcquireLease(this.lease, name);
      if (!got.acquired && request.wait && !this.stopping) {
        const holder = got.holder;
        request.onWait?.(label, holder?.owner ?? 'another worker', holder?.expiresAt ?? null);
        this.log.info(`${job.id} ${label}: waiting for the lease held by ${holder?.owner ?? 'another worker'} (up to ${durationText(job.timeoutMs)})`);
        got = await acquireLeaseBefore(this.lease, name, deadline, undefined, () => this.stopping);
      }
      if (!got.acquired) {
        const h = got.holder;
        const by = h ? `held by ${h.owner} (lease until ${kstText(h.expiresAt)})` : 'held by another worker';
        const reason = request.wait && !this.stopping ? `${by}; still held after waiting ${durationText(Date.now() - started)}` : by;
        this.log.info(`${job.id} ${label}: skipped, ${reason}`, { job: job.id, shopId });
        return await this.skip(job, shop, reason, started, this.stopping ? 'stopping' : 'held');
      }
      slot.lease = got.lease;
      if (got.previousOwner && got.previousOwner !== this.owner) {
        this.log.warn(`${job.id} ${label}: took the lease over from ${got.previousOwner} (${got.how === 'dead-owner' ? 'that process is gone' : 'its lease had expired'})`);
      }
      const result = await this.execute(job, shop, request, slot, got.lease, started, got.previousOwner);
      handedOver = result.abandoned;
      return result.result;
    } finally {
      if (!handedOver) {
        await slot.lease?.release();
        this.unclaim(slot);
      }
    }
  }

  private claim(name: string, job: string, shopId: number | null): ActiveRun {
    let free!: () => void;
    const done = new Promise<void>((r) => (free = r));
    const slot: ActiveRun = { name, job, shopId, runId: null, lease: null, abort: new AbortController(), done, free };
    this.active.set(name, slot);
    return slot;
  }

  private unclaim(slot: ActiveRun): void {
    if (this.active.get(slot.name) === slot) this.active.delete(slot.name);
    slot.free();
  }

  private async skip(job: JobDefinition, shop: Shop | null, reason: string, started: number, kind: SkipKind): Promise<ShopRunResult> {
    const shopId = shop?.id ?? null;
    const runId = await recordSkippedRun(this.deps.db.knex, job.id, shopId, reason, this.deps.now(), this.owner);
    return { shopId: shopId, shop: targetLabel(shop), status: 'skipped', skipped: kind, counts: {}, error: reason, runId, durationMs: Date.now() - started, warnings: [] };
  }

  /** The run proper, lease held: returns its result, and whether its work was abandoned still busy. */
  private async execute(job: JobDefinition, shop: Shop | null, request: RunRequest, slot: ActiveRun, lease: HeldLease, started: number, previousOwner: string | null): Promise<{ result: ShopRunResult; abandoned: boolean }> {
    const shopId = shop?.id ?? null;
    const knex = this.deps.db.knex;
    const label = targetLabel(shop);
    const closed = await closeAbandonedRuns(knex, job.id, shopId, `abandoned: the worker running it stopped without finishing${previousOwner && previousOwner !== this.owner ? ` (${previousOwner})` : ''}; closed by ${this.owner}`, this.deps.now());
    if (closed > 0) this.log.warn(`${job.id} ${label}: closed ${closed} run${closed === 1 ? '' : 's'} left \`running\` by a worker that stopped`);
    const runId = await startJobRun(knex, job.id, shopId, this.deps.now(), this.owner);
    slot.runId = runId;
    const runStarted = Date.now();
    this.log.info(`${job.id} ${label}: started (${request.trigger}${request.slot ? ` for ${kstText(request.slot)}` : ''}, run ${runId})`, { job: job.id, shopId: shopId, runId });

    let lostLease: (reason: string) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (lostLease = (reason) => reject(new LeaseLost(reason))));
    lost.catch(() => undefined);
    lease.keepAlive((reason) => {
      slot.abort.abort(new LeaseLost(reason));
      lostLease(reason);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new RunTimeout(`did not finish within ${durationText(job.timeoutMs)}`);
        slot.abort.abort(err);
        reject(err);
      }, job.timeoutMs);
    });
    timeout.catch(() => undefined);
    const work = Promise.resolve().then(() => job.run(this.deps, shop, request.options ?? {}, { signal: slot.abort.signal }));
    let settled = false;
    const workDone = work.then(
      () => void (settled = true),
      () => void (settled = true),
    );

    let result: ShopRunResult;
    let badInput: MallbridgeError | undefined;
    try {
      const r: JobResult = await Promise.race([work, timeout, lost]);
      const warnings = r.warnings ?? [];
      const status = r.failedItems > 0 ? 'failed' : 'succeeded';
      const error = r.failedItems > 0 ? (r.error ?? `${r.failedItems} item${r.failedItems === 1 ? '' : 's'} failed`) : null;
      const counts = warnings.length > 0 && !('warnings' in r.counts) ? { ...r.counts, warnings } : r.counts;
      await this.finish(runId, status, counts, error);
      if (shop && job.callsMarketplace && !r.healthRecorded) await recordShopHealth(knex, shop.id, true, null, false, this.deps.now());
      for (const w of warnings) this.log.warn(`${job.id} ${label}: ${w}`, { job: job.id, shopId });
      result = { shopId, shop: label, status, counts, error, runId, durationMs: Date.now() - started, warnings };
    } catch (err) {
      const timedOut = err instanceof RunTimeout;
      const message = err instanceof LeaseLost ? `stopped waiting for it: ${err.message}` : errorText(err);
      const status = timedOut ? 'timed_out' : 'failed';
      await this.finish(runId, status, {}, message);
      if (shop && job.callsMarketplace && err instanceof ApiError && (err.kind === 'auth' || err.kind === 'forbidden')) {
        await recordShopHealth(knex, shop.id, false, message, true, this.deps.now());
      }
      if (!(err instanceof MallbridgeError) || err.exitCode === 1) this.log.error(`${job.id} ${label}: ${status === 'timed_out' ? 'timed out' : 'failed'}: ${message}`, { job: job.id, shopId: shopId, runId, error: err });
      result = { shopId, shop: label, status, counts: {}, error: message, runId, durationMs: Date.now() - started, warnings: [] };
      if (err instanceof MallbridgeError && err.exitCode === 2) badInput = err;
    } finally {
      clearTimeout(timer);
    }
    this.log.info(`${job.id} ${label}: ${result.status} in ${durationText(Date.now() - runStarted)}`, { job: job.id, shopId: shopId, runId, status: result.status, durationMs: Date.now() - runStarted, counts: result.counts, ...(result.error ? { error: result.error } : {}) });
    // A configuration problem of this shop (credentials that cannot be decrypted…) fails this
    // shop only; the other shops of the run go on (runJobNow turns "every shop" into exit 2).
    if (badInput) {
      result.badInput = true;
      this.badInputs.set(runId, badInput);
    }

    // Finished: the caller releases. Timed out or lease lost with the pipeline still busy: keep
    // the lease (if still ours) a while so nobody starts the same work on top of it.
    await Promise.race([workDone, sleep(0)]);
    if (settled) return { result, abandoned: false };
    this.log.warn(`${job.id} ${label}: its pipeline is still busy; the lease is kept up to ${durationText(this.abandonGraceMs)} more, then released`);
    void Promise.race([workDone, sleep(this.abandonGraceMs)]).then(async () => {
      await lease.release();
      this.unclaim(slot);
    });
    return { result, abandoned: true };
  }

  private async finish(runId: number, status: 'succeeded' | 'failed' | 'timed_out', counts: Record<string, unknown>, error: string | null): Promise<void> {
    if (!(await finishJobRun(this.deps.db.knex, runId, status, counts, error, this.deps.now()))) {
      this.log.warn(`run ${runId}: already closed (abandoned at shutdown, or by a worker that took the lease over); this late result (${status}) is not recorded`);
    }
  }

  /**
   * Waits until this process has no run left (running, waiting or draining), at most `ms`.
   *
   * @returns how many are still busy.
   */
  async drain(ms: number): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.active.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.all([...this.active.values()].map((a) => a.done)), sleep(Math.max(1, deadline - Date.now()))]);
    }
    return this.active.size;
  }

  /** The configuration error (exit 2) a run failed on, if any. */
  badInputOf(runId: number): MallbridgeError | undefined {
    return this.badInputs.get(runId);
  }

  /** No new runs start from now on (waiting ones give up and record `skipped`). */
  stopTakingWork(): void {
    this.stopping = true;
  }

  /**
   * Ends every run still busy in this process: its `job_runs` row is closed `failed` with
   * `reason`, its work is signalled to stop, its lease is released (so another worker can take
   * the shop at once). For shutdown (SIGINT/SIGTERM) and a worker's grace period running out.
   *
   * @returns how many runs were ended.
   */
  async abandonAll(reason: string): Promise<number> {
    this.stopping = true;
    const runs = [...this.active.values()];
    await Promise.all(
      runs.map(async (a) => {
        a.abort.abort(new Error(reason));
        if (a.runId !== null) await finishJobRun(this.deps.db.knex, a.runId, 'failed', {}, reason, this.deps.now()).catch(() => false);
        await a.lease?.release();
        this.unclaim(a);
      }),
    );
    return runs.filter((a) => a.runId !== null).length;
  }
}

/**
 * Runs a job now for the given shops (or every eligible shop), one after the other, as
 * `mallbridge run` does: waits for a lease held elsewhere (unless `wait` is false), one
 * `job_runs` row per shop. Ctrl-C or a plain kill closes the current run row (`failed`,
 * "interrupted by SIGINT") and releases its lease before the process exits (130 / 143).
 * Shops backing off after authentication failures are skipped unless named.
 *
 * A job whose scope is `all` (`reconcile`) runs once for every shop together (one row) and takes
 * no shops.
 *
 * @throws InputError when shops are given for an all-shops job; the exit-2 error of the first
 *   shop when every shop failed on its configuration (one such shop among others fails only itself).
 */
export async function runJobNow(deps: PipelineDeps, job: JobDefinition, shops: Shop[] | undefined, options: JobOptions, settings: RunnerSettings & { wait?: boolean; onWait?: RunRequest['onWait']; runner?: JobRunner; handleSignals?: boolean } = {}): Promise<ShopRunResult[]> {
  const runner = settings.runner ?? new JobRunner(deps, settings);
  if (job.scope === 'all' && shops !== undefined) throw new InputError(`${job.id} covers every shop at once; it takes no --shop${job.id === 'reconcile' ? ' (for one shop: mallbridge report reconcile --shop S)' : ''}`);
  const targets: Array<Shop | null> = job.scope === 'all' ? [null] : (shops ?? (await listShops(deps.db.knex)).filter((s) => job.eligible(s)));
  const interrupted = (signal: NodeJS.Signals) => {
    void runner
      .abandonAll(`interrupted by ${signal}`)
      .catch(() => undefined)
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  // A command owns its process: Ctrl-C ends the run and the process. A server (the console)
  // passes handleSignals: false and stops its runs itself.
  const handleSignals = settings.handleSignals ?? true;
  if (handleSignals) {
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
  }
  try {
    const results: ShopRunResult[] = [];
    for (const shop of targets) {
      results.push(await runner.run(job, shop, { trigger: 'command', wait: settings.wait ?? true, explicit: shops !== undefined, options, ...(settings.onWait ? { onWait: settings.onWait } : {}) }));
    }
    // Every shop failed on its configuration: nothing was done, say so as bad input (exit 2).
    const first = results[0];
    if (first && results.every((r) => r.badInput)) throw runner.badInputOf(first.runId) ?? new InputError(first.error ?? 'bad configuration');
    return results;
  } finally {
    if (handleSignals) {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    }
  }
}
