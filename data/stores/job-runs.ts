import os from 'node:os';
import type { Conn } from '../db.js';
import { toDbTime } from '../../lib/time.js';

/** Final statuses of a run (design.md §3). */
export type JobRunStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'skipped';

/** `host:pid` of this process: who runs a job or holds a lease. */
export function processOwner(): string {
  return `${os.hostname()}:${process.pid}`;
}

/** Opens a `job_runs` row with status `running`; returns its id. */
export async function startJobRun(conn: Conn, job: string, shopId: number | null, now = new Date()): Promise<number> {
  const [id] = await conn('job_runs').insert({ job, shop_id: shopId, started_at: toDbTime(now), status: 'running', owner: processOwner() });
  return Number(id);
}

/** Closes a run with its status, counts and error sentence. */
export async function finishJobRun(conn: Conn, id: number, status: Exclude<JobRunStatus, 'running'>, counts: Record<string, unknown>, error: string | null, now = new Date()): Promise<void> {
  await conn('job_runs').where({ id }).update({ status, counts: JSON.stringify(counts), error, finished_at: toDbTime(now) });
}
