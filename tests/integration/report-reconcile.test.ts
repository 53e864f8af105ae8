import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { simpleLine } from '../../connectors/naver/sandbox-orders.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { recordIntents, settleItem } from '../../data/stores/export-items.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import { recordShopHealth, updateShop, type Shop } from '../../data/stores/shops.js';
import { kstDate, kstDayStart } from '../../lib/time.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { confirmOrders } from '../../pipelines/exports/confirm.js';
import { instructOrders } from '../../pipelines/exports/instruct.js';
import { issueInvoices } from '../../pipelines/exports/invoices.js';
import { pushTracking } from '../../pipelines/exports/tracking.js';
import { pullOrders } from '../../pipelines/orders/pull.js';
import { resumeOrder } from '../../pipelines/orders/resume.js';
import type { ReconcileResult } from '../../pipelines/reports/model.js';
import { reconcileReport, writeNightlyReconcile } from '../../pipelines/reports/reconcile.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { REPO } from '../helpers/cli.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture, sandboxShop } from '../helpers/pipeline.js';

/**
 * The reconciliation report over a whole cycle run against both sandbox malls (design.md §5,
 * §10): mapped, unmapped (every reason) and ignored lines, parcels in every state, a confirmation
 * refused for good and one waiting for a retry, tracking numbers refused (a carrier code Naver does
 * not know), a parcel held after instruction and one cancelled after it, a failed stock push, an
 * expiring licence key and an unhealthy shop. The report of every day the orders fall on must add
 * up, and the days together must account for every row of the database.
 */

const LISTS = ['lines', 'unmapped', 'orders', 'confirmations', 'tracking', 'holds', 'stock', 'shops', 'check'];
const EVIL_NAME = '=HYPERLINK("http://evil.example","click")';
const EVIL_CODE = '+SC-EVIL';
const address = { name: '최수진', tel: '010-1111-2222', zipCode: '04524', baseAddress: '서울특별시 중구 세종대로 110', detailedAddress: '3층' };

describe.each(dialects())('reconciliation report on %s', (dialect) => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let t: TestDb;
  let deps: PipelineDeps;
  let n: Shop;
  let r: Shop;
  let days: string[];
  const refs: Record<string, { orderId: string; productOrderIds: string[] }> = {};
  const k = () => t.db.knex;
  const count = async (table: string, where: (q: ReturnType<TestDb['db']['knex']>) => unknown = () => undefined) => {
    const q = k()(table);
    where(q as never);
    return Number(((await q.count({ c: '*' }).first()) as { c: number }).c);
  };

  beforeAll(async () => {
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    ({ t, deps } = await pipelineFixture(dialect));
    n = await sandboxShop(deps, { seller: 'rp', mall: 'naver', shopId: 'rpn', baseUrl: naver.baseUrl, credentials: naver.credentials });
    r = await sandboxShop(deps, { seller: 'rp', mall: 'rakuten', shopId: 'rpr', baseUrl: rakuten.baseUrl, credentials: rakuten.credentials });
    n = await updateShop(k(), n.id, { autoInstruct: true });
    r = await updateShop(k(), r.id, { autoInstruct: true });
    const seller = (await findSellerByCode(k(), 'rp'))!;
    await importSkuSheet(deps, seller, path.join(REPO, 'samples/demo-skus.xlsx'), { dryRun: false });
    await importNameSheet(deps, seller, path.join(REPO, 'samples/demo-name-mappings.xlsx'), { dryRun: false });
    const add = (key: string, line: ReturnType<typeof simpleLine>) => {
      refs[key] = naver.addProductOrders([{ orderedAt: new Date(Date.now() - 90_000), buyer: { name: address.name, tel: address.tel }, recipient: address, lines: [line] }])[0]!;
    };
    add('F', simpleLine('plate', 1, { productName: EVIL_NAME, sellerProductCode: EVIL_CODE })); // unmapped, formula-like texts
    add('D', simpleLine('mug', 1)); // its confirmation is refused: cancelled at Naver meanwhile
    add('H1', simpleLine('mug', 1)); // a claim after instruction: on hold
    add('H2', simpleLine('socks', 1)); // cancelled after instruction
    await pullOrders(deps, n);
    await pullOrders(deps, r);

    naver.changeProductOrder(refs.D!.productOrderIds[0]!, { at: new Date(Date.now() - 60_000), lastChangedType: 'CLAIM_COMPLETED', productOrderStatus: 'CANCELED', claim: { type: 'CANCEL', status: 'CANCEL_DONE' } });
    await confirmOrders(deps, n);
    await confirmOrders(deps, r);
    await instructOrders(deps, n);
    await instructOrders(deps, r);

    naver.changeProductOrder(refs.H1!.productOrderIds[0]!, { at: new Date(Date.now() - 50_000), lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'EXCHANGE', status: 'EXCHANGE_REQUEST' } });
    naver.changeProductOrder(refs.H2!.productOrderIds[0]!, { at: new Date(Date.now() - 50_000), lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'CANCEL', status: 'CANCEL_REQUEST' } });
    await pullOrders(deps, n);
    await resumeOrder(deps, refs.H2!.orderId);

    n = await updateShop(k(), n.id, { carrierCode: 'NOPE' }); // Naver refuses the carrier: tracking fails for good
    await issueInvoices(deps, n);
    await issueInvoices(deps, r);
    await pushTracking(deps, n);
    await pushTracking(deps, r);

    add('C', simpleLine('mug', 2)); // its confirmation waits for a retry
    await pullOrders(deps, n);
    naver.addFault({ kind: '429', routes: ['confirm'], times: Infinity });
    await confirmOrders(deps, n);
    naver.clearFaults();

    await recordIntents(k(), 'stock', n.id, [{ targetKey: '9812345690/', payload: { listingProductId: '9812345690', listingOptionId: '', quantity: 7 } }]);
    const stock = (await k()('export_items').where({ kind: 'stock', shop_id: n.id }).first('id')) as { id: number };
    await settleItem(k(), Number(stock.id), 'failed', 'Naver 104133: the product cannot be changed', new Date());
    const today = kstDate(new Date());
    r = await updateShop(k(), r.id, { credentialsExpireAt: new Date(kstDayStart(today).getTime() + 5 * 86_400_000) });
    await recordShopHealth(k(), n.id, false, 'GW.AUTHN: the application secret was refused', true);

    const times = (await k()('mall_order_lines').select('ordered_at')) as Array<{ ordered_at: string }>;
    days = [...new Set(times.map((x) => kstDate(new Date(`${x.ordered_at.replace(' ', 'T')}Z`))))].sort();
  }, 120_000);
  afterAll(async () => {
    await naver?.close();
    await rakuten?.close();
    await t?.drop();
  });

  test('the scenario reached every state the report counts', async () => {
    const status = async (ref: string) => ((await k()('fulfillment_orders').where({ mall_order_id: refs[ref]!.orderId }).first('status')) as { status: string }).status;
    expect(await status('H1')).toBe('on_hold');
    expect(await status('H2')).toBe('cancelled');
    expect(await count('export_items', (q) => q.where({ kind: 'confirm', status: 'failed', target_key: refs.D!.orderId }))).toBe(1);
    expect(await count('export_items', (q) => q.where({ kind: 'confirm', status: 'pending', target_key: refs.C!.orderId }))).toBe(1);
    expect(await count('export_items', (q) => q.where({ kind: 'tracking', status: 'failed', shop_id: n.id }))).toBeGreaterThan(0);
    expect(await count('mall_order_lines', (q) => q.where({ mapping_status: 'ignored' }))).toBeGreaterThan(0);
    expect(days.length).toBeGreaterThanOrEqual(1);
  });

  test('every day adds up, and the days together account for every line, parcel and open export', async () => {
    const reports: ReconcileResult[] = [];
    for (const date of days) reports.push(await reconcileReport(deps, { date, out: path.join(t.home, `r-${date}.csv`) }));
    for (const rep of reports) {
      expect(rep.addsUp).toBe(true);
      expect(rep.listChecks).toEqual([]);
      for (const s of [...rep.shops, rep.totals]) for (const c of s.checks) expect(c).toMatchObject({ addsUp: true, difference: 0 });
      for (const s of rep.shops) expect(s.lines.seen).toBe(s.lines.mapped + s.lines.unmapped + s.lines.ignored);
    }
    const sum = (f: (s: ReconcileResult['shops'][number]) => number, shopId: number) => reports.reduce((a, rep) => a + f(rep.shops.find((s) => s.shopId === shopId)!), 0);
    for (const shop of [n, r]) {
      expect(sum((s) => s.lines.seen, shop.id)).toBe(await count('mall_order_lines', (q) => q.where({ shop_id: shop.id })));
      expect(sum((s) => s.lines.mapped, shop.id)).toBe(await count('mall_order_lines', (q) => q.where({ shop_id: shop.id, mapping_status: 'mapped' })));
      expect(sum((s) => s.lines.unmapped, shop.id)).toBe(await count('mall_order_lines', (q) => q.where({ shop_id: shop.id, mapping_status: 'unmapped' })));
      expect(sum((s) => s.orders.total, shop.id)).toBe(await count('fulfillment_orders', (q) => q.where({ shop_id: shop.id })));
      for (const kind of ['confirm', 'tracking'] as const) {
        const key = kind === 'confirm' ? 'confirmations' : 'tracking';
        expect(sum((s) => s[key].pending, shop.id)).toBe(await count('export_items', (q) => q.where({ shop_id: shop.id, kind }).whereIn('status', ['pending', 'in_flight'])));
        expect(sum((s) => s[key].failed, shop.id)).toBe(await count('export_items', (q) => q.where({ shop_id: shop.id, kind, status: 'failed' })));
      }
    }
    const naverOf = (rep: ReconcileResult) => rep.shops.find((s) => s.shopId === n.id)!;
    const all = { unmapped: { no_code: 0, code_not_registered: 0, name_not_registered: 0 } as Record<string, number> };
    for (const rep of reports) for (const [kk, v] of Object.entries(rep.totals.lines.unmappedByReason)) all.unmapped[kk] = (all.unmapped[kk] ?? 0) + v;
    // N6, N7: no code; N5 and the formula line: codes not registered; R7, R8: names not registered.
    expect(all.unmapped).toEqual({ no_code: 2, code_not_registered: 2, name_not_registered: 2, other: 0 });
    const last = reports[reports.length - 1]!;
    expect(naverOf(last).holds.onHold).toBe(1); // any day: in every report
    expect(reports.every((rep) => naverOf(rep).holds.onHold === 1)).toBe(true);
    expect(reports.reduce((a, rep) => a + naverOf(rep).holds.cancelledAfterInstruction, 0)).toBe(1);
    expect(reports.reduce((a, rep) => a + naverOf(rep).tracking.failed, 0)).toBe(await count('fulfillment_orders', (q) => q.where({ shop_id: n.id, status: 'shipped' })));
    expect(naverOf(last).stockFailed).toBe(1);
    expect(naverOf(last).health).toMatchObject({ status: 'unhealthy', alert: true });
    expect(last.shops.find((s) => s.shopId === r.id)!.licence).toMatchObject({ daysLeft: 5, alert: true });
    // The lists have as many rows as their counts say.
    expect(last.listRows.lines).toBe(last.totals.lines.seen);
    expect(last.listRows.shops).toBe(2);
    expect(last.listRows.check).toBe(0);
  });

  test('the nightly report: reports/<date>/reconcile.xlsx with the Summary and every list, the same rows as CSV with a BOM, formula-like texts escaped', async () => {
    const date = kstDate(new Date(`${(((await k()('mall_order_lines').where({ mall_order_id: refs.F!.orderId }).first('ordered_at')) as { ordered_at: string }).ordered_at).replace(' ', 'T')}Z`));
    const rep = await writeNightlyReconcile(deps, { date });
    const dir = path.join(t.home, 'reports', date);
    expect(rep.files).toEqual([path.join(dir, 'reconcile.xlsx'), path.join(dir, 'reconcile.csv'), ...LISTS.map((l) => path.join(dir, `reconcile.${l}.csv`))]);
    expect(fs.readdirSync(dir).sort()).toEqual(rep.files.map((f) => path.basename(f)).sort()); // no temporary files left

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(rep.files[0]!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', ...LISTS]);
    for (const l of LISTS) {
      const ws = wb.getWorksheet(l)!;
      expect(ws.rowCount - 1).toBe(rep.listRows[l]);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    }
    const summary = wb.getWorksheet('Summary')!;
    const verdict = summary.getRow(5).values as unknown[];
    expect(verdict.slice(4, 7)).toEqual(['report', 'all counts add up', 0]);
    expect(String(verdict[8])).toMatch(/^yes/);
    const seenRow = summary.getRows(2, summary.rowCount - 1)!.find((row) => row.getCell(2).value === 'naver:rpn' && row.getCell(5).value === 'seen at the marketplace')!;
    expect(seenRow.getCell(6).value).toBe(rep.shops.find((s) => s.shopId === n.id)!.lines.seen);

    const unmapped = wb.getWorksheet('unmapped')!;
    const evil = unmapped.getRows(2, unmapped.rowCount - 1)!.find((row) => row.getCell(3).value === refs.F!.orderId)!;
    expect(evil.getCell(7).value).toBe(`'${EVIL_CODE}`);
    expect(evil.getCell(8).value).toBe(`'${EVIL_NAME}`);
    expect(evil.getCell(11).value).toBe('code_not_registered');
    expect(evil.getCell(8).type).toBe(ExcelJS.ValueType.String);

    for (const f of rep.files.slice(1)) expect([...fs.readFileSync(f).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = fs.readFileSync(path.join(dir, 'reconcile.unmapped.csv'), 'utf8');
    expect(csv).toContain(`,'${EVIL_CODE},"'=HYPERLINK(""http://evil.example"",""click"")",`);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(1 + rep.listRows.unmapped!);
    const lines = fs.readFileSync(path.join(dir, 'reconcile.lines.csv'), 'utf8');
    expect(lines).not.toMatch(/(^|,)(=|\+SC)/m);

    const holds = wb.getWorksheet('holds')!;
    const kinds = holds.getRows(2, holds.rowCount - 1)?.map((row) => [row.getCell(4).value, row.getCell(7).value]) ?? [];
    expect(kinds).toContainEqual([refs.H1!.orderId, 'on hold']);
    expect(kinds).toContainEqual([refs.H2!.orderId, 'cancelled after instruction']); // ordered with the formula line, so on its day
    const confirmations = wb.getWorksheet('confirmations')!;
    const failed = confirmations.getRows(2, confirmations.rowCount - 1)?.find((row) => row.getCell(4).value === refs.D!.orderId);
    expect(failed?.getCell(6).value).toBe('failed');

    // Running it again replaces the files whole.
    const again = await writeNightlyReconcile(deps, { date });
    expect(again.files).toEqual(rep.files);
    expect(fs.readdirSync(dir).sort()).toEqual(rep.files.map((f) => path.basename(f)).sort());
  });

  test('a day without orders is a valid report: zeros that add up; what is current is still said', async () => {
    const rep = await reconcileReport(deps, { date: '2020-01-01' });
    expect(rep.files).toEqual([path.join(t.home, 'reports', '2020-01-01', 'reconcile.xlsx')]);
    expect(rep.addsUp).toBe(true);
    expect(rep.totals.lines).toMatchObject({ seen: 0, mapped: 0, unmapped: 0, ignored: 0 });
    expect(rep.totals.orders.total).toBe(0);
    expect(rep.totals.confirmations).toEqual({ pending: 0, failed: 0 });
    expect(rep.totals.holds).toEqual({ onHold: 1, cancelledAfterInstruction: 0 });
    expect(rep.totals.stockFailed).toBe(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(rep.files[0]!);
    expect(wb.getWorksheet('lines')!.rowCount).toBe(1);
    expect(wb.getWorksheet('holds')!.rowCount).toBe(2);
  });

  test('--shop: one shop only, to its own default file; bad input is refused before anything is written', async () => {
    const rep = await reconcileReport(deps, { date: days[days.length - 1]!, shop: 'rakuten:rpr' });
    expect(rep.shops.map((s) => s.shopId)).toEqual([r.id]);
    expect(rep.files).toEqual([path.join(t.home, 'reports', days[days.length - 1]!, `reconcile-shop-${r.id}.xlsx`)]);
    expect(rep.listRows.holds).toBe(0);
    await expect(reconcileReport(deps, { shop: 'naver:nope' })).rejects.toThrow(/no shop naver:nope/);
    await expect(reconcileReport(deps, { date: '2099-01-01' })).rejects.toThrow(/in the future/);
    await expect(reconcileReport(deps, { out: path.join(t.home, 'missing', 'r.xlsx') })).rejects.toThrow(/does not exist/);
    await expect(reconcileReport(deps, { out: path.join(t.home, 'r.txt') })).rejects.toThrow(/\.xlsx or \.csv/);
    expect(fs.existsSync(path.join(t.home, 'missing'))).toBe(false);
  });
});
