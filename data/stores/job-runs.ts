import fs from 'node:fs';
import os from 'node:os';
import type { Conn } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/** Final statuses of a run (design.md §3). */
export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped';

let owner: string | undefined;

/**
 * `host:pid` of this process: who runs a job or holds a lease (design.md §3). On Linux the PID
 * namespace is added (`host:pid:4026531836`): two containers can share a host name while their
 * PIDs live in different namespaces, and a PID can only be checked for life inside its own.
 */
export function processOwner(): string {
  if (owner === undefined) {
    let ns = '';
    try {
      ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? '';
    } catch {
      ns = '';
    }
    owner = `${os.hostname()}:${process.pid}${ns ? `:${ns}` : ''}`;
  }
  return owner;
}

/** One row of `job_runs`. Times are UTC; `counts` parsed from its JSON. */
export interface JobRun {
  id: number;
  job: string;
  shopId: number | null;
  status: JobRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  counts: Record<string, unknown>;
  /** Failed/timed out: the sentence why; skipped: the reason. */
  error: string | null;
  owner: string;
}

type Row = Record<string, unknown>;

function toRun(r: Row): JobRun {
  let counts: Record<string, unknown> = {};
  try {
    counts = r.counts ? (JSON.parse(String(r.counts)) as Record<string, unknown>) : {};
  } catch {
    counts = {};
  }
  return {
    id: Number(r.id),
    job: String(r.job),
    shopId: r.shop_id === null || r.shop_id === undefined ? null : Number(r.shop_id),
    status: r.status as JobRunStatus,
    startedAt: fromDbTime(r.started_at)!,
    finishedAt: fromDbTime(r.finished_at),
    counts,
    error: (r.error as string | null) ?? null,
    owner: String(r.owner),
  };
}

/** Opens a `job_runs` row with status `running`; returns its id. */
export async function startJobRun(conn: Conn, job: string, shopId: number | null, now = new Date(), runOwner = processOwner()): Promise<number> {
  const [id] = await conn('job_runs').insert({ job, shop_id: shopId, started_at: toDbTime(now), status: 'running', owner: runOwner });
  return Number(id);
}

/**
 * Closes a run with its status, counts and error sentence — only while it is still `running`:
 * a run another worker has meanwhile closed as abandoned ({@link closeAbandonedRuns}) keeps that
 * verdict.
 *
 * @returns false when the row was no longer `running` (nothing changed).
 */
export async function finishJobRun(conn: Conn, id: number, status: Exclude<JobRunStatus, 'running'>, counts: Record<string, unknown>, error: string | null, now = new Date()): Promise<boolean> {
  const n = await conn('job_runs').where({ id, status: 'running' }).update({ status, counts: JSON.stringify(counts), error, finished_at: toDbTime(now) });
  return Number(n) === 1;
}

/** Records a run that did not happen (lease held elsewhere, backing off…): status `skipped`, `reason` in `error`. Returns its id. */
export async function recordSkippedRun(conn: Conn, job: string, shopId: number | null, reason: string, now = new Date(), runOwner = processOwner()): Promise<number> {
  const t = toDbTime(now);
  const [id] = await conn('job_runs').insert({ job, shop_id: shopId, started_at: t, finished_at: t, status: 'skipped', counts: '{}', error: reason, owner: runOwner });
  return Number(id);
}

/**
 * Closes as `failed` every run of (job, shop) still marked `running`. Called by the worker that
 * has just taken the lease: nobody else can be running it, so such rows belong to a worker that
 * died (SIGKILL, power loss) or lost its lease.
 *
 * @returns how many rows were closed.
 */
export async function closeAbandonedRuns(conn: Conn, job: string, shopId: number | null, reason: string, now = new Date()): Promise<number> {
  const q = conn('job_runs').where({ job, status: 'running' });
  if (shopId === null) q.whereNull('shop_id');
  else q.andWhere('shop_id', shopId);
  const n = await q.update({ status: 'failed', error: reason, finished_at: toDbTime(now), counts: '{}' });
  return Number(n);
}

/** The latest runs of (job, shop), newest first; `skipped` ones left out unless `withSkipped`. */
export async function recentJobRuns(conn: Conn, job: string, shopId: number | null, limit: number, withSkipped = false): Promise<JobRun[]> {
  const q = conn('job_runs').where({ job });
  if (shopId === null) q.whereNull('shop_id');
  else q.andWhere('shop_id', shopId);
  if (!withSkipped) q.andWhereNot('status', 'skipped');
  return ((await q.orderBy([{ column: 'started_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)) as Row[]).map(toRun);
}

/** Runs of `job` (every shop, or one), oldest first: tests and reports check them for overlaps. */
export async function listJobRuns(conn: Conn, filter: { job?: string; shopId?: number } = {}): Promise<JobRun[]> {
  const q = conn('job_runs');
  if (filter.job) q.where('job', filter.job);
  if (filter.shopId !== undefined) q.where('shop_id', filter.shopId);
  return ((await q.orderBy([{ column: 'started_at', order: 'asc' }, { column: 'id', order: 'asc' }])) as Row[]).map(toRun);
}
