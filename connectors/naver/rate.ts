import type Bottleneck from 'bottleneck';
import type { Logger } from '../../lib/logger.js';

/** The gateway's refill rate in requests/s (spec §7.4); sent on answers of rate-limited APIs. */
export const REPLENISH_RATE_HEADER = 'gncp-gw-ratelimit-replenish-rate';

/**
 * The slowest rate a header can push the limiter to (one request per 5 s), so a garbled or
 * tiny value cannot stall a run: requests wait in the limiter, where no timeout applies.
 */
export const MIN_FOLLOWED_RATE = 0.2;

/**
 * The rate to use after the gateway said `headerValue` (pure): the gateway's rate when it is lower
 * than the configured one (never above it, floored at {@link MIN_FOLLOWED_RATE}); the configured
 * rate when the header is absent or not a positive number. A configured rate of 0 means the
 * limiter is off (tests, `--rate-limit 0`) and stays off: returns 0.
 */
export function followedRate(configuredPerSec: number, headerValue: string | undefined): number {
  if (!(configuredPerSec > 0)) return 0;
  const said = headerValue === undefined || headerValue.trim() === '' ? NaN : Number(headerValue);
  if (!Number.isFinite(said) || said <= 0) return configuredPerSec;
  return Math.min(configuredPerSec, Math.max(MIN_FOLLOWED_RATE, said));
}

/**
 * Follows `GNCP-GW-RateLimit-Replenish-Rate` (spec §7.4: limits are dynamic and their numbers,
 * about 2/s, UNCERTAIN §13.10 — "drive the limiter from Replenish-Rate"): returns a function to call with every answer's headers; when the rate it
 * implies changes, the shop's limiter gets the new spacing (`minTime`). With Redis, Bottleneck
 * stores the setting in the shared datastore, so every worker of the shop follows. The last value
 * seen wins, so the limiter speeds up again (up to the configured rate) when Naver raises it.
 */
export function createRateFollower(limiter: Bottleneck, configuredPerSec: number, logger: Logger): (headers: Record<string, string | string[] | undefined>) => void {
  let current = configuredPerSec;
  return (headers) => {
    const raw = headers[REPLENISH_RATE_HEADER];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) return;
    const next = followedRate(configuredPerSec, value);
    if (next === 0 || next === current) return;
    current = next;
    limiter.updateSettings({ minTime: Math.ceil(1000 / next) });
    logger.info(`Naver rate limit: the gateway refills ${value} requests/s; calls now ${next}/s (configured ${configuredPerSec}/s)`);
  };
}
