import type { Command } from 'commander';
import { findJob, JOBS } from '../jobs/registry.js';
import { runJobNow } from '../jobs/runner.js';
import { InputError } from '../lib/errors.js';
import { kstDayStart, parseOffsetTime } from '../lib/time.js';
import { resolveShop } from '../pipelines/shops.js';
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

/** `mallbridge run <job> [--shop S] [--since T]`: runs a job now, one `job_runs` row per shop. */
export function registerRun(program: Command): void {
  program
    .command('run <job>')
    .description(`run a job now (${JOBS.map((j) => j.id).join(', ')})`)
    .option('--shop <shop>', 'only this shop (id, marketplace id, or naver:ID / rakuten:ID)')
    .option('--since <time>', 'read from this time instead of the cursor (ISO 8601 with offset, or YYYY-MM-DD = 00:00 KST)')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, jobId: string, opts: { shop?: string; since?: string }) => {
        const job = findJob(jobId);
        if (!job) throw new InputError(`unknown job ${jobId}; jobs: ${JOBS.map((j) => j.id).join(', ')}`);
        const since = opts.since !== undefined ? parseSince(opts.since) : undefined;
        const deps = await app.deps();
        const shops = opts.shop ? [await resolveShop(deps.db.knex, opts.shop)] : undefined;
        const results = await runJobNow(deps, job, shops, since ? { since } : {});
        const failed = results.filter((r) => r.status !== 'succeeded').length;
        emit(app.json, { job: job.id, results }, () =>
          results.length === 0
            ? `${job.id}: no shop to run for (shops need --auto-sync, or name one with --shop).`
            : `${job.id}:\n${table(['shop', 'status', 'counts / error'], results.map((r) => [r.shop, r.status, [r.error, Object.entries(r.counts).filter(([k, v]) => k !== 'cursor' && v !== 0).map(([k, v]) => `${k} ${String(v)}`).join(', ')].filter(Boolean).join(' — ')]))}`,
        );
        return failed > 0 ? 1 : 0;
      }),
    );
}
