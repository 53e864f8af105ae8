import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startNaverSandbox } from '../connectors/naver/sandbox.js';
import { startRakutenSandbox } from '../connectors/rakuten/sandbox.js';
import { insertSeller } from '../data/stores/sellers.js';
import { insertShop } from '../data/stores/shops.js';
import { loadConfig } from '../lib/config.js';
import { silentLogger } from '../lib/logger.js';
import { encryptCredentials } from '../lib/secrets.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { pullOrders } from '../pipelines/orders/pull.js';
import { importSkuSheet } from '../pipelines/sheets/import-skus.js';
import { samplesDir } from '../pipelines/demo.js';
import { peakRssMb, report, timed } from './measure.js';
import { benchDatabase, benchTargets } from './databases.js';
import { bulkInsert } from '../data/stores/bulk-insert.js';
import { inTransaction } from '../data/transaction.js';

/**
 * `orders:pull` end to end (HTTP from both sandboxes, unthrottled, into the database) over
 * `orders` generated orders per mall (about 2 lines each): lines per second, and the ratio of the
 * load step (upsert, map, settle) to a bare batched INSERT of the same rows into an empty copy of
 * the table, measured in the same run. SQLite always; MySQL when MYSQL_URL names a server.
 */
export async function benchPull(orders = Number(process.env.BENCH_PULL_ORDERS ?? 25_000)): Promise<void> {
  const naver = await startNaverSandbox({ extraOrders: orders });
  const rakuten = await startRakutenSandbox({ extraOrders: orders });
  try {
    for (const target of benchTargets()) {
      const b = await benchDatabase(target);
      try {
        const db = b.db;
        const key = crypto.randomBytes(32);
        const deps: PipelineDeps = { config: loadConfig({}, os.tmpdir()), db, logger: silentLogger(), now: () => new Date(), secretKey: () => key };
        const seller = await insertSeller(db.knex, 'bench', null);
        await importSkuSheet(deps, seller, path.join(samplesDir(), 'demo-skus.xlsx'), { dryRun: false });
        const shop = (mall: 'naver' | 'rakuten', baseUrl: string, credentials: Record<string, unknown>) =>
          insertShop(db.knex, { sellerId: seller.id, mall, mallShopId: `bench-${mall}`, shopUrl: null, apiBaseUrl: baseUrl, credentials: encryptCredentials(key, credentials), credentialsExpireAt: null, carrierCode: null, rateLimitPerSec: 10_000, autoOrderSync: true, autoOrderConfirm: true, autoInstruct: false, autoStockSync: false });
        const shops = [await shop('naver', naver.baseUrl, naver.credentials), await shop('rakuten', rakuten.baseUrl, rakuten.credentials)];
        let loadMs = 0;
        const run = await timed(async () => {
          let lines = 0;
          for (const s of shops) {
            const summary = await pullOrders(deps, s);
            lines += summary.lines.inserted;
            loadMs += summary.timings.loadMs;
          }
          return lines;
        });
        // The same rows again, by a bare batched INSERT into an empty copy of mall_order_lines.
        const rows = (await db.knex('mall_order_lines').select()) as Array<Record<string, unknown>>;
        const copy = await benchDatabase(target);
        let bareMs: number;
        try {
          const owner = await insertSeller(copy.db.knex, 'bench', null);
          const target0 = await insertShop(copy.db.knex, { sellerId: owner.id, mall: 'naver', mallShopId: 'copy', shopUrl: null, apiBaseUrl: null, credentials: 'x', credentialsExpireAt: null, carrierCode: null, rateLimitPerSec: null, autoOrderSync: false, autoOrderConfirm: false, autoInstruct: false, autoStockSync: false });
          bareMs = (await timed(() => inTransaction(copy.db.knex, (trx) => bulkInsert(trx, 'mall_order_lines', rows.map(({ id: _id, ...r }) => ({ ...r, shop_id: target0.id }))).then(() => undefined)))).ms;
        } finally {
          await copy.drop();
        }
        const again = await timed(async () => {
          for (const s of shops) await pullOrders(deps, s);
        });
        report(`pull ${run.result} lines into ${target}`, { 'lines/s': Math.round(run.result / (run.ms / 1000)), 'load ms': loadMs, 'bare insert ms': Math.round(bareMs), 'load ratio': loadMs / bareMs, 'second pull ms': Math.round(again.ms), 'peak RSS MB': Math.round(peakRssMb()) });
      } finally {
        await b.drop();
      }
    }
  } finally {
    await naver.close();
    await rakuten.close();
  }
}
