import { createConnector, parseCredentials } from '../connectors/index.js';
import type { Connector } from '../connectors/shared/connector.js';
import { shopLabel, type Shop } from '../data/stores/shops.js';
import { decryptCredentials } from '../lib/secrets.js';
import type { PipelineDeps } from './deps.js';

/**
 * Decrypts the shop's credentials and builds its marketplace connector.
 *
 * @throws ConfigError when the credentials key is wrong; InputError when the stored credentials no
 *   longer match the mall's schema.
 */
export function openShopConnector(deps: PipelineDeps, shop: Shop): Connector {
  const raw = decryptCredentials(deps.secretKey(), shop.credentials, shopLabel(shop));
  const credentials = parseCredentials(shop.mall, raw);
  return createConnector({
    shop: {
      id: shop.id,
      mall: shop.mall,
      mallShopId: shop.mallShopId,
      apiBaseUrl: shop.apiBaseUrl,
      rateLimitPerSec: shop.rateLimitPerSec,
      autoOrderConfirm: shop.autoOrderConfirm,
    },
    credentials,
    logger: deps.logger.child({ module: `connector:${shop.mall}`, shop: shop.id }),
    redisUrl: deps.config.redisUrl,
    now: deps.now,
    ...(deps.retry ? { retry: deps.retry } : {}),
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
  });
}
