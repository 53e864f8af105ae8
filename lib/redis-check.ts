import { Redis } from 'ioredis';
import { ConfigError } from './errors.js';

/**
 * Checks that REDIS_URL answers a PING within `timeoutMs`, so a run with an unreachable Redis
 * stops at once with a sentence instead of waiting forever for the shared rate limiter.
 *
 * @throws ConfigError naming REDIS_URL.
 */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new ConfigError(`REDIS_URL ${safe.toString()} does not answer (${(err as Error).message}); start Redis or unset REDIS_URL (limits are then per process)`, 'REDIS_URL', { cause: err });
  } finally {
    client.disconnect();
  }
}
