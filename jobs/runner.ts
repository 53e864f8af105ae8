import { finishJobRun, startJobRun } from '../data/stores/job-runs.js';
import { listShops, recordShopHealth, shopLabel, type Shop } from '../data/stores/shops.js';
import { ApiError, MallbridgeError } from '../lib/errors.js';
import { errorText } from '../lib/error-text.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { JobDefinition, JobOptions } from './registry.js';

/** The outcome of one job for one shop. */
export interface ShopRunResult {
  shopId: number;
  shop: string;
  status: 'succeeded' | 'failed' | 'timed_out';
  counts: Record<string, unknown>;
  error: string | null;
}

class RunTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RunTimeout(`did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs a job now for the given shops (or every eligible shop), one `job_runs` row per shop. A
 * shop that fails does not stop the others; an authentication failure marks the shop unhealthy
 * with the sentence why, and one healthy run clears it (design.md §8).
 */
export async function runJobNow(deps: PipelineDeps, job: JobDefinition, shops: Shop[] | undefined, options: JobOptions): Promise<ShopRunResult[]> {
  const log = deps.logger.child({ module: 'jobs' });
  const targets = shops ?? (await listShops(deps.db.knex)).filter((s) => job.eligible(s));
  const results: ShopRunResult[] = [];
  for (const shop of targets) {
    const label = shopLabel(shop);
    const started = Date.now();
    const runId = await startJobRun(deps.db.knex, job.id, shop.id, deps.now());
    log.info(`${job.id} ${label}: started`);
    // Ctrl-C or a plain kill: close the run row before exiting, so it does not stay `running`.
    const interrupted = (signal: NodeJS.Signals) => {
      void finishJobRun(deps.db.knex, runId, 'failed', {}, `interrupted by ${signal}`, deps.now())
        .catch(() => undefined)
        .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    try {
      const result = await withTimeout(job.run(deps, shop, options), job.timeoutMs);
      const status = result.failedItems > 0 ? 'failed' : 'succeeded';
      const error = result.failedItems > 0 ? `${result.failedItems} items failed` : null;
      await finishJobRun(deps.db.knex, runId, status, result.counts, error, deps.now());
      await recordShopHealth(deps.db.knex, shop.id, true, null, false, deps.now());
      results.push({ shopId: shop.id, shop: label, status, counts: result.counts, error });
      log.info(`${job.id} ${label}: ${status} in ${Date.now() - started} ms`, { counts: result.counts });
    } catch (err) {
      const timedOut = err instanceof RunTimeout;
      const message = errorText(err);
      await finishJobRun(deps.db.knex, runId, timedOut ? 'timed_out' : 'failed', {}, message, deps.now());
      if (err instanceof ApiError && (err.kind === 'auth' || err.kind === 'forbidden')) {
        await recordShopHealth(deps.db.knex, shop.id, false, message, true, deps.now());
      }
      if (!(err instanceof MallbridgeError) || err.exitCode === 1) log.error(`${job.id} ${label}: ${message}`, { error: err });
      results.push({ shopId: shop.id, shop: label, status: timedOut ? 'timed_out' : 'failed', counts: {}, error: message });
      if (err instanceof MallbridgeError && err.exitCode === 2) throw err;
    } finally {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
    }
  }
  return results;
}
