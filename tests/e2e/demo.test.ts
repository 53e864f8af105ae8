import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { runCli } from '../helpers/cli.js';
import type { DemoSummary } from '../../pipelines/demo.js';

/**
 * `mallbridge demo` as a newcomer runs it: no server, no configuration, an empty home. The whole
 * cycle runs against both sandboxes at the marketplaces' real rate limits (this is the test that
 * runs each sandbox throttled end to end), and every mapped parcel ends with its tracking number
 * at the marketplace.
 */
describe('mallbridge demo', () => {
  let home: string;
  let first: DemoSummary | undefined;
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mallbridge-demo-'));
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  const env = () => ({ MALLBRIDGE_HOME: home, DATABASE_URL: undefined, MALLBRIDGE_SECRET_KEY: undefined, REDIS_URL: undefined });

  test('pull → confirm → instruct → invoices → tracking → stock → reconcile on a fresh home, exit 0, every mapped parcel sent', async () => {
    const r = await runCli(['demo', '--json'], env(), { timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const s = r.json as DemoSummary;
    first = s;

    const naver = s.shops.find((x) => x.mall === 'naver')!;
    const rakuten = s.shops.find((x) => x.mall === 'rakuten')!;
    // The seeded scenarios: Naver 4 parcels (3 orders wait for a mapping), Rakuten 8 (2 wait).
    expect([naver.fulfillmentOrders, naver.waitingOrders, rakuten.fulfillmentOrders, rakuten.waitingOrders]).toEqual([4, 3, 8, 2]);
    for (const shop of [naver, rakuten]) {
      // Every parcel instructed once, invoiced once, its tracking number accepted once.
      expect(shop.byStatus).toEqual({ tracking_sent: shop.fulfillmentOrders });
      expect([shop.instructed, shop.invoices, shop.trackingSent]).toEqual([shop.fulfillmentOrders, shop.fulfillmentOrders, shop.fulfillmentOrders]);
      expect(shop.stockPushed).toBeGreaterThan(0);
    }
    // Only orders waiting for the seller's confirmation are confirmed by a call (Naver NOT_YET, Rakuten 100).
    expect(naver.confirmed).toBeGreaterThan(0);
    expect(rakuten.confirmed).toBeGreaterThan(0);
    expect(s.runs.every((x) => x.status === 'succeeded')).toBe(true);
    expect(s.runs.filter((x) => x.job === 'orders:pull')).toHaveLength(4);

    // The unmapped list is a sheet the seller can fill in: one row per unmapped line.
    expect(s.unmapped).toHaveLength(5);
    expect(fs.existsSync(s.unmappedFile)).toBe(true);
    // One report per KST day of the orders; together they see every line taken in, and add up.
    expect(s.reports.length).toBeGreaterThan(0);
    expect(s.reports.every((x) => x.addsUp && fs.existsSync(x.file))).toBe(true);
    expect(s.reports.reduce((n, x) => n + x.linesSeen, 0)).toBe(naver.linesSeen + rakuten.linesSeen);
    // The report opens with exceljs: a Summary with non-zero counts that add up, then every list.
    const busiest = [...s.reports].sort((a, b) => b.linesSeen - a.linesSeen)[0]!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(busiest.file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'lines', 'unmapped', 'orders', 'confirmations', 'tracking', 'holds', 'stock', 'shops', 'check']);
    const summary: Array<{ measure: string; count: number }> = [];
    wb.getWorksheet('Summary')!.eachRow((row, i) => {
      if (i > 1) summary.push({ measure: String(row.getCell(5).value), count: Number(row.getCell(6).value ?? 0) });
    });
    const seen = summary.filter((r) => r.measure === 'seen at the marketplace').map((r) => r.count);
    expect(seen.some((n) => n > 0)).toBe(true);
    expect(summary.find((r) => r.measure === 'all counts add up')!.count).toBe(0);
    // Each list sheet has its header row and, for lines, one row per line of the day.
    expect(wb.getWorksheet('lines')!.rowCount).toBe(1 + busiest.linesSeen);
    for (const f of s.instructionFiles) expect(fs.existsSync(f)).toBe(true);
  }, 90_000);

  test('running it again starts over from a fresh demo home and gives the same result', async () => {
    expect(first).toBeDefined();
    const second = await runCli(['demo', '--json'], env(), { timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    const strip = (d: DemoSummary) => d.shops;
    expect(strip(second.json as DemoSummary)).toEqual(strip(first!));
  }, 90_000);
});
