import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeDatabase, openDatabase, type Db } from '../data/db.js';
import { migrateLatest } from '../data/migrate.js';
import { bulkInsert } from '../data/stores/bulk-insert.js';
import { inTransaction } from '../data/transaction.js';
import { loadConfig } from '../lib/config.js';
import { silentLogger } from '../lib/logger.js';
import { kstDayStart, toDbTime } from '../lib/time.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { peakRssMb, report, timed } from './measure.js';

/**
 * The reconciliation report over a day of `lines` generated order lines (default 1,000,000): the
 * lines are written straight into a fresh SQLite database with multi-row inserts, with the rows a
 * real day leaves behind — fulfillment orders in every status with their lines, events,
 * shipments, and confirmations, tracking numbers and stock pushes done, pending and failed —
 * then a child process writes the nightly report (xlsx and every CSV, one pass) and reports its
 * time and peak RSS, so generating the data does not count against the report's memory.
 */

const DAY = '2026-11-20';
const SHOPS = 4;
const LISTINGS = 2000;

/** mulberry32: the same data on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Row = Record<string, unknown>;
const pick = <T>(rnd: () => number, weighted: Array<[T, number]>): T => {
  let x = rnd();
  for (const [v, w] of weighted) if ((x -= w) < 0) return v;
  return weighted[weighted.length - 1]![0];
};
const FO_STATUS: Array<[string, number]> = [['tracking_sent', 0.55], ['shipped', 0.1], ['instructed', 0.1], ['confirmed', 0.1], ['new', 0.08], ['on_hold', 0.02], ['cancelled', 0.05]];
const AFTER_INSTRUCTION = new Set(['instructed', 'shipped', 'tracking_sent', 'on_hold']);

/** Fills `db` with about `lines` lines (95 % on DAY, the rest the day before); returns the count. */
export async function generate(db: Db, lines: number): Promise<number> {
  const k = db.knex;
  const now = toDbTime(new Date());
  const dayStart = kstDayStart(DAY).getTime();
  await k('sellers').insert({ id: 1, code: 'bench', name: null, created_at: now, updated_at: now });
  const shops = Array.from({ length: SHOPS }, (_, i) => ({ id: i + 1, seller_id: 1, mall: i % 2 ? 'rakuten' : 'naver', mall_shop_id: `bench-${i + 1}`, credentials: 'x', credentials_expire_at: i === 1 ? toDbTime(new Date(Date.now() + 5 * 86_400_000)) : null, health: i === 2 ? 'unhealthy' : 'healthy', health_message: i === 2 ? 'GW.AUTHN: the application secret was refused' : null, created_at: now, updated_at: now }));
  await bulkInsert(k, 'shops', shops);
  await bulkInsert(k, 'skus', Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, seller_id: 1, sku_code: `SKU-${i}`, sku_name: `상품 ${i}`, on_hand: 100, created_at: now, updated_at: now })));
  const rnd = random(19);
  let lineId = 0;
  let foId = 0;
  const stockItems: Row[] = [];
  for (let s = 1; s <= SHOPS; s++) for (let l = 0; l < LISTINGS / SHOPS; l++) stockItems.push({ kind: 'stock', shop_id: s, target_key: `${9_000_000 + l}/${l}`, payload: `{"listingProductId":"${9_000_000 + l}","listingOptionId":"${l}","quantity":${l % 50}}`, status: l % 100 === 0 ? 'failed' : 'done', attempts: 1, last_error: l % 100 === 0 ? 'Naver 104133 the option does not exist' : null, created_at: now, updated_at: now });
  await bulkInsert(k, 'export_items', stockItems);
  let order = 0;
  while (lineId < lines) {
    const batch = { lines: [] as Row[], fos: [] as Row[], foLines: [] as Row[], events: [] as Row[], shipments: [] as Row[], exports: [] as Row[] };
    for (let n = 0; n < 5000 && lineId < lines; n++) {
      order++;
      const shopId = 1 + (order % SHOPS);
      const rakuten = shopId % 2 === 0;
      const orderedAt = toDbTime(new Date(dayStart - (rnd() < 0.05 ? 86_400_000 : 0) + Math.floor(rnd() * 86_400_000)));
      const orderId = rakuten ? `bench-${shopId}-20261120-${String(order).padStart(9, '0')}` : `2026112${String(order).padStart(10, '0')}`;
      const pkg = rakuten ? String(order) : '';
      const kind = pick(rnd, [['ship', 0.87], ['waiting', 0.05], ['ignored', 0.08]]);
      const count = 1 + Math.floor(rnd() * 2);
      const status = kind === 'ship' ? pick(rnd, FO_STATUS) : '';
      const fo = kind === 'ship' ? ++foId : 0;
      for (let j = 0; j < count && lineId < lines; j++) {
        const id = ++lineId;
        const unmapped = kind === 'waiting' && j === 0;
        const reason = unmapped ? pick(rnd, rakuten ? [['no_code', 0.3], ['code_not_registered', 0.3], ['name_not_registered', 0.4]] : [['no_code', 0.5], ['code_not_registered', 0.5]]) : null;
        const name = id % 50_000 === 0 ? '=HYPERLINK("http://example.com","상품")' : `데일리 상품 ${id % 997} 세트`;
        batch.lines.push({
          id, shop_id: shopId, mall_order_id: orderId, mall_package_id: pkg, mall_line_id: String(10_000_000_000 + id), mall_status: rakuten ? '300' : 'PAYED/OK', claim_status: null,
          line_state: kind === 'ignored' ? 'cancelled' : 'awaiting', seller_code: reason === 'no_code' ? null : `SC-${id % 1000}`, seller_code_field: 'sellerProductCode',
          product_name: name, option_text: j % 2 ? '색상: 블랙\n사이즈: M' : '', quantity: 1 + (id % 3), unit_price: 12_000, listing_product_id: String(9_000_000 + (id % 500)), listing_option_id: String(id % 4),
          recipient: '{"name":"김민준","phone":"010-2481-3690","postalCode":"06236","address1":"서울특별시 강남구 테헤란로 123","address2":"4층 401호","country":"KR"}',
          ordered_at: orderedAt, payload: `{"productOrderId":"${10_000_000_000 + id}","orderId":"${orderId}","quantity":${1 + (id % 3)},"productName":"데일리 상품"}`, payload_hash: 'bench',
          mapping_status: kind === 'ignored' ? 'ignored' : unmapped ? 'unmapped' : 'mapped', mapping_rule: unmapped ? reason : kind === 'ignored' ? null : 'seller_code', mapping_ref: unmapped || kind === 'ignored' ? null : `sku_codes:${id % 1000}`,
          unmapped_reason: unmapped ? `the code is not in the seller's SKU sheet (${reason})` : null, first_seen_at: orderedAt, updated_at: orderedAt,
        });
        if (fo) batch.foLines.push({ fulfillment_order_id: fo, mall_order_line_id: id, sku_id: 1 + (id % 1000), quantity: 1 + (id % 3), unit_quantity: 1, created_at: orderedAt });
      }
      if (!fo) continue;
      const afterInstruction = AFTER_INSTRUCTION.has(status) || (status === 'cancelled' && rnd() < 0.5);
      batch.fos.push({ id: fo, shop_id: shopId, mall_order_id: orderId, mall_package_id: pkg, status, hold_reason: status === 'on_hold' ? 'changed after instruction: line has a claim or change open at the marketplace (PAYED, EXCHANGE/EXCHANGE_REQUEST)' : null, recipient_name: '김민준', recipient_phone: '010-2481-3690', postal_code: '06236', address1: '서울특별시 강남구 테헤란로 123', address2: '4층 401호', country: 'KR', ordered_at: orderedAt, created_at: orderedAt, updated_at: orderedAt });
      batch.events.push({ fulfillment_order_id: fo, from_status: null, to_status: 'new', reason: null, created_at: orderedAt });
      if (afterInstruction) batch.events.push({ fulfillment_order_id: fo, from_status: 'confirmed', to_status: 'instructed', reason: 'instruction batch 1', created_at: orderedAt });
      if (status !== 'new' && status !== 'instructed') batch.events.push({ fulfillment_order_id: fo, from_status: afterInstruction ? 'instructed' : 'new', to_status: status, reason: status === 'cancelled' ? 'line cancelled at the marketplace' : null, created_at: orderedAt });
      if (status === 'shipped' || status === 'tracking_sent') batch.shipments.push({ fulfillment_order_id: fo, tracking_number: `QSP${String(fo).padStart(12, '0')}`, carrier: rakuten ? '1000' : 'QXPRESS', source: 'invoice', shipped_at: orderedAt, created_at: orderedAt });
      if (status !== 'cancelled' && (status !== 'new' || rnd() < 0.3)) {
        const confirm = status === 'new' ? pick(rnd, [['pending', 0.9], ['failed', 0.1]]) : 'done';
        batch.exports.push({ kind: 'confirm', shop_id: shopId, target_key: orderId, payload: '{"mallLineIds":[]}', status: confirm, attempts: 1, last_error: confirm === 'failed' ? 'Naver 104442 cancelled at Naver' : null, created_at: orderedAt, updated_at: orderedAt });
      }
      if (status === 'shipped' || status === 'tracking_sent') {
        const t = status === 'tracking_sent' ? 'done' : pick(rnd, [['pending', 0.6], ['in_flight', 0.1], ['failed', 0.3]]);
        batch.exports.push({ kind: 'tracking', shop_id: shopId, target_key: `${orderId}/${pkg}`, payload: `{"fulfillmentOrderId":${fo},"trackingNumber":"QSP${String(fo).padStart(12, '0')}","carrierCode":"QXPRESS"}`, status: t, attempts: 1, last_error: t === 'failed' ? 'Naver 104119 carrier code does not exist' : null, created_at: orderedAt, updated_at: orderedAt });
      }
    }
    await inTransaction(k, async (trx) => {
      await bulkInsert(trx, 'mall_order_lines', batch.lines);
      await bulkInsert(trx, 'fulfillment_orders', batch.fos);
      await bulkInsert(trx, 'fulfillment_order_lines', batch.foLines);
      await bulkInsert(trx, 'fulfillment_order_events', batch.events);
      await bulkInsert(trx, 'shipments', batch.shipments);
      await bulkInsert(trx, 'export_items', batch.exports);
    });
  }
  return lineId;
}

/** Child side: writes the nightly report of DAY from the database at `file` and prints one JSON line. */
async function writeInChild(file: string, home: string): Promise<void> {
  const db = openDatabase({ databaseUrl: undefined, sqlitePath: file });
  try {
    const { writeNightlyReconcile } = await import('../pipelines/reports/reconcile.js');
    const deps: PipelineDeps = { config: loadConfig({ MALLBRIDGE_HOME: home }, '/'), db, logger: silentLogger(), now: () => new Date(), secretKey: () => Buffer.alloc(32) };
    const run = await timed(() => writeNightlyReconcile(deps, { date: DAY }));
    const xlsx = fs.statSync(run.result.files[0]!).size;
    process.send!({ ms: run.ms, rss: peakRssMb(), seen: run.result.totals.lines.seen, addsUp: run.result.addsUp, listRows: run.result.listRows, xlsxMb: xlsx / 1e6, files: run.result.files.length });
  } finally {
    await closeDatabase(db);
  }
}

/**
 * Generates `lines` order lines (env `BENCH_REPORT_LINES`, default 1,000,000) into a fresh SQLite
 * database and measures the nightly reconciliation report over them in a child process: wall
 * time, peak RSS (aim ≤ 300 MB), lines per second, and the xlsx size.
 */
export async function benchReport(lines = Number(process.env.BENCH_REPORT_LINES ?? 1_000_000)): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-bench-report-'));
  try {
    const file = path.join(dir, 'bench.sqlite');
    const db = openDatabase({ databaseUrl: undefined, sqlitePath: file });
    await migrateLatest(db);
    const gen = await timed(() => generate(db, lines));
    await closeDatabase(db);
    const child = fork(fileURLToPath(import.meta.url), ['--reconcile-child', file, dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = await new Promise<{ ms: number; rss: number; seen: number; addsUp: boolean; listRows: Record<string, number>; xlsxMb: number; files: number }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`the report child exited with ${code} before reporting`)));
    });
    report(`reconcile report ${Math.round(gen.result / 1000)}k lines (sqlite)`, {
      'lines of the day': result.seen,
      'ms': Math.round(result.ms),
      'lines/s': Math.round(result.seen / (result.ms / 1000)),
      'peak RSS MB': Math.round(result.rss),
      'xlsx MB': result.xlsxMb,
      'adds up': result.addsUp ? 'yes' : 'NO',
      'generate ms': Math.round(gen.ms),
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--reconcile-child') await writeInChild(process.argv[3]!, process.argv[4]!);
