import type { Conn } from '../data/db.js';
import { databaseNow, findLease, insertLease, releaseLease, renewLease, takeExpiredLease, takeLeaseFrom, type JobLease } from '../data/stores/job-leases.js';
import type { Logger } from '../lib/logger.js';

/** `orders:pull/3`: the lease name of (job, shop). */
export function leaseName(job: string, shopId: number | null): string {
  return `${job}/${shopId ?? 'all'}`;
}

/** Lease timing in ms (design.md §7: 60 s leases renewed every 20 s). */
export interface LeaseTiming {
  /** Life of a lease from its last renewal. */
  ttlMs: number;
  /** How often a live run renews it (well under `ttlMs`). */
  renewMs: number;
  /** How often a waiting `run` tries again. */
  pollMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { ttlMs: 60_000, renewMs: 20_000, pollMs: 1_000 };

/** Lease timing for a lease length in seconds: renewed every third of it, polled every 1 s (or less). */
export function leaseTimingFor(ttlSeconds: number): LeaseTiming {
  const ttlMs = Math.round(ttlSeconds * 1000);
  return { ttlMs, renewMs: Math.max(50, Math.floor(ttlMs / 3)), pollMs: Math.min(1000, Math.max(50, Math.floor(ttlMs / 6))) };
}

/** What the lease functions work with. */
export interface LeaseContext {
  conn: Conn;
  /** This process (`host:pid[:pidns]`), or a test's stand-in for another worker. */
  owner: string;
  timing: LeaseTiming;
  /** The clock leases are compared on: the database's (default), or a test's. */
  clock: () => Promise<Date>;
  /** True when `owner` is a process on this host that no longer runs (jobs/owner.ts). */
  isDeadOwner: (owner: string) => boolean;
  logger: Logger;
}

/** How a lease was got. */
export type AcquiredHow = 'new' | 'expired' | 'own' | 'dead-owner';

/** The outcome of one attempt to take a lease. */
export type AcquireResult = { acquired: true; lease: HeldLease; how: AcquiredHow; previousOwner: string | null } | { acquired: false; holder: JobLease | undefined };

/** The database clock, as {@link LeaseContext.clock}. */
export function databaseClock(conn: Conn): () => Promise<Date> {
  return () => databaseNow(conn);
}

/**
 * One attempt to take lease `name`, in guarded single statements (data/stores/job-leases.ts):
 * INSERT it; when it exists, UPDATE it if expired or already ours; failing that, if its holder is
 * a dead process on this host, compare-and-set it from that holder. The read in between only
 * names the holder (for the messages and the compare-and-set); it decides nothing by itself.
 * Tried again (at most 3 times) when the lease disappears in between (released meanwhile).
 */
export async function tryAcquireLease(ctx: LeaseContext, name: string): Promise<AcquireResult> {
  const { ttlMs } = ctx.timing;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = await ctx.clock();
    if (await insertLease(ctx.conn, name, ctx.owner, now, ttlMs)) {
      return { acquired: true, lease: new HeldLease(ctx, name, now), how: 'new', previousOwner: null };
    }
    const seen = await findLease(ctx.conn, name);
    if (!seen) continue;
    if (await takeExpiredLease(ctx.conn, name, ctx.owner, now, ttlMs)) {
      return { acquired: true, lease: new HeldLease(ctx, name, now), how: seen.owner === ctx.owner ? 'own' : 'expired', previousOwner: seen.owner };
    }
    if (ctx.isDeadOwner(seen.owner) && (await takeLeaseFrom(ctx.conn, name, seen.owner, ctx.owner, now, ttlMs))) {
      return { acquired: true, lease: new HeldLease(ctx, name, now), how: 'dead-owner', previousOwner: seen.owner };
    }
    return { acquired: false, holder: (await findLease(ctx.conn, name)) ?? seen };
  }
  return { acquired: false, holder: await findLease(ctx.conn, name) };
}

/**
 * Tries to take lease `name` every `pollMs` until `deadline` (epoch ms, this process's clock).
 * `onHeld` is called after the first refused attempt (to tell the user who holds it).
 * `stopped()` ends the wait early (shutdown).
 *
 * @returns the last attempt: acquired, or still held at the deadline.
 */
export async function acquireLeaseBefore(ctx: LeaseContext, name: string, deadline: number, onHeld?: (holder: JobLease | undefined) => void, stopped: () => boolean = () => false): Promise<AcquireResult> {
  let result = await tryAcquireLease(ctx, name);
  if (!result.acquired && onHeld) onHeld(result.holder);
  while (!result.acquired && Date.now() < deadline && !stopped()) {
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(ctx.timing.pollMs, deadline - Date.now()))));
    result = await tryAcquireLease(ctx, name);
  }
  return result;
}

/**
 * A lease this process holds. `keepAlive` renews it every `renewMs` until `stop`/`release`;
 * when a renewal finds it taken (or none succeeds for a whole `ttlMs`), `onLost` is called once.
 */
export class HeldLease {
  private timer: NodeJS.Timeout | undefined;
  private validUntil: number;
  private lostReason: string | null = null;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: LeaseContext,
    readonly name: string,
    readonly acquiredAt: Date,
  ) {
    this.validUntil = Date.now() + ctx.timing.ttlMs;
  }

  /** The sentence why the lease was lost, or null while held. */
  get lost(): string | null {
    return this.lostReason;
  }

  /** Renews every `renewMs` (timers unref'd: a lease never keeps a process alive by itself). */
  keepAlive(onLost: (reason: string) => void): void {
    this.stop();
    this.timer = setInterval(() => {
      this.renewing = this.renewOnce(onLost);
    }, this.ctx.timing.renewMs);
    this.timer.unref();
  }

  private async renewOnce(onLost: (reason: string) => void): Promise<void> {
    if (this.lostReason) return;
    try {
      const now = await this.ctx.clock();
      if (await renewLease(this.ctx.conn, this.name, this.ctx.owner, now, this.ctx.timing.ttlMs)) {
        this.validUntil = Date.now() + this.ctx.timing.ttlMs;
        return;
      }
      const holder = await findLease(this.ctx.conn, this.name).catch(() => undefined);
      this.lose(holder ? `its lease was taken over by ${holder.owner}` : 'its lease disappeared', onLost);
    } catch (err) {
      this.ctx.logger.warn(`lease ${this.name}: renewal failed (${(err as Error).message}); trying again in ${Math.round(this.ctx.timing.renewMs / 1000)} s`);
      if (Date.now() >= this.validUntil) this.lose(`its lease could not be renewed for ${Math.round(this.ctx.timing.ttlMs / 1000)} s`, onLost);
    }
  }

  private lose(reason: string, onLost: (reason: string) => void): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    this.stop();
    onLost(reason);
  }

  /** Stops renewing (the lease then lapses after `ttlMs` unless released). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops renewing and deletes the lease if still ours. Never throws (a lease left behind lapses by itself). */
  async release(): Promise<void> {
    this.stop();
    await this.renewing.catch(() => undefined);
    try {
      await releaseLease(this.ctx.conn, this.name, this.ctx.owner);
    } catch (err) {
      this.ctx.logger.warn(`lease ${this.name}: could not release it (${(err as Error).message}); it lapses within ${Math.round(this.ctx.timing.ttlMs / 1000)} s`);
    }
  }
}
