import { licenceExpiryWarning } from '../connectors/rakuten/index.js';
import { shopLabel, type Shop } from '../data/stores/shops.js';
import { kstDate } from '../lib/time.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { testShop } from '../pipelines/shop-test.js';
import type { JobResult } from './registry.js';

/**
 * The Rakuten licence warning of a shop at `now` (design.md §6–§7): the sentence of
 * `licenceExpiryWarning` when the stored expiry date (`shops.credentials_expire_at`, the key's
 * last valid day, written from `licenseExpiresAt` by `shops add/update`) is within 14 days or
 * past; null otherwise, and for Naver shops. Read from the shop row, so `jobs status` needs no
 * credentials key.
 */
export function licenceWarningOf(shop: Pick<Shop, 'id' | 'mall' | 'mallShopId' | 'credentialsExpireAt'>, now: Date): string | null {
  if (shop.mall !== 'rakuten' || !shop.credentialsExpireAt) return null;
  const warning = licenceExpiryWarning(kstDate(shop.credentialsExpireAt), now);
  return warning ? `${shopLabel(shop)}: ${warning}` : null;
}

/**
 * `credentials:check` for one shop: the connection test of `shops test` (one cheap
 * authenticated call; the shop's health recorded by it) plus the licence warning. A failed test
 * is a failed run (exit 1) with the test's sentence; a warning is logged and kept in the run's
 * counts (`licenceWarning`), where `jobs status` shows it.
 *
 * @throws ConfigError when the stored credentials cannot be decrypted.
 */
export async function checkCredentials(deps: PipelineDeps, shop: Shop): Promise<JobResult> {
  const result = await testShop(deps, shop);
  const warning = licenceWarningOf(shop, deps.now());
  return {
    counts: {
      ok: result.ok,
      message: result.message,
      ...(shop.credentialsExpireAt ? { licenceExpiresOn: kstDate(shop.credentialsExpireAt) } : {}),
      ...(warning ? { licenceWarning: warning } : {}),
    },
    failedItems: result.ok ? 0 : 1,
    ...(result.ok ? {} : { error: result.message }),
    warnings: warning ? [warning] : [],
    healthRecorded: true,
  };
}
