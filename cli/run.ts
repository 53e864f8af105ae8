import type { Command } from 'commander';
import { closeAllLimiters } from '../connectors/shared/limiter.js';
import { durationText, kstText } from '../jobs/kst.js';
import { findJob, JOBS } from '../jobs/registry.js';
import { JobRunner, runJobNow, type ShopRunResult } from '../jobs/runner.js';
import { InputError } from '../lib/errors.js';
import { kstDayStart, parseOffsetTime } from '../lib/time.js';
import { resolveShop } from '../pipelines/shops.js';
import { shopLabel } from '../data/stores/shops.js';
import { action } from './command.js';
import { emit, table } from './output.js';

const MAX_LOOKBACK_DAYS = 730;

/**
 * Parses `--since`: an ISO 8601 time with offset, or `YYYY-MM-DD` meaning 00:00 KST (design.md §6).
 * Not in the future, and not more than 730 days back (Rakuten keeps orders searchable that long;
 * a mistyped year would otherwise walk years of windows).
 *
 * @throws InputError for anything else.
 */
export function parseSince(value: string, now = new Date()): Date {
  const v = value.trim();
  let t: Date | undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    try {
      t = kstDayStart(v);
    } catch {
      throw new InputError(`--since ${value} is not a calendar date`);
    }
  } else {
    t = parseOffsetTime(v);
    if (!t) throw new InputError(`--since must be a real time in ISO 8601 with an offset (2026-11-28T09:00:00+09:00) or a date YYYY-MM-DD (00:00 KST), not "${value}"`);
  }
  if (t.getTime() > now.getTime()) throw new InputError(`--since ${value} is in the future`);
  if (now.getTime() - t.getTime() > MAX_LOOKBACK_DAYS * 24 * 3600_000) throw new InputError(`--since ${value} is more than ${MAX_LOOKBACK_DAYS} days back; marketplaces keep orders searchable for about two years`);
  return t;
}

/** `pages 2, seen 12, inserted 12`: the non-zero counts of a run, for people. */
export function countsText(counts: Record<string, unknown>): string {
  return Object.entries(counts)
    .filter(([k, v]) => k !== 'cursor' && k !== 'warnings' && k !== 'message' && k !== 'licenceWarning' && v !== 0 && v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

/** Lines of a run table: shop, status, counts or the error / skip reason. */
export function resultRows(results: ShopRunResult[]): Array<[string, string, string]> {
  return results.map((r) => [r.shop, r.status, [r.error, countsText(r.counts)].filter(Boolean).join(' — ')]);
}

/**
 * `mallbridge run <job> [--shop S] [--since T] [--no-wait]` (design.md §7–8): runs a job now,
 * through the same runner as the worker (lease per (job, shop), `job_runs` row, timeout). A lease
 * held by another worker is waited for, up to the job's timeout, so exit 0 means the work was
 * done; `--no-wait` records the shop `skipped` instead (exit 0: someone else is doing it).
 * Exit 1 when a shop failed, timed out, was still held after the wait, or backs off after
 * authentication failures (named with `--shop`, it runs anyway).
 */
export function registerRun(program: Command): void {
  program
    .command('run <job>')
    .description(`run a job now (${JOBS.map((j) => j.id).join(', ')})`)
    .option('--shop <shop>', 'only this shop (id, marketplace id, or naver:ID / rakuten:ID); runs even while the shop backs off')
    .option('--since <time>', 'read from this time instead of the cursor (ISO 8601 with offset, or YYYY-MM-DD = 00:00 KST)')
    .option('--no-wait', 'when another worker is running the job for a shop, skip it (recorded as skipped) instead of waiting')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, jobId: string, opts: { shop?: string; since?: string; wait: boolean }) => {
        const job = findJob(jobId);
        if (!job) throw new InputError(`unknown job ${jobId}; jobs: ${JOBS.map((j) => j.id).join(', ')}`);
        const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
        const deps = await app.deps();
        const shops = opts.shop !== undefined ? [await resolveShop(deps.db.knex, opts.shop)] : undefined;
        const runner = new JobRunner(deps);
        let results: ShopRunResult[];
        try {
          results = await runJobNow(deps, job, shops, since ? { since } : {}, {
            runner,
            wait: opts.wait,
            onWait: (shop, holder, until) => process.stderr.write(`${job.id} ${shop}: ${holder} is running it${until ? ` (lease until ${kstText(until)})` : ''}; waiting for it to finish (up to ${durationText(job.timeoutMs)}; --no-wait skips instead)\n`),
          });
        } finally {
          // A timed-out pipeline may still be busy: end it here, so the command exits promptly.
          if (runner.busy().length > 0) await runner.abandonAll('the command ended');
          await closeAllLimiters();
          exitSoon();
        }
        const bad = results.filter((r) => r.status === 'failed' || r.status === 'timed_out' || (r.status === 'skipped' && (r.skipped === 'backoff' || opts.wait)));
        emit(app.json, { job: job.id, results }, () => {
          if (results.length === 0) return `${job.id}: no shop to run for (${job.id === 'orders:pull' || job.id === 'orders:sweep' ? 'shops need --auto-sync' : 'no eligible shop'}, or name one with --shop).`;
          const warnings = results.flatMap((r) => r.warnings.map((w) => `warning: ${w}`));
          // A named shop whose switch is off: the pipeline leaves its work alone; say why.
          for (const shop of shops ?? []) {
            if (!job.eligible(shop) && job.switch) warnings.push(`note: ${job.id} has nothing to do for ${shopLabel(shop)} while its ${job.switch} is off; turn it on with \`mallbridge shops update ${shop.id} ${job.switch} on\``);
          }
          return [`${job.id}:`, table(['shop', 'status', 'counts / error'], resultRows(results)), ...warnings].join('\n');
        });
        return bad.length > 0 ? 1 : 0;
      }),
    );
}

/**
 * Makes sure the process ends shortly after the command: closing the database and the
 * limiters lets it exit by itself; a pipeline abandoned after a timeout may still hold a socket,
 * so it is ended after `ms` (unref'd: it never delays a process that is already done).
 */
export function exitSoon(ms = 3000): void {
  setTimeout(() => process.exit(), ms).unref();
}
