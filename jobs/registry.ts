import type { Shop } from '../data/stores/shops.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { PullSummary } from '../pipelines/orders/pull.js';

/**
 * The one job registry (design.md §7, style.md point 7): every job with its id, cron expression
 * (Asia/Seoul), timeout, the shops it runs for and the pipeline it calls. Nothing else schedules
 * work: `mallbridge worker` schedules these, `mallbridge run <job>` runs one now, both through
 * jobs/runner.ts (lease per (job, shop), `job_runs` row, timeout).
 */

/** Every job id of design.md §7. */
export const JOB_IDS = ['orders:pull', 'orders:confirm', 'orders:instruct', 'tracking:push', 'stock:sync', 'orders:sweep', 'reconcile', 'credentials:check'] as const;
export type JobId = (typeof JOB_IDS)[number];

/** Options a run may carry from the command line. */
export interface JobOptions {
  since?: Date;
}

/** What the runner gives a run besides the pipeline deps. */
export interface JobContext {
  /**
   * Aborted when the run times out, loses its lease or is interrupted: a pipeline that can stop
   * between steps should check it (`signal.throwIfAborted()`); one that does not is abandoned
   * (its lease is kept a while, then released).
   */
  signal: AbortSignal;
}

/** What one run of a job for one shop reports. */
export interface JobResult {
  /** Stored as JSON in `job_runs.counts`, printed by `run` and `jobs status`. */
  counts: Record<string, unknown>;
  /** Items that failed (the run is `failed`, exit 1, the others went through). */
  failedItems: number;
  /** The sentence for `job_runs.error` when `failedItems` > 0 (default "N items failed"). */
  error?: string;
  /** Sentences a person must see (a licence key about to expire): logged as warnings, kept in the counts. */
  warnings?: string[];
  /** The pipeline recorded the shop's health itself (credentials:check): the runner leaves it alone. */
  healthRecorded?: boolean;
}

/**
 * The work of a job: calls one pipeline and turns its summary into a {@link JobResult}. `shop` is
 * the shop of the run, or null for a job whose scope is `all` (one run covers every shop).
 */
export type JobRun = (deps: PipelineDeps, shop: Shop | null, options: JobOptions, ctx: JobContext) => Promise<JobResult>;

/** Wraps the work of a per-shop job (its runs always have a shop). */
function perShop(work: (deps: PipelineDeps, shop: Shop, options: JobOptions, ctx: JobContext) => Promise<JobResult>): JobRun {
  return (deps, shop, options, ctx) => {
    if (!shop) throw new Error('a per-shop job was run without a shop');
    return work(deps, shop, options, ctx);
  };
}

/** One scheduled job (design.md §7). */
export interface JobDefinition {
  id: JobId;
  /** Cron expression (node-cron, 5 fields), read in Asia/Seoul. */
  schedule: string;
  /** Longest one run for one shop may take, in ms; then it is recorded `timed_out`. */
  timeoutMs: number;
  /** What it does, for `--help` and `jobs status`. */
  does: string;
  /** The pipeline it calls (module path), for people reading `jobs status`. */
  pipeline: string;
  /**
   * The job talks to the marketplace: a run that gets through marks the shop healthy (and ends an
   * authentication back-off); one refused for authentication marks it unhealthy.
   */
  callsMarketplace: boolean;
  /** false: runs on schedule even while the shop backs off after authentication failures. */
  backsOff: boolean;
  /**
   * `shop` (default): one run, lease and `job_runs` row per eligible shop. `all`: one run for
   * every shop at once (the nightly report), leased as `<job>/all`, its `job_runs.shop_id` null.
   */
  scope?: 'shop' | 'all';
  /** The `shops add/update` switch that makes a shop eligible (`--auto-confirm`…), when one does. */
  switch?: string;
  /** Shops the scheduler runs it for (an explicit `run --shop` runs it for that shop regardless). */
  eligible(shop: Shop): boolean;
  /** The work: calls the job's pipeline. */
  run: JobRun;
}

function pullResult(s: PullSummary): JobResult {
  return {
    counts: {
      pages: s.pages,
      ...s.lines,
      reread: s.reread,
      fulfillmentOrdersCreated: s.fulfillmentOrdersCreated,
      fulfillmentOrdersCancelled: s.fulfillmentOrdersCancelled,
      fulfillmentOrdersHeld: s.fulfillmentOrdersHeld,
      fulfillmentOrdersUpdated: s.fulfillmentOrdersUpdated,
      waitingOrders: s.waitingOrders,
      failures: s.failures.length,
      cursor: s.cursor,
    },
    failedItems: s.failures.length,
  };
}

/**
 * The counts of an export run. Items refused for good, refused for now (retried after a pause) or
 * left without an answer (read back from the marketplace on the next run) make the run `failed`
 * (exit 1): none of them has reached the marketplace yet.
 */
function exportResult<T extends { failed: number; retrying: number; unknown: number }>(s: T, what: string): JobResult {
  const { shopId: _id, shop: _label, ...counts } = s as T & { shopId?: number; shop?: string };
  const parts = [
    s.failed > 0 ? `${s.failed} refused by the marketplace (see the report)` : '',
    s.retrying > 0 ? `${s.retrying} refused for now, retried after a pause` : '',
    s.unknown > 0 ? `${s.unknown} without an answer, read back from the marketplace on the next run` : '',
  ].filter(Boolean);
  const open = s.failed + s.retrying + s.unknown;
  return { counts, failedItems: open, ...(open > 0 ? { error: `${what}: ${parts.join('; ')}` } : {}) };
}

const MIN = 60_000;

/**
 * Every job mallbridge runs, in the order of design.md §7. Pipelines are imported lazily so
 * `mallbridge --help` stays fast.
 */
export const JOBS: readonly JobDefinition[] = [
  {
    id: 'orders:pull',
    schedule: '5 * * * *',
    timeoutMs: 30 * MIN,
    does: 'extract, map and load orders (shops with auto order sync)',
    pipeline: 'pipelines/orders/pull.ts',
    callsMarketplace: true,
    backsOff: true,
    switch: '--auto-sync',
    eligible: (shop) => shop.autoOrderSync,
    run: perShop(async (deps, shop, options) => {
      const { pullOrders } = await import('../pipelines/orders/pull.js');
      return pullResult(await pullOrders(deps, shop, options));
    }),
  },
  {
    id: 'orders:confirm',
    schedule: '15 * * * *',
    timeoutMs: 20 * MIN,
    does: 'confirm new orders at the marketplace (shops with auto confirm)',
    pipeline: 'pipelines/exports/confirm.ts',
    callsMarketplace: true,
    backsOff: true,
    switch: '--auto-confirm',
    eligible: (shop) => shop.autoOrderConfirm,
    run: perShop(async (deps, shop) => {
      const { confirmOrders } = await import('../pipelines/exports/confirm.js');
      return exportResult(await confirmOrders(deps, shop), 'confirmations');
    }),
  },
  {
    id: 'orders:instruct',
    schedule: '20 * * * *',
    timeoutMs: 15 * MIN,
    does: 'shipping instructions for mapped orders (shops with auto instruct)',
    pipeline: 'pipelines/exports/instruct.ts',
    callsMarketplace: false,
    backsOff: false,
    switch: '--auto-instruct',
    eligible: (shop) => shop.autoInstruct,
    run: perShop(async (deps, shop) => {
      const { instructOrders } = await import('../pipelines/exports/instruct.js');
      const { shopId: _id, shop: _label, files, ...counts } = await instructOrders(deps, shop);
      return { counts: { ...counts, files: files.join(', ') }, failedItems: 0 };
    }),
  },
  {
    id: 'tracking:push',
    schedule: '*/30 * * * *',
    timeoutMs: 25 * MIN,
    does: 'send tracking numbers to the marketplace',
    pipeline: 'pipelines/exports/tracking.ts',
    callsMarketplace: true,
    backsOff: true,
    eligible: () => true,
    run: perShop(async (deps, shop) => {
      const { pushTracking } = await import('../pipelines/exports/tracking.js');
      return exportResult(await pushTracking(deps, shop), 'tracking numbers');
    }),
  },
  {
    id: 'stock:sync',
    schedule: '*/30 * * * *',
    timeoutMs: 25 * MIN,
    does: 'send stock levels (shops with auto stock sync)',
    pipeline: 'pipelines/exports/stock-sync.ts',
    callsMarketplace: true,
    backsOff: true,
    switch: '--auto-stock-sync',
    eligible: (shop) => shop.autoStockSync,
    run: perShop(async (deps, shop) => {
      const { syncStock } = await import('../pipelines/exports/stock-sync.js');
      return exportResult(await syncStock(deps, shop), 'stock updates');
    }),
  },
  {
    id: 'orders:sweep',
    schedule: '30 0 * * *',
    timeoutMs: 60 * MIN,
    does: 'read the previous KST day again (shops with auto order sync)',
    pipeline: 'pipelines/orders/pull.ts',
    callsMarketplace: true,
    backsOff: true,
    switch: '--auto-sync',
    eligible: (shop) => shop.autoOrderSync,
    run: perShop(async (deps, shop, options) => {
      // The previous KST day again, whole (design.md §6): late-indexed changes, missed windows.
      const { pullOrders } = await import('../pipelines/orders/pull.js');
      const { sweepWindow } = await import('./sweep.js');
      return pullResult(await pullOrders(deps, shop, await sweepWindow(deps, shop, options)));
    }),
  },
  {
    id: 'reconcile',
    schedule: '0 1 * * *',
    timeoutMs: 30 * MIN,
    does: "write the previous day's reconciliation report",
    pipeline: 'pipelines/reports/',
    callsMarketplace: false,
    backsOff: false,
    scope: 'all',
    eligible: () => true,
    run: async (deps, _shop, _options, ctx) => {
      // Yesterday (KST) for every shop, in one workbook plus CSVs (design.md §10).
      const { writeNightlyReconcile } = await import('../pipelines/reports/reconcile.js');
      const r = await writeNightlyReconcile(deps, { signal: ctx.signal });
      const counts = { date: r.date, shops: r.shops.length, linesSeen: r.totals.lines.seen, unmapped: r.totals.lines.unmapped, onHold: r.totals.holds.onHold, files: r.files.join(', ') };
      return r.addsUp ? { counts, failedItems: 0 } : { counts, failedItems: 1, error: `the report of ${r.date} does not add up; its check rows list the difference` };
    },
  },
  {
    id: 'credentials:check',
    schedule: '0 9 * * *',
    timeoutMs: 5 * MIN,
    does: 'test every shop; warn on Rakuten licence keys expiring within 14 days',
    pipeline: 'pipelines/shop-test.ts',
    callsMarketplace: true,
    // It is the check that notices fixed credentials: never backed off.
    backsOff: false,
    eligible: () => true,
    run: perShop(async (deps, shop) => {
      const { checkCredentials } = await import('./credentials-check.js');
      return checkCredentials(deps, shop);
    }),
  },
];

/** The job with this id, or undefined. */
export function findJob(id: string): JobDefinition | undefined {
  return JOBS.find((j) => j.id === id);
}
