import Bottleneck from 'bottleneck';

/** How fast one shop may call its marketplace. */
export interface LimiterOptions {
  /** Limiter id; with Redis, every process using the same id shares one budget. */
  id: string;
  /** Requests per second (Naver about 2, Rakuten about 1: design.md §6). */
  ratePerSec: number;
  /** `redis://…` to share the budget across workers (Bottleneck's ioredis datastore). */
  redisUrl?: string | undefined;
}

/**
 * One Bottleneck limiter for one shop: requests start at least `1000 / ratePerSec` ms apart,
 * one at a time. With `redisUrl`, the limiter is clustered through Redis so all workers
 * together stay under the rate. Call `limiter.disconnect()` (see {@link closeLimiter}) when done.
 */
export function createLimiter(opts: LimiterOptions): Bottleneck {
  const minTime = opts.ratePerSec > 0 ? Math.ceil(1000 / opts.ratePerSec) : 0;
  const base: Bottleneck.ConstructorOptions = { id: `mallbridge:${opts.id}`, maxConcurrent: 1, minTime };
  if (!opts.redisUrl) return new Bottleneck(base);
  return new Bottleneck({
    ...base,
    datastore: 'ioredis',
    clearDatastore: false,
    clientOptions: opts.redisUrl,
    timeout: 60_000,
  } as Bottleneck.ConstructorOptions);
}

/** Releases a limiter (and its Redis connection) so the process can exit. */
export async function closeLimiter(limiter: Bottleneck): Promise<void> {
  await limiter.disconnect(false);
}
