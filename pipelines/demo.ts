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
import { importStockSheet } from './sheets/import-stock.js';
import { issueInvoices } from './exports/invoices.js';
import { writeUnmappedFile } from './orders/unmapped-file.js';
import { reconcileReport } from './reports/reconcile.js';
import { orderedSpan, shopTotals } from '../data/stores/shop-totals.js';
import { kstDate } from '../lib/time.js';

/** Every KST day from `first` to `last`, `YYYY-MM-DD`. */
function kstDays(first: Date, last: Date): string[] {
  const days: string[] = [];
  for (let t = first.getTime(); kstDate(new Date(t)) <= kstDate(last); t += 24 * 3600_000) days.push(kstDate(new Date(t)));
  return [...new Set(days)];
}
import type { ImportSummary } from './sheets/apply.js';
import { addShop } from './shops.js';

/** Per shop: what each step of the cycle did, and where its parcels ended up. */
export interface DemoShopCounts {
  mall: string;
  shopId: number;
  ordersSeen: number;
  linesSeen: number;
  fulfillmentOrders: number;
  fulfillmentLines: number;
  waitingOrders: number;
  unmappedLines: number;
  /** Marketplace calls that went through, per step. */
  confirmed: number;
  instructed: number;
  invoices: number;
  trackingSent: number;
  stockPushed: number;
  /** Fulfillment orders by status at the end. */
  byStatus: Record<string, number>;
}

/** Everything the demo did, for the summary it prints. */
export interface DemoSummary {
  home: string;
  database: string;
  sheets: ImportSummary[];
  /** Every job run of the cycle, in order. */
  runs: Array<ShopRunResult & { job: string }>;
  shops: DemoShopCounts[];
  unmapped: UnmappedLine[];
  /** The unmapped list as a sheet the seller fills in and imports. */
  unmappedFile: string;
  /** The reconciliation reports (xlsx), one per KST day of the orders, and whether each adds up. */
  reports: Array<{ date: string; file: string; linesSeen: number; addsUp: boolean }>;
  instructionFiles: string[];
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
 * The cycle after the first pull, in the order the schedule runs it (design.md §5–7). The second
 * pull is the next hourly one: it reads the statuses the confirmations changed (Rakuten moves a
 * confirmed order from 100 to 300, and only then may it ship).
 */
const CYCLE = ['orders:confirm', 'orders:pull', 'orders:instruct', 'invoices', 'tracking:push', 'stock:sync'] as const;

/**
 * `mallbridge demo` (design.md §8, issue 19): on a fresh embedded database under
 * `$MALLBRIDGE_HOME/demo` (remade every run; DATABASE_URL is not used), starts both sandbox malls
 * at their real rate limits, creates a seller and one shop per mall with every automation on,
 * imports the sample SKU sheet, name + option sheet and warehouse stock counts (samples/), then
 * runs the whole cycle through the job runner — pull → confirm → instruct → invoices → tracking →
 * stock → reconcile — and reports what each step did, which lines wait for a mapping and why
 * (written as a sheet to fill in), and where the report is.
 *
 * @throws whatever a step throws that is not a per-item failure (a sandbox that cannot start…).
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
    const naverShop = await addShop(deps, { seller: seller.code, mall: 'naver', shopId: 'mallbridge-demo', apiBaseUrl: sandboxes.naver.baseUrl, credentials: { file: sandboxes.files.naver }, ...auto });
    const rakutenShop = await addShop(deps, { seller: seller.code, mall: 'rakuten', shopId: 'mallbridge-demo', shopUrl: 'https://www.rakuten.ne.jp/mallbridge-demo', apiBaseUrl: sandboxes.rakuten.baseUrl, credentials: { file: sandboxes.files.rakuten }, ...auto });
    progress(`Seller demo with shops ${naverShop.id} (naver) and ${rakutenShop.id} (rakuten), credentials stored encrypted`);
    const samples = samplesDir();
    const sheets = [
      await importSkuSheet(deps, seller, path.join(samples, 'demo-skus.xlsx'), { dryRun: false }),
      await importNameSheet(deps, seller, path.join(samples, 'demo-name-mappings.xlsx'), { dryRun: false }),
      await importStockSheet(deps, seller, path.join(samples, 'demo-stock.csv'), { dryRun: false }),
    ];
    for (const s of sheets) progress(`Imported ${path.basename(s.file)}: ${Object.entries(s.changes).map(([k, c]) => `${c.inserted + c.updated} ${k}`).join(', ')}`);

    const runs: DemoSummary['runs'] = [];
    const runJob = async (id: string) => {
      const results = await runJobNow(deps, findJob(id)!, undefined, {});
      runs.push(...results.map((r) => ({ job: id, ...r })));
      return results;
    };
    progress("orders:pull — both shops, at the marketplaces' real rate limits…");
    await runJob('orders:pull');
    const invoices = new Map<number, number>();
    const instructionFiles: string[] = [];
    for (const step of CYCLE) {
      progress(step === 'invoices' ? 'invoices issue — QSP tracking numbers for the instructed parcels…' : step === 'orders:pull' ? 'orders:pull again — the next hourly pull reads the confirmed statuses…' : `${step}…`);
      if (step === 'invoices') {
        for (const shop of [naverShop, rakutenShop]) invoices.set(shop.id, (await issueInvoices(deps, shop)).issued.length);
        continue;
      }
      const results = await runJob(step);
      if (step === 'orders:instruct') instructionFiles.push(...results.flatMap((r) => String(r.counts.files ?? '').split(', ').filter(Boolean)));
    }
    const unmapped = await listUnmapped(deps, seller.code);
    const unmappedFile = (await writeUnmappedFile(path.join(home, 'unmapped-to-fill-in.xlsx'), unmapped)).file;
    // The report is per KST day of the order time: one for each day the sample orders fall on.
    const span = await orderedSpan(db.knex, [naverShop.id, rakutenShop.id]);
    const reports: DemoSummary['reports'] = [];
    for (const date of span ? kstDays(span.first, span.last) : [kstDate(deps.now())]) {
      progress(`reconcile — the report of ${date} (KST)…`);
      const r = await reconcileReport(deps, { date });
      reports.push({ date: r.date, file: r.files[0]!, linesSeen: r.totals.lines.seen, addsUp: r.addsUp });
    }

    // Summed over the job's runs (orders:pull runs twice; waiting orders are the latest pull's).
    const done = (job: string, shopId: number, key: string) => runs.filter((r) => r.job === job && r.shopId === shopId).reduce((n, r) => n + Number(r.counts[key] ?? 0), 0);
    const latest = (job: string, shopId: number, key: string) => Number(runs.filter((r) => r.job === job && r.shopId === shopId).at(-1)?.counts[key] ?? 0);
    const shops: DemoShopCounts[] = [];
    for (const shop of [naverShop, rakutenShop]) {
      const c = await shopTotals(db.knex, shop.id);
      shops.push({
        mall: shop.mall,
        shopId: shop.id,
        ...c,
        waitingOrders: latest('orders:pull', shop.id, 'waitingOrders'),
        unmappedLines: unmapped.filter((u) => u.shopId === shop.id).length,
        confirmed: done('orders:confirm', shop.id, 'done'),
        instructed: done('orders:instruct', shop.id, 'orders'),
        invoices: invoices.get(shop.id) ?? 0,
        trackingSent: done('tracking:push', shop.id, 'done'),
        stockPushed: done('stock:sync', shop.id, 'done'),
      });
    }
    return {
      home,
      database: config.sqlitePath,
      sheets,
      runs,
      shops,
      unmapped,
      unmappedFile,
      reports,
      instructionFiles,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await sandboxes.close();
    await closeDatabase(db);
  }
}
