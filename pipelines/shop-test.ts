import { recordShopHealth, shopLabel, type Shop } from '../data/stores/shops.js';
import type { ConnectionTest } from '../connectors/shared/connector.js';
import type { PipelineDeps } from './deps.js';
import { openShopConnector } from './shop-connector.js';

/** The outcome of `shops test`: the connector's sentence, for one shop. */
export interface ShopTestResult extends ConnectionTest {
  shopId: number;
  shop: string;
}

/**
 * `mallbridge shops test <shop>` (design.md §8): one cheap authenticated call to the marketplace,
 * its answer turned into a sentence a seller can act on, and the shop's health recorded (healthy,
 * or unhealthy with the sentence).
 *
 * @throws ConfigError when the stored credentials cannot be decrypted.
 */
export async function testShop(deps: PipelineDeps, shop: Shop): Promise<ShopTestResult> {
  const source = openShopConnector(deps, shop);
  try {
    const result = await source.testConnection();
    // Only a refusal of the credentials counts towards the authentication back-off: a marketplace
    // outage or a wrong URL makes the shop unhealthy without pausing its runs.
    await recordShopHealth(deps.db.knex, shop.id, result.ok, result.ok ? null : result.message, !result.ok && result.authRefused === true, deps.now());
    return { shopId: shop.id, shop: shopLabel(shop), ...result };
  } finally {
    await source.close();
  }
}
