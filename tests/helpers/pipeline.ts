import crypto from 'node:crypto';
import path from 'node:path';
import type { Dialect } from '../../data/db.js';
import { insertSeller } from '../../data/stores/sellers.js';
import { insertShop, type Shop } from '../../data/stores/shops.js';
import { loadConfig } from '../../lib/config.js';
import { silentLogger } from '../../lib/logger.js';
import { encryptCredentials } from '../../lib/secrets.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { freshDatabase, type TestDb } from './databases.js';

/** A fresh database with pipeline deps around it (silent logger, fast retries, a random key). */
export async function pipelineFixture(dialect: Dialect): Promise<{ t: TestDb; deps: PipelineDeps }> {
  const t = await freshDatabase(dialect);
  const key = crypto.randomBytes(32);
  const config = { ...loadConfig({ MALLBRIDGE_HOME: t.home }, '/'), sqlitePath: path.join(t.home, 'mallbridge.sqlite'), databaseUrl: t.databaseUrl };
  const deps: PipelineDeps = {
    config,
    db: t.db,
    logger: silentLogger(),
    now: () => new Date(),
    secretKey: () => key,
    retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 50 },
  };
  return { t, deps };
}

/** Creates seller `code` (once) and a shop pointing at a sandbox, with every automation on. */
export async function sandboxShop(deps: PipelineDeps, args: { seller: string; mall: 'naver' | 'rakuten'; shopId: string; baseUrl: string; credentials: Record<string, unknown>; autoOrderConfirm?: boolean }): Promise<Shop> {
  const k = deps.db.knex;
  const existing = (await k('sellers').where({ code: args.seller }).first('id')) as { id: number } | undefined;
  const sellerId = existing ? Number(existing.id) : (await insertSeller(k, args.seller, null)).id;
  return insertShop(k, {
    sellerId,
    mall: args.mall,
    mallShopId: args.shopId,
    shopUrl: args.mall === 'rakuten' ? `https://www.rakuten.ne.jp/${args.shopId}` : null,
    apiBaseUrl: args.baseUrl,
    credentials: encryptCredentials(deps.secretKey(), args.credentials),
    credentialsExpireAt: null,
    carrierCode: null,
    rateLimitPerSec: 1000,
    autoOrderSync: true,
    autoOrderConfirm: args.autoOrderConfirm ?? true,
    autoInstruct: false,
    autoStockSync: false,
  });
}
