import type { Conn } from '../data/db.js';
import { listLeases, type JobLease } from '../data/stores/job-leases.js';
import { recentJobRuns, type JobRun } from '../data/stores/job-runs.js';
import { listShops, shopLabel, type Shop } from '../data/stores/shops.js';
import { nextDue } from './cron.js';
import { licenceWarningOf } from './credentials-check.js';
import { authBackoff, DEFAULT_BACKOFF, type BackoffPolicy } from './health.js';
import { kstIso, kstText } from './kst.js';
import { JOBS, type JobDefinition } from './registry.js';
import { leaseName } from './lease.js';

/** A run as `jobs status` shows it (times in KST, ISO 8601). */
export interface RunView {
  runId: number;
  status: JobRun['status'];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Record<string, unknown>;
  error: string | null;
  owner: string;
}

/** One job for one shop. */
export interface JobShopStatus {
  /** null for a job that covers every shop at once (`reconcile`, shown as `all shops`). */
  shopId: number | null;
  shop: string;
  /** The worker runs it for this shop (its switches allow it). */
  eligible: boolean;
  /** The latest run that was not skipped (running, or finished); null when none yet. */
  lastRun: RunView | null;
  /** The latest skip, when newer than `lastRun`: when and why. */
  lastSkip: { at: string; reason: string | null } | null;
  /** Failed or timed-out runs since the last success (skips not counted). */
  consecutiveFailures: number;
  /** The lease row, if any: holder and expiry (`expired`: lapsed, not yet taken over). */
  lease: { owner: string; acquiredAt: string; expiresAt: string; expired: boolean } | null;
  /** The next scheduled time for this shop (null when not eligible). */
  nextDue: string | null;
  /** Scheduled runs pause until then after authentication failures. */
  backoffUntil: string | null;
}

/** One job of the registry. */
export interface JobStatus {
  id: string;
  schedule: string;
  timezone: 'Asia/Seoul';
  timeoutMs: number;
  does: string;
  nextDue: string | null;
  shops: JobShopStatus[];
}

/** One shop's health, back-off and licence warning. */
export interface ShopHealthStatus {
  shopId: number;
  shop: string;
  health: Shop['health'];
  healthMessage: string | null;
  healthCheckedAt: string | null;
  authFailures: number;
  backoffUntil: string | null;
  backoffReason: string | null;
  licenceExpiresOn: string | null;
  licenceWarning: string | null;
}

/** What `mallbridge jobs status` prints. */
export interface JobsStatus {
  now: string;
  jobs: JobStatus[];
  shops: ShopHealthStatus[];
  /** Sentences a person must act on: licence keys, unhealthy shops, stuck leases. */
  warnings: string[];
}

const HISTORY = 50;

function view(r: JobRun): RunView {
  return {
    runId: r.id,
    status: r.status,
    startedAt: kstIso(r.startedAt)!,
    finishedAt: kstIso(r.finishedAt),
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    counts: r.counts,
    error: r.error,
    owner: r.owner,
  };
}

/**
 * The state of every job for every shop at `now` (design.md §7 `jobs status`): per job and
 * shop the last run (when, result, counts), the latest skip, consecutive failures, the lease
 * holder, the next due time (KST); per shop its health, back-off and Rakuten licence warning.
 * A shop is listed under a job when it is eligible or has runs of it. Reads only.
 */
export async function jobsStatus(conn: Conn, now: Date, options: { jobs?: readonly JobDefinition[]; backoff?: BackoffPolicy } = {}): Promise<JobsStatus> {
  const jobs = options.jobs ?? JOBS;
  const shops = await listShops(conn);
  const leases = new Map<string, JobLease>((await listLeases(conn)).map((l) => [l.name, l]));
  const warnings: string[] = [];
  const health: ShopHealthStatus[] = shops.map((s) => {
    const b = authBackoff(s, now, options.backoff ?? DEFAULT_BACKOFF);
    const licenceWarning = licenceWarningOf(s, now);
    if (licenceWarning) warnings.push(licenceWarning);
    if (s.health === 'unhealthy') warnings.push(`${shopLabel(s)} is unhealthy${s.healthMessage ? `: ${s.healthMessage}` : ''}${b ? ` (backing off until ${kstText(b.until)} after ${b.failures} authentication failure${b.failures === 1 ? '' : 's'} in a row)` : ''}`);
    return {
      shopId: s.id,
      shop: shopLabel(s),
      health: s.health,
      healthMessage: s.healthMessage,
      healthCheckedAt: kstIso(s.healthCheckedAt),
      authFailures: s.authFailures,
      backoffUntil: b ? kstIso(b.until) : null,
      backoffReason: b ? b.reason : null,
      licenceExpiresOn: s.mall === 'rakuten' && s.credentialsExpireAt ? kstIso(s.credentialsExpireAt)!.slice(0, 10) : null,
      licenceWarning,
    };
  });

  const out: JobStatus[] = [];
  for (const job of jobs) {
    const due = nextDue(job.schedule, now);
    const rows: JobShopStatus[] = [];
    for (const shop of job.scope === 'all' ? [null] : shops) {
      const shopId = shop?.id ?? null;
      const label = shop ? shopLabel(shop) : 'all shops';
      const eligible = shop ? job.eligible(shop) : true;
      const runs = await recentJobRuns(conn, job.id, shopId, HISTORY);
      if (!eligible && runs.length === 0) continue;
      const skip = (await recentJobRuns(conn, job.id, shopId, 1, true))[0];
      const last = runs[0];
      let consecutiveFailures = 0;
      for (const r of runs) {
        if (r.status === 'running') continue;
        if (r.status === 'succeeded') break;
        consecutiveFailures++;
      }
      const lease = leases.get(leaseName(job.id, shopId));
      const b = shop && job.backsOff ? authBackoff(shop, now, options.backoff ?? DEFAULT_BACKOFF) : null;
      if (lease && lease.expiresAt.getTime() < now.getTime()) warnings.push(`${job.id} ${label}: the lease of ${lease.owner} expired at ${kstIso(lease.expiresAt)} without being released (that worker stopped); the next run takes it over`);
      rows.push({
        shopId,
        shop: label,
        eligible,
        lastRun: last ? view(last) : null,
        lastSkip: skip && skip.status === 'skipped' && (!last || skip.startedAt.getTime() >= last.startedAt.getTime()) ? { at: kstIso(skip.startedAt)!, reason: skip.error } : null,
        consecutiveFailures,
        lease: lease ? { owner: lease.owner, acquiredAt: kstIso(lease.acquiredAt)!, expiresAt: kstIso(lease.expiresAt)!, expired: lease.expiresAt.getTime() < now.getTime() } : null,
        nextDue: eligible && due ? kstIso(due) : null,
        backoffUntil: b ? kstIso(b.until) : null,
      });
    }
    out.push({ id: job.id, schedule: job.schedule, timezone: 'Asia/Seoul', timeoutMs: job.timeoutMs, does: job.does, nextDue: kstIso(due), shops: rows });
  }
  return { now: kstIso(now)!, jobs: out, shops: health, warnings };
}
