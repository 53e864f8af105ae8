import type { Command } from 'commander';
import { durationText } from '../jobs/kst.js';
import { jobsStatus, type JobsStatus, type JobShopStatus } from '../jobs/status.js';
import { action } from './command.js';
import { countsText } from './run.js';
import { emit, table } from './output.js';

/** `2026-12-01T10:05:00.000+09:00` → `12-01 10:05`. */
function short(iso: string | null): string {
  return iso ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : '—';
}

/** Longest error or skip reason shown in the table (the whole text is in `--json`). */
const MAX_REASON = 100;

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > MAX_REASON ? `${one.slice(0, MAX_REASON - 1)}…` : one;
}

function lastRunText(r: JobShopStatus): string {
  const l = r.lastRun;
  if (!l) return 'never';
  const took = l.durationMs !== null ? ` ${durationText(l.durationMs)}` : ' since';
  const detail = l.status === 'running' ? `(${l.owner})` : [l.error ? clip(l.error) : null, countsText(l.counts)].filter(Boolean).join(' — ');
  return `${short(l.startedAt)} ${l.status}${took}${detail ? ` ${detail}` : ''}`;
}

function leaseText(r: JobShopStatus): string {
  if (!r.lease) return '—';
  return `${r.lease.owner} ${r.lease.expired ? `(expired ${short(r.lease.expiresAt)})` : `until ${r.lease.expiresAt.slice(11, 19)}`}`;
}

/** The human form of `jobs status`: one table of jobs × shops, one of shops, then the warnings. */
export function statusText(s: JobsStatus): string {
  const rows: string[][] = [];
  for (const job of s.jobs) {
    if (job.shops.length === 0) rows.push([job.id, '(no eligible shop)', '', job.schedule, '', '']);
    for (const r of job.shops) {
      const due = r.backoffUntil ? `backoff → ${short(r.backoffUntil)}` : r.eligible ? short(r.nextDue) : 'not eligible';
      const skip = r.lastSkip ? ` [skipped ${short(r.lastSkip.at)}: ${clip(r.lastSkip.reason ?? '')}]` : '';
      rows.push([job.id, r.shop, `${lastRunText(r)}${skip}`, due, String(r.consecutiveFailures), leaseText(r)]);
    }
  }
  const out = [`Jobs at ${s.now.slice(0, 10)} ${s.now.slice(11, 19)} KST (schedules in Asia/Seoul)`, '', table(['job', 'shop', 'last run', 'next due (KST)', 'fails', 'lease'], rows)];
  if (s.shops.length > 0) {
    out.push('', table(['shop', 'health', 'auth failures', 'back-off until', 'licence expires'], s.shops.map((h) => [h.shop, h.health, String(h.authFailures), h.backoffUntil ? short(h.backoffUntil) : '—', h.licenceExpiresOn ?? '—'])));
  }
  if (s.warnings.length > 0) out.push('', ...s.warnings.map((w) => `warning: ${w}`));
  if (rows.some((r) => r[2]!.includes('…'))) out.push('', 'Long reasons are cut at 100 characters; `mallbridge jobs status --json` has them whole.');
  return out.join('\n');
}

/** `mallbridge jobs status [--json]` (design.md §8): reads only; exit 0. */
export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('the job schedule and what it did');
  jobs
    .command('status')
    .description('per job and shop: last run (when, result, counts), next due time (KST), consecutive failures, lease holder; shop health and licence warnings')
    .option('--json', 'print it as JSON')
    .action(
      action(async (app) => {
        const db = await app.migratedDb();
        const status = await jobsStatus(db.knex, new Date());
        emit(app.json, status, () => statusText(status));
      }),
    );
}
