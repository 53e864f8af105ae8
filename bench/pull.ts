import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNaverSandbox } from '../connectors/naver/sandbox.js';
import { startRakutenSandbox } from '../connectors/rakuten/sandbox.js';
import { closeDatabase, openDatabase, type Db } from '../data/db.js';
import { migrateLatest } from '../data/migrate.js';
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

/**
 * `orders:pull` end to end (HTTP from both sandboxes, unthrottled, into the database), over
 * `orders` generated orders per mall: lines per second. On MySQL when MYSQL_URL names a server.
 */
export async function benchPull(orders = 3000): Promise<void> {
  const naver = await startNaverSandbox({ extraOrders: orders });
  const rakuten = await startRakutenSandbox({ extraOrders: orders });
  try {
    const targets: Array<[string, () => Promise<{ db: Db; drop: () => Promise<void> }>]> = [['sqlite', async () => sqlite()]];
    if (process.env.MYSQL_URL) targets.push(['mysql', () => mysql(process.env.MYSQL_URL!)]);
    for (const [name, open] of targets) {
      const { db, drop } = await open();
      try {
        const key = crypto.randomBytes(32);
        const deps: PipelineDeps = { config: loadConfig({}, os.tmpdir()), db, logger: silentLogger(), now: () => new Date(), secretKey: () => key };
        await migrateLatest(db);
        const seller = await insertSeller(db.knex, 'bench', null);
        await importSkuSheet(deps, seller, path.join(samplesDir(), 'demo-skus.xlsx'), { dryRun: false });
        const shop = (mall: 'naver' | 'rakuten', baseUrl: string, credentials: Record<string, unknown>) =>
          insertShop(db.knex, { sellerId: seller.id, mall, mallShopId: `bench-${mall}`, shopUrl: null, apiBaseUrl: baseUrl, credentials: encryptCredentials(key, credentials), credentialsExpireAt: null, carrierCode: null, rateLimitPerSec: 10_000, autoOrderSync: true, autoOrderConfirm: true, autoInstruct: false, autoStockSync: false });
        const shops = [await shop('naver', naver.baseUrl, naver.credentials), await shop('rakuten', rakuten.baseUrl, rakuten.credentials)];
        const run = await timed(async () => {
          let lines = 0;
          for (const s of shops) lines += (await pullOrders(deps, s)).lines.seen;
          return lines;
        });
        const again = await timed(async () => {
          for (const s of shops) await pullOrders(deps, s);
        });
        report(`pull ${orders * 2} orders into ${name}`, { 'lines': run.result, 'lines/s': Math.round(run.result / (run.ms / 1000)), 'second pull ms': Math.round(again.ms), 'peak RSS MB': Math.round(peakRssMb()) });
      } finally {
        await drop();
      }
    }
  } finally {
    await naver.close();
    await rakuten.close();
  }
}

function sqlite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-bench-db-'));
  const db = openDatabase({ databaseUrl: undefined, sqlitePath: path.join(dir, 'bench.sqlite') });
  return { db, drop: async () => { await closeDatabase(db); fs.rmSync(dir, { recursive: true, force: true }); } };
}

async function mysql(url: string) {
  const name = `mb_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = openDatabase({ databaseUrl: new URL(`/${'mysql'}`, url).toString(), sqlitePath: '' });
  await admin.knex.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const db = openDatabase({ databaseUrl: new URL(`/${name}`, url).toString(), sqlitePath: '' });
  return {
    db,
    drop: async () => {
      await closeDatabase(db);
      await admin.knex.raw(`DROP DATABASE \`${name}\``);
      await closeDatabase(admin);
    },
  };
}
