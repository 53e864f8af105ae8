import Bottleneck from 'bottleneck';
import type { RedisOptions } from 'ioredis';

/** How fast one shop may call its marketplace. */
export interface LimiterOptions {
  /** Limiter id; with Redis, every process using the same id shares one budget. */
  id: string;
  /** Requests per second (Naver about 2, Rakuten about 1: design.md §6). */
  ratePerSec: number;
  /** `redis://…` to share the budget across workers (Bottleneck's ioredis datastore). */
  redisUrl?: string | undefined;
  /** Longest wait for Redis before a request fails instead of hanging, in ms (default 5000). */
  redisReadyTimeoutMs?: number;
}

/**
 * Connection options for the limiter's two Redis connections (commands and pub/sub), made to
 * fail fast: an unreachable Redis must fail a run within seconds, never hang it (ioredis's
 * defaults retry forever and queue every command meanwhile). A connect attempt gives up after
 * 3 s; a dropped connection is retried 3 times over about 1 s, then closed for good; a command
 * caught by a reconnect is retried once, then rejected.
 */
export function limiterRedisOptions(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    connectTimeout: 3000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times: number) => (times > 3 ? null : times * 200),
    enableOfflineQueue: true,
  };
}

/** How long Redis counts a request as running at most (see createLimiter). */
export const REDIS_JOB_EXPIRY_MS = 35_000;

/** Limiters not closed yet, so a process can close every one before it exits ({@link closeAllLimiters}). */
const open = new Set<Bottleneck>();
const closed = new WeakSet<Bottleneck>();
/** Per-process limiters by id and spacing (see createLimiter); they hold no handle while idle. */
const local = new Map<string, Bottleneck>();

/** The limiter could not reach Redis in time; `code` names it in the connector's error sentence. */
export class LimiterUnavailableError extends Error {
  readonly code = 'REDIS_UNAVAILABLE';
}

/**
 * One Bottleneck limiter for one shop: requests start at least `1000 / ratePerSec` ms apart.
 *
 * - Without `redisUrl` (limits per process): also one at a time.
 * - With `redisUrl`, clustered through Redis (`datastore: 'ioredis'`): the spacing holds across
 *   every process using the same id, so all workers together stay under the marketplace's rate
 *   (the limits are on request starts: Naver's token bucket, Rakuten's interval). Concurrency is
 *   not capped across processes: a worker that dies in the middle of a request (SIGKILL) would
 *   otherwise hold the shop's only slot until Redis expires it, stalling every other worker. The
 *   configured spacing is written to Redis when the limiter is ready (Redis otherwise keeps the
 *   settings of whichever process created the keys first, so a changed `--rate-limit` would
 *   never apply). When Redis does not answer within `redisReadyTimeoutMs`, `schedule` rejects
 *   with {@link LimiterUnavailableError} instead of waiting.
 *
 * Close it with {@link closeLimiter} (a Redis-backed limiter keeps the process alive).
 */
export function createLimiter(opts: LimiterOptions): Bottleneck {
  const minTime = opts.ratePerSec > 0 ? Math.ceil(1000 / opts.ratePerSec) : 0;
  const id = `mallbridge:${opts.id}`;
  if (!opts.redisUrl) {
    // One limiter per shop and process, shared by every run: a run that starts right after
    // another (pull, then confirm) keeps the spacing instead of opening with a request that
    // would make the marketplace answer 429.
    const key = `${id}@${minTime}`;
    const cached = local.get(key);
    if (cached && !closed.has(cached)) return cached;
    const limiter = new Bottleneck({ id, maxConcurrent: 1, minTime });
    local.set(key, limiter);
    open.add(limiter);
    return limiter;
  }
  const limiter = new Bottleneck({
    id,
    maxConcurrent: null,
    minTime,
    datastore: 'ioredis',
    clearDatastore: false,
    clientOptions: limiterRedisOptions(opts.redisUrl),
    // Requests time out after 30 s (the connectors' default): Redis forgets a request still
    // counted as running after this (one of a process that died).
    timeout: REDIS_JOB_EXPIRY_MS,
  } as Bottleneck.ConstructorOptions);
  open.add(limiter);
  let lastError: unknown;
  limiter.on('error', (err: unknown) => {
    lastError = err;
  });
  const waitMs = opts.redisReadyTimeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const safe = new URL(opts.redisUrl);
  if (safe.password) safe.password = '***';
  const ready = Promise.race([
    limiter.ready().then(() => limiter.updateSettings({ maxConcurrent: null, minTime })),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const why = lastError instanceof Error ? `: ${lastError.message}` : '';
        reject(new LimiterUnavailableError(`the shared rate limiter got no answer from REDIS_URL ${safe.toString()} within ${Math.round(waitMs / 1000)} s${why}`));
      }, waitMs);
    }),
  ]).finally(() => clearTimeout(timer));
  ready.catch(() => undefined);
  const schedule = limiter.schedule.bind(limiter) as (...args: unknown[]) => Promise<unknown>;
  (limiter as unknown as { schedule: (...args: unknown[]) => Promise<unknown> }).schedule = async (...args: unknown[]) => {
    await ready;
    return schedule(...args);
  };
  return limiter;
}

/** Releases a limiter (and its Redis connections) so the process can exit. Closing twice is harmless. */
export async function closeLimiter(limiter: Bottleneck): Promise<void> {
  // A per-process limiter stays for the shop's next run (closeAllLimiters ends it).
  if (closed.has(limiter) || [...local.values()].includes(limiter)) return;
  closed.add(limiter);
  open.delete(limiter);
  await limiter.disconnect(false);
}

/**
 * Closes every limiter this process still has open: those of runs that ended normally are closed
 * already; this catches the ones a timed-out or interrupted run left behind, so `run` and
 * `worker` exit promptly. Requests still queued in them are rejected.
 *
 * @returns how many were open.
 */
export async function closeAllLimiters(): Promise<number> {
  const all = [...open];
  local.clear();
  await Promise.all(all.map((l) => closeLimiter(l).catch(() => undefined)));
  return all.length;
}
