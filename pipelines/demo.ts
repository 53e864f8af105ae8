import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import { resolveSecretKey } from '../lib/secrets.js';
import { closeDatabase, openDatabase } from '../data/db.js';
import { migrateLatest } from '../data/migrate.js';
import { insertSeller } from '../data/stores/sellers.js';
import { findJob } from '../jobs/registry.js';
import { runJobNow, type ShopRunResult } from '../jobs/runner.js';
import type { PipelineDeps } from './deps.js';
import { listUnmapped, type UnmappedLine } from './orders/unmapped.js';
import { startSandboxes } from './sandboxes.js';
import { importNameSheet } from './sheets/import-mappings.js';
import { importSkuSheet } from './sheets/import-skus.js';
import type { ImportSummary } from './sheets/apply.js';
import { addShop } from './shops.js';

/** Per shop: what the pull brought in. */
export interface DemoShopCounts {
  mall: string;
  shopId: number;
  ordersSeen: number;
  linesSeen: number;
  fulfillmentOrders: number;
  fulfillmentLines: number;
  waitingOrders: number;
  unmappedLines: number;
}

/** Everything the demo did, for the summary it prints. */
export interface DemoSummary {
  home: string;
  database: string;
  sheets: ImportSummary[];
  runs: ShopRunResult[];
  shops: DemoShopCounts[];
  unmapped: UnmappedLine[];
  seconds: number;
}

/** The sample sheets shipped in the repository (samples/). */
export function samplesDir(): string {
  const here = path.dirname(new URL(import.meta.url).pathname);
  // Compiled: dist/pipelines → ../../samples; from source: pipelines → ../samples.
  for (const candidate of [path.resolve(here, '../../samples'), path.resolve(here, '../samples')]) {
    if (fs.existsSync(path.join(candidate, 'demo-skus.xlsx'))) return candidate;
  }
  throw new Error('the sample sheets (samples/demo-skus.xlsx) are missing from the repository');
}

/**
 * `mallbridge demo` (design.md §8): on a fresh embedded database under `$MALLBRIDGE_HOME/demo`
 * (remade every run; DATABASE_URL is not used), starts both sandbox malls, creates a seller and
 * one shop per mall with every automation on, imports the sample SKU sheet and name + option
 * sheet, pulls orders from both shops, and reports what became fulfillment orders and which
 * lines wait for a mapping, and why.
 */
export async function runDemo(base: Config, logger: Logger, progress: (line: string) => void): Promise<DemoSummary> {
  const started = Date.now();
  const home = path.join(base.home, 'demo');
  fs.rmSync(home, { recursive: true, force: true });
  fs.mkdirSync(home, { recursive: true });
  const config: Config = { ...base, databaseUrl: undefined, secretKey: undefined, home, sqlitePath: path.join(home, 'mallbridge.sqlite'), logsDir: path.join(home, 'logs'), secretKeyFile: path.join(home, 'secret.key') };
  const db = openDatabase(config);
  let key: Buffer | undefined;
  const deps: PipelineDeps = { config, db, logger, now: () => new Date(), secretKey: () => (key ??= resolveSecretKey(config, { create: true }).key) };
  const sandboxes = await startSandboxes(path.join(home, 'sandbox'));
  try {
    progress(`Sandbox malls: Naver ${sandboxes.naver.baseUrl}, Rakuten ${sandboxes.rakuten.baseUrl}`);
    await migrateLatest(db);
    progress(`Database: ${config.sqlitePath} (migrated)`);
    const seller = await insertSeller(db.knex, 'demo', '데모 셀러 / デモ出品者');
    const auto = { autoOrderSync: true, autoOrderConfirm: true, autoInstruct: true, autoStockSync: true };
    const naverShop = await addShop(deps, { seller: seller.code, mall: 'naver', shopId: 'mallbridge-demo', apiBaseUrl: sandboxes.naver.baseUrl, credentialsFile: sandboxes.files.naver, ...auto });
    const rakutenShop = await addShop(deps, { seller: seller.code, mall: 'rakuten', shopId: 'mallbridge-demo', shopUrl: 'https://www.rakuten.ne.jp/mallbridge-demo', apiBaseUrl: sandboxes.rakuten.baseUrl, credentialsFile: sandboxes.files.rakuten, ...auto });
    progress(`Seller demo with shops ${naverShop.id} (naver) and ${rakutenShop.id} (rakuten), credentials stored encrypted`);
    const samples = samplesDir();
    const sheets = [
      await importSkuSheet(deps, seller, path.join(samples, 'demo-skus.xlsx'), { dryRun: false }),
      await importNameSheet(deps, seller, path.join(samples, 'demo-name-mappings.xlsx'), { dryRun: false }),
    ];
    for (const s of sheets) progress(`Imported ${s.file}: ${Object.entries(s.changes).map(([k, c]) => `${c.inserted} ${k}`).join(', ')}`);
    const job = findJob('orders:pull')!;
    progress('Pulling orders from both shops (at the marketplaces\' real rate limits)…');
    const runs = await runJobNow(deps, job, undefined, {});
    const unmapped = await listUnmapped(deps, seller.code);
    const shops: DemoShopCounts[] = [];
    for (const shop of [naverShop, rakutenShop]) {
      const k = db.knex;
      const orders = (await k('mall_order_lines').where('shop_id', shop.id).countDistinct({ n: 'mall_order_id' }).first()) as { n: number };
      const lines = (await k('mall_order_lines').where('shop_id', shop.id).count({ n: '*' }).first()) as { n: number };
      const fos = (await k('fulfillment_orders').where('shop_id', shop.id).count({ n: '*' }).first()) as { n: number };
      const fol = (await k('fulfillment_order_lines as l').join('fulfillment_orders as f', 'f.id', 'l.fulfillment_order_id').where('f.shop_id', shop.id).count({ n: '*' }).first()) as { n: number };
      const run = runs.find((r) => r.shopId === shop.id);
      shops.push({
        mall: shop.mall,
        shopId: shop.id,
        ordersSeen: Number(orders.n),
        linesSeen: Number(lines.n),
        fulfillmentOrders: Number(fos.n),
        fulfillmentLines: Number(fol.n),
        waitingOrders: Number(run?.counts.waitingOrders ?? 0),
        unmappedLines: unmapped.filter((u) => u.shopId === shop.id).length,
      });
    }
    return { home, database: config.sqlitePath, sheets, runs, shops, unmapped, seconds: (Date.now() - started) / 1000 };
  } finally {
    await sandboxes.close();
    await closeDatabase(db);
  }
}
