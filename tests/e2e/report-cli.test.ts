import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { createFulfillmentOrder } from '../../data/stores/fulfillment.js';
import { findLinesByMallLineId, insertLines, type LineWrite } from '../../data/stores/order-lines.js';
import { insertSeller } from '../../data/stores/sellers.js';
import { insertShop, type Shop } from '../../data/stores/shops.js';
import { insertSkus } from '../../data/stores/catalog.js';
import { kstDate } from '../../lib/time.js';
import { pipelineFixture } from '../helpers/pipeline.js';
import { BIN, REPO, runCli, type CliResult } from '../helpers/cli.js';
import { dialects, type TestDb } from '../helpers/databases.js';

/**
 * `mallbridge report reconcile` as a user runs it: the built CLI in a subprocess, on the embedded
 * SQLite and on MariaDB. Until cli/main.ts registers the `report` group, the command is run
 * through the same registration (cli/report.ts) in a program of its own, with main's exit
 * handling; once it is registered, through bin/mallbridge.js itself.
 */

const HARNESS = `
import { Command, CommanderError } from 'commander';
const { registerReport } = await import(process.env.MB_REPORT_CLI);
const program = new Command('mallbridge').exitOverride();
registerReport(program);
for (const c of program.commands) { c.exitOverride(); for (const s of c.commands) s.exitOverride(); }
try { await program.parseAsync(process.argv.slice(1), { from: 'user' }); }
catch (err) { if (err instanceof CommanderError) process.exitCode = err.code === 'commander.helpDisplayed' ? 0 : 2; else throw err; }
`;

let registered: boolean | undefined;
async function runReport(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  if (registered === undefined) {
    registered = /^\s+report\b/m.test((await runCli(['--help'], {})).stdout);
    if (!registered) process.stderr.write('\n*** report-cli: `report` is not registered in cli/main.ts yet; running cli/report.ts through its own program ***\n\n');
  }
  if (registered) return runCli(['report', 'reconcile', ...args], env);
  return new Promise((resolve, reject) => {
    const clean: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MB_REPORT_CLI: pathToFileURL(path.join(REPO, 'dist/cli/report.js')).href };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
    const child = spawn(process.execPath, ['--input-type=module', '-e', HARNESS, '--', 'report', 'reconcile', ...args], { cwd: REPO, env: clean });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

const recipient = { name: '김민준', phone: '010-2481-3690', postalCode: '06236', address1: '서울특별시 강남구 테헤란로 123', address2: '4층', country: 'KR' };
const line = (shopId: number, order: string, id: string, at: Date, extra: Partial<LineWrite> = {}): LineWrite => ({
  shopId, mallOrderId: order, mallPackageId: '', mallLineId: id, mallStatus: 'PAYED/OK', claimStatus: null, lineState: 'awaiting', sellerCode: 'TS-001', sellerCodeField: 'sellerProductCode',
  productName: '테스트 면 티셔츠', optionText: '', quantity: 1, unitPrice: 19_000, listingProductId: null, listingOptionId: null, recipient, orderedAt: at, payloadHash: 'h', payload: '{}',
  mappingStatus: 'mapped', mappingRule: 'seller_code', mappingRef: 'sku_codes:1', unmappedReason: null, ...extra,
});

describe.each(dialects())('mallbridge report reconcile on %s', (dialect) => {
  let t: TestDb;
  let env: Record<string, string | undefined>;
  let naver: Shop;
  const DAY = '2026-11-20';
  const AT = new Date('2026-11-20T01:00:00Z'); // 10:00 KST

  beforeAll(async () => {
    ({ t } = await pipelineFixture(dialect));
    env = { MALLBRIDGE_HOME: t.home, DATABASE_URL: t.databaseUrl, MALLBRIDGE_SECRET_KEY: t.databaseUrl ? crypto.randomBytes(32).toString('base64') : undefined };
    const k = t.db.knex;
    const seller = await insertSeller(k, 'cli', null);
    const skuId = (await insertSkus(k, seller.id, [{ skuCode: 'TS-BLK-M', skuName: '티셔츠', optionName: null, barcode: null }])).get('TS-BLK-M')!;
    const shop = (mall: 'naver' | 'rakuten', id: string) => insertShop(k, { sellerId: seller.id, mall, mallShopId: id, shopUrl: null, apiBaseUrl: null, credentials: 'x', credentialsExpireAt: null, carrierCode: null, rateLimitPerSec: null, autoOrderSync: true, autoOrderConfirm: true, autoInstruct: false, autoStockSync: false });
    naver = await shop('naver', 'cli-store');
    const rakuten = await shop('rakuten', 'cli-shop');
    await insertLines(k, [
      line(naver.id, 'N1', 'n1', AT),
      line(naver.id, 'N2', 'n2', AT, { mappingStatus: 'unmapped', mappingRule: 'code_not_registered', mappingRef: null, sellerCode: '@SUM(1)', productName: '=1+1', unmappedReason: 'code @SUM(1) is not in the SKU sheet' }),
      line(naver.id, 'N3', 'n3', AT, { lineState: 'cancelled', mappingStatus: 'ignored', mappingRule: null, mappingRef: null }),
      line(rakuten.id, 'R1', 'r1', AT, { mallStatus: '300' }),
      line(rakuten.id, 'R2', 'r2', new Date('2026-11-21T01:00:00Z'), { mallStatus: '300', mappingStatus: 'lost' as never }),
    ]);
    for (const [shopId, order, id] of [[naver.id, 'N1', 'n1'], [rakuten.id, 'R1', 'r1']] as const) {
      const l = (await findLinesByMallLineId(k, shopId, [id])).get(id)!;
      await createFulfillmentOrder(k, { shopId, mallOrderId: order, mallPackageId: '', recipient, orderedAt: AT }, [{ mallOrderLineId: l.id, skuId, quantity: 1, unitQuantity: 1 }]);
    }
  });
  afterAll(async () => {
    await t.drop();
  });

  test('writes $MALLBRIDGE_HOME/reports/<date>/reconcile.xlsx, prints the summary table and the path, exit 0', async () => {
    const r = await runReport(['--date', DAY], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const file = path.join(t.home, 'reports', DAY, 'reconcile.xlsx');
    expect(r.stdout).toContain(`Reconciliation of ${DAY} (KST day of the marketplace order time`);
    expect(r.stdout).toMatch(/lines seen\s+3\s+1\s+4/);
    expect(r.stdout).toMatch(/check: seen = mapped \+ unmapped \+ ignored\s+ok\s+ok\s+ok/);
    expect(r.stdout).toContain('All counts add up.');
    expect(r.stdout).toContain(`Wrote ${file}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'lines', 'unmapped', 'orders', 'confirmations', 'tracking', 'holds', 'stock', 'shops', 'check']);
    expect(wb.getWorksheet('lines')!.rowCount).toBe(1 + 4);
    const unmapped = wb.getWorksheet('unmapped')!.getRow(2);
    expect([unmapped.getCell(7).value, unmapped.getCell(8).value]).toEqual(["'@SUM(1)", "'=1+1"]);
  });

  test('--out F.csv --json: the Summary in F.csv and each list beside it, UTF-8 with BOM, formula-like cells escaped; --shop narrows to one shop', async () => {
    const out = path.join(t.home, 'out');
    fs.mkdirSync(out, { recursive: true });
    const r = await runReport(['--date', DAY, '--out', path.join(out, 'day.csv'), '--shop', 'naver:cli-store', '--json'], env);
    expect(r.code).toBe(0);
    const json = r.json as { date: string; addsUp: boolean; files: string[]; shops: Array<{ shopId: number; lines: { seen: number } }> };
    expect(json).toMatchObject({ date: DAY, addsUp: true });
    expect(json.shops.map((s) => [s.shopId, s.lines.seen])).toEqual([[naver.id, 3]]);
    expect(json.files[0]).toBe(path.join(out, 'day.csv'));
    expect(json.files.map((f) => path.basename(f))).toContain('day.unmapped.csv');
    for (const f of json.files) expect(fs.readFileSync(f).subarray(0, 3).toString('hex')).toBe('efbbbf');
    const csv = fs.readFileSync(path.join(out, 'day.unmapped.csv'), 'utf8');
    expect(csv).toContain(`${naver.id},naver:cli-store,N2,,n2,2026-11-20 10:00:00,'@SUM(1),'=1+1,,1,code_not_registered,code @SUM(1) is not in the SKU sheet\r\n`);
  });

  test('a day whose counts do not add up: exit 1, the differences named, the file still written', async () => {
    const r = await runReport(['--date', '2026-11-21', '--out', path.join(t.home, 'bad.xlsx')], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Counts that do NOT add up');
    expect(r.stdout).toContain('rakuten:cli-shop: seen = mapped + unmapped + ignored: does not add up: 1 ≠ 0 + 0 + 0');
    expect(fs.existsSync(path.join(t.home, 'bad.xlsx'))).toBe(true);
  });

  test('without --date: yesterday (KST)', async () => {
    const r = await runReport(['--json'], env);
    expect(r.code).toBe(0);
    const yesterday = kstDate(new Date(Date.now() - 86_400_000));
    expect((r.json as { date: string; files: string[] }).files).toEqual([path.join(t.home, 'reports', (r.json as { date: string }).date, 'reconcile.xlsx')]);
    // The run may straddle midnight KST; the day is yesterday's or the one before.
    expect([yesterday, kstDate(new Date(Date.now() - 2 * 86_400_000))]).toContain((r.json as { date: string }).date);
  });

  test.each([
    [['--date', '2026-13-01'], '--date 2026-13-01 is not a calendar date'],
    [['--date', '20261120'], '--date must be a day written YYYY-MM-DD (KST), not "20261120"'],
    [['--date', '2999-01-01'], '--date 2999-01-01 is in the future'],
    [['--shop', 'naver:nope'], 'no shop naver:nope'],
    [['--out', 'report.txt'], '--out must name an .xlsx or .csv file, not report.txt'],
    [['--out', '/nonexistent-folder/r.xlsx'], '--out: the folder /nonexistent-folder does not exist'],
  ])('%j → exit 2 with a sentence, nothing written', async (args, sentence) => {
    const before = fs.existsSync(path.join(t.home, 'reports')) ? fs.readdirSync(path.join(t.home, 'reports')).length : 0;
    const r = await runReport(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`mallbridge: ${sentence}`);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(t.home, 'reports')) ? fs.readdirSync(path.join(t.home, 'reports')).length : 0).toBe(before);
  });

  test('the built CLI exists (npm test builds it first)', () => {
    expect(fs.existsSync(BIN)).toBe(true);
    expect(fs.existsSync(path.join(REPO, 'dist/cli/report.js'))).toBe(true);
  });
});
