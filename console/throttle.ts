import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import type { Conn } from '../data/db.js';
import { clearLoginFailures, pruneLoginFailures, recentLoginFailures, recordLoginFailure } from '../data/stores/login-attempts.js';

/** How many failed logins an email + address may have in {@link THROTTLE_WINDOW_MS} before it is refused. */
export const THROTTLE_LIMIT = 5;
/** The throttle window: 15 minutes. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;

/**
 * Counts failed logins per email + address, shared by every console process (design.md §13):
 * in the database, or in Redis when REDIS_URL is set.
 */
export interface LoginThrottle {
  /** 0 when a login may be tried now, else the seconds until it may. */
  blockedFor(key: string, now: Date): Promise<number>;
  /** Counts one failed attempt. */
  fail(key: string, now: Date): Promise<void>;
  /** Forgets the failures (after a successful login). */
  clear(key: string): Promise<void>;
  close(): Promise<void>;
}

/** The throttle key of an email and a client address (a hash: the table holds no emails). */
export function throttleKey(email: string, ip: string): string {
  return crypto.createHash('sha256').update(`${email.trim().toLowerCase()}\u0000${ip}`).digest('hex');
}

/** Failed logins as rows of `login_attempts`; old rows are pruned as new ones come. */
export class DbLoginThrottle implements LoginThrottle {
  constructor(
    private readonly conn: Conn,
    private readonly limit = THROTTLE_LIMIT,
    private readonly windowMs = THROTTLE_WINDOW_MS,
  ) {}

  async blockedFor(key: string, now: Date): Promise<number> {
    const { count, oldest } = await recentLoginFailures(this.conn, key, new Date(now.getTime() - this.windowMs));
    if (count < this.limit || !oldest) return 0;
    return Math.max(1, Math.ceil((oldest.getTime() + this.windowMs - now.getTime()) / 1000));
  }

  async fail(key: string, now: Date): Promise<void> {
    await recordLoginFailure(this.conn, key, now);
    await pruneLoginFailures(this.conn, new Date(now.getTime() - this.windowMs));
  }

  async clear(key: string): Promise<void> {
    await clearLoginFailures(this.conn, key);
  }

  async close(): Promise<void> {}
}

/** Failed logins as Redis counters that expire with the window (a fixed window from the first failure). */
export class RedisLoginThrottle implements LoginThrottle {
  private readonly redis: Redis;
  constructor(
    url: string,
    private readonly limit = THROTTLE_LIMIT,
    private readonly windowMs = THROTTLE_WINDOW_MS,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 3000 });
    this.redis.on('error', () => undefined);
  }

  private name(key: string): string {
    return `mallbridge:login-failures:${key}`;
  }

  async blockedFor(key: string, _now?: Date): Promise<number> {
    const [count, ttl] = await Promise.all([this.redis.get(this.name(key)), this.redis.pttl(this.name(key))]);
    if (Number(count ?? 0) < this.limit || ttl <= 0) return 0;
    return Math.max(1, Math.ceil(ttl / 1000));
  }

  async fail(key: string, _now?: Date): Promise<void> {
    const n = await this.redis.incr(this.name(key));
    if (n === 1) await this.redis.pexpire(this.name(key), this.windowMs);
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.name(key));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
