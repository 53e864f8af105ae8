import type { Shop } from '../data/stores/shops.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { PullSummary } from '../pipelines/orders/pull.js';
import { kstDate, kstDayStart } from '../lib/time.js';

/** Options a run may carry from the command line. */
export interface JobOptions {
  since?: Date;
}

/** What one run of a job for one shop reports: counts for `job_runs`, and failed items (exit 1). */
export interface JobResult {
  counts: Record<string, unknown>;
  failedItems: number;
}

/** One scheduled job (design.md §7). Jobs only call pipelines (style.md point 7). */
export interface JobDefinition {
  id: string;
  /** Cron expression, Asia/Seoul. */
  schedule: string;
  /** Longest a run may take, in ms. */
  timeoutMs: number;
  /** Shops the scheduler runs it for (an explicit `--shop` runs it for that shop regardless). */
  eligible(shop: Shop): boolean;
  run(deps: PipelineDeps, shop: Shop, options: JobOptions): Promise<JobResult>;
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

const DAY = 24 * 3600_000;

/** Every job mallbridge runs; nothing else schedules work. */
export const JOBS: JobDefinition[] = [
  {
    id: 'orders:pull',
    schedule: '5 * * * *',
    timeoutMs: 30 * 60_000,
    eligible: (shop) => shop.autoOrderSync,
    run: async (deps, shop, options) => {
      const { pullOrders } = await import('../pipelines/orders/pull.js');
      return pullResult(await pullOrders(deps, shop, options));
    },
  },
  {
    id: 'orders:sweep',
    schedule: '30 0 * * *',
    timeoutMs: 60 * 60_000,
    eligible: (shop) => shop.autoOrderSync,
    run: async (deps, shop, options) => {
      // The previous KST day again, whole (design.md §6): late-indexed changes, missed windows.
      const { pullOrders } = await import('../pipelines/orders/pull.js');
      const today = kstDayStart(kstDate(deps.now()));
      const since = options.since ?? new Date(today.getTime() - DAY);
      return pullResult(await pullOrders(deps, shop, { since, until: options.since ? deps.now() : today }));
    },
  },
];

/** The job with this id, or undefined. */
export function findJob(id: string): JobDefinition | undefined {
  return JOBS.find((j) => j.id === id);
}
