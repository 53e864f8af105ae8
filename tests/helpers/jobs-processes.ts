import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Knex } from 'knex';
import { insertSeller } from '../../data/stores/sellers.js';
import { insertShop, type Shop } from '../../data/stores/shops.js';
import { loadConfig } from '../../lib/config.js';
import { silentLogger } from '../../lib/logger.js';
import { encryptCredentials } from '../../lib/secrets.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { BIN, REPO } from './cli.js';
import type { TestDb } from './databases.js';

/** A `mallbridge` subprocess that keeps running (a worker): its output so far and how it ended. */
export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal once it has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `mallbridge ...args` with exactly `env` (plus PATH and HOME) and returns at once. */
export function startCli(args: string[], env: Record<string, string | undefined>): CliProcess {
  const clean: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, pid: child.pid!, stdout: () => out, stderr: () => err, exited };
}

/** Pipeline deps over a test database (silent), with the key the subprocesses get as MALLBRIDGE_SECRET_KEY. */
export function depsFor(t: TestDb, key: Buffer): PipelineDeps {
  const config = { ...loadConfig({ MALLBRIDGE_HOME: t.home }, '/'), sqlitePath: path.join(t.home, 'mallbridge.sqlite'), databaseUrl: t.databaseUrl };
  return { config, db: t.db, logger: silentLogger(), now: () => new Date(), secretKey: () => key };
}

/**
 * Seller `demo` with one Naver and one Rakuten shop on the sandboxes (auto sync on, the given
 * request rates), and the sample SKU and name + option sheets, in the same order on every
 * database (so shop ids match across databases).
 */
export async function seedSandboxShops(deps: PipelineDeps, sandboxes: { naver: { baseUrl: string; credentials: Record<string, unknown> }; rakuten: { baseUrl: string; credentials: Record<string, unknown> } }, rates: { naver: number; rakuten: number }): Promise<Shop[]> {
  const k = deps.db.knex;
  const seller = await insertSeller(k, 'demo', null);
  const base = { sellerId: seller.id, carrierCode: null, credentialsExpireAt: null, autoOrderSync: true, autoOrderConfirm: false, autoInstruct: false, autoStockSync: false };
  const naver = await insertShop(k, { ...base, mall: 'naver', mallShopId: 'demo-store', shopUrl: null, apiBaseUrl: sandboxes.naver.baseUrl, credentials: encryptCredentials(deps.secretKey(), sandboxes.naver.credentials), rateLimitPerSec: rates.naver });
  const rakuten = await insertShop(k, { ...base, mall: 'rakuten', mallShopId: 'demo-shop', shopUrl: 'https://www.rakuten.ne.jp/demo-shop', apiBaseUrl: sandboxes.rakuten.baseUrl, credentials: encryptCredentials(deps.secretKey(), sandboxes.rakuten.credentials), rateLimitPerSec: rates.rakuten });
  await importSkuSheet(deps, seller, path.join(REPO, 'samples/demo-skus.xlsx'), { dryRun: false });
  await importNameSheet(deps, seller, path.join(REPO, 'samples/demo-name-mappings.xlsx'), { dryRun: false });
  return [naver, rakuten];
}

/**
 * The business state as plain rows without ids or times: every marketplace line (by shop, order
 * and line id) with its mapping, every fulfillment order with its lines as SKU × quantity. Two
 * databases that took in the same orders compare equal.
 */
export async function businessState(k: Knex): Promise<Record<string, unknown[]>> {
  const lines = await k('mall_order_lines')
    .select('shop_id', 'mall_order_id', 'mall_line_id', 'mall_status', 'quantity', 'mapping_status', 'mapping_rule', 'unmapped_reason')
    .orderBy(['shop_id', 'mall_order_id', 'mall_line_id']);
  const orders = await k('fulfillment_orders').select('shop_id', 'mall_order_id', 'mall_package_id', 'status', 'recipient_name').orderBy(['shop_id', 'mall_order_id', 'mall_package_id']);
  const picks = await k('fulfillment_order_lines as l')
    .join('fulfillment_orders as f', 'f.id', 'l.fulfillment_order_id')
    .join('skus as s', 's.id', 'l.sku_id')
    .select('f.shop_id', 'f.mall_order_id', 'f.mall_package_id', 's.sku_code', 'l.quantity')
    .orderBy(['f.shop_id', 'f.mall_order_id', 'f.mall_package_id', 's.sku_code', 'l.quantity']);
  return { mall_order_lines: lines, fulfillment_orders: orders, fulfillment_order_lines: picks };
}
