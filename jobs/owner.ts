import fs from 'node:fs';
import { processOwner } from '../data/stores/job-runs.js';

/** The parts of an owner string `host:pid[:pidns]` (data/stores/job-runs.ts `processOwner`). */
export interface OwnerParts {
  host: string;
  pid: number;
  /** PID namespace inode (Linux), or '' when the owner did not record one. */
  ns: string;
}

/** Splits `host:pid[:pidns]`; undefined for anything else. */
export function parseOwner(owner: string): OwnerParts | undefined {
  const m = /^(.+?):(\d+)(?::(\d+))?$/.exec(owner);
  if (!m) return undefined;
  return { host: m[1]!, pid: Number(m[2]), ns: m[3] ?? '' };
}

/** True when process `pid` exists and is not a zombie (Linux: /proc/<pid>/stat state Z or X). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

/**
 * True when `owner` was a process on this host (same host name and PID namespace as `self`)
 * that no longer runs: its lease can be taken over at once (design.md §7). An owner on another
 * host, in another PID namespace, or unparseable is never judged dead here: its lease is taken
 * over only once it expires.
 */
export function isDeadLocalOwner(owner: string, self: string = processOwner(), alive: (pid: number) => boolean = processAlive): boolean {
  const o = parseOwner(owner);
  const me = parseOwner(self);
  if (!o || !me || o.host !== me.host || o.ns !== me.ns) return false;
  if (o.pid === me.pid) return false;
  return !alive(o.pid);
}
