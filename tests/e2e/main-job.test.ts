import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import ExcelJS from 'exceljs';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { dialects, freshDatabase, type TestDb } from '../helpers/databases.js';
import { REPO, runCli } from '../helpers/cli.js';

/**
 * The main job end to end, as a user runs it: the built CLI as a subprocess against both sandbox
 * malls on 127.0.0.1, on the embedded SQLite and on MariaDB. The expected fulfillment orders are
 * what the seeded scenario (connectors/*\/sandbox-orders.ts) and the sample sheets (samples/) call for.
 */

type Expected = { order: string; recipient?: string; lines: Array<[string, number]> };

// Naver scenario N1–N9 and Rakuten R1–R10 against samples/demo-skus.xlsx + demo-name-mappings.xlsx.
const EXPECTED_NAVER: Expected[] = [
  { order: 'N1', lines: [['TS-BLK-M', 2]] },
  { order: 'N2', lines: [['MUG-01', 1], ['TS-WHT-M', 1]] },
  { order: 'N3', lines: [['SOCK-GRY', 6]] },
  { order: 'N4', lines: [['GIFT-BOX', 1], ['MUG-01', 1], ['SOCK-GRY', 2]] },
];
const EXPECTED_RAKUTEN: Expected[] = [
  { order: 'R1', lines: [['TEA-GREEN', 3]] },
  { order: 'R2', lines: [['CAP-BLK-M', 1]] },
  { order: 'R3', lines: [['CAP-RED-M', 1]] },
  { order: 'R4', lines: [['TOWEL-01', 2], ['TOWEL-02', 1]] },
  { order: 'R5', lines: [['HANKY-PNK', 2]] },
  { order: 'R6', recipient: '佐藤 一郎', lines: [['TEA-GREEN', 1]] },
  { order: 'R6', recipient: '鈴木 花子', lines: [['HANKY-PNK', 1]] },
  { order: 'R9', lines: [['TEA-GREEN', 1]] },
];
const EXPECTED_UNMAPPED = [
  ['N5', 'code_not_registered'],
  ['N6', 'no_code'],
  ['N7', 'no_code'],
  ['R7', 'name_not_registered'],
  ['R8', 'name_not_registered'],
];

async function fulfillment(k: Knex, ids: Map<string, string>): Promise<Expected[]> {
  const rows = (await k('fulfillment_orders as f')
    .join('shops as s', 's.id', 'f.shop_id')
    .join('fulfillment_order_lines as l', 'l.fulfillment_order_id', 'f.id')
    .join('skus as k', 'k.id', 'l.sku_id')
    .select('s.mall', 'f.id', 'f.mall_order_id', 'f.recipient_name', 'f.status', 'k.sku_code', 'l.quantity')
    .orderBy(['f.id', 'k.sku_code'])) as Array<{ mall: string; id: number; mall_order_id: string; recipient_name: string; status: string; sku_code: string; quantity: number }>;
  const byFo = new Map<number, Expected & { mall: string; status: string }>();
  for (const r of rows) {
    const fo = byFo.get(r.id) ?? { mall: r.mall, status: r.status, order: ids.get(r.mall_order_id) ?? r.mall_order_id, recipient: r.recipient_name, lines: [] };
    fo.lines.push([r.sku_code, Number(r.quantity)]);
    byFo.set(r.id, fo);
  }
  return [...byFo.values()].map((f) => ({ mall: f.mall, status: f.status, order: f.order, recipient: f.recipient, lines: f.lines }) as Expected).sort((a, b) => `${a.order}${a.recipient}`.localeCompare(`${b.order}${b.recipient}`));
}

/**
 * The business state, table by table, as JSON. Run bookkeeping is left out: `job_runs` (one row
 * per run by design), `upload_batches`, the shops' last health check time, and the cursors (they
 * move forward with the clock; checked separately).
 */
async function snapshot(k: Knex): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['sellers', 'shops', 'skus', 'sku_codes', 'name_mappings', 'mall_order_lines', 'fulfillment_orders', 'fulfillment_order_lines', 'listings', 'export_items', 'shipments']) {
    const rows = (await k(table).orderBy('id')) as Array<Record<string, unknown>>;
    out[table] = JSON.stringify(rows.map((r) => ({ ...r, health_checked_at: undefined })));
  }
  return out;
}

async function cursors(k: Knex): Promise<number[]> {
  const rows = (await k('sync_cursors').orderBy('shop_id')) as Array<{ cursor: string }>;
  return rows.map((r) => Date.parse(r.cursor));
}

describe.each(dialects())('main job on %s: migrate, seller, shops, sheets, pull', (dialect) => {
  let t: TestDb;
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let env: Record<string, string | undefined>;
  let credsDir: string;

  beforeAll(async () => {
    t = await freshDatabase(dialect, { migrate: false });
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    env = { MALLBRIDGE_HOME: t.home, DATABASE_URL: t.databaseUrl, MALLBRIDGE_SECRET_KEY: t.databaseUrl ? crypto.randomBytes(32).toString('base64') : undefined };
    credsDir = fs.mkdtempSync(path.join(t.home, 'creds-'));
    fs.writeFileSync(path.join(credsDir, 'naver.json'), JSON.stringify(naver.credentials));
    fs.writeFileSync(path.join(credsDir, 'rakuten.json'), JSON.stringify(rakuten.credentials));
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    await t.drop();
  });

  test('orders from both malls pass through the sheets into exactly the expected fulfillment orders; a second pull changes nothing', async () => {
    const run = (args: string[]) => runCli(args, env);
    expect((await run(['db', 'migrate'])).code).toBe(0);
    expect((await run(['db', 'migrate', '--json'])).json).toMatchObject({ applied: [] });
    expect((await run(['sellers', 'add', 'demo', '--name', '데모'])).code).toBe(0);
    const n = await run(['shops', 'add', '--seller', 'demo', '--mall', 'naver', '--shop-id', 'demo-store', '--api-base-url', naver.baseUrl, '--credentials-file', path.join(credsDir, 'naver.json'), '--rate-limit', '50', '--auto-sync', '--auto-confirm', '--json']);
    expect(n.code).toBe(0);
    // On the embedded database without MALLBRIDGE_SECRET_KEY the first use makes a key file and says so.
    if (dialect === 'sqlite') expect(n.stderr).toContain('Created a new credentials key');
    else expect(n.stderr).toBe('');
    const r = await run(['shops', 'add', '--seller', 'demo', '--mall', 'rakuten', '--shop-id', 'demo-shop', '--shop-url', 'https://www.rakuten.ne.jp/demo-shop', '--api-base-url', rakuten.baseUrl, '--credentials-file', path.join(credsDir, 'rakuten.json'), '--rate-limit', '50', '--auto-sync', '--auto-confirm', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const skus = await run(['skus', 'import', path.join(REPO, 'samples/demo-skus.xlsx'), '--seller', 'demo', '--json']);
    expect(skus.code).toBe(0);
    expect(skus.json).toMatchObject({ changes: { skus: { inserted: 13 }, seller_codes: { inserted: 13 } }, unknownColumns: ['비고'] });
    const names = await run(['mappings', 'import', path.join(REPO, 'samples/demo-name-mappings.xlsx'), '--seller', 'demo', '--json']);
    expect(names.code).toBe(0);
    expect(names.json).toMatchObject({ changes: { name_mappings: { inserted: 2 } } });

    const pull = await run(['run', 'orders:pull', '--json']);
    expect(pull.stderr).toBe('');
    expect(pull.code).toBe(0);
    const results = (pull.json as { results: Array<{ status: string; counts: Record<string, number> }> }).results;
    expect(results.map((x) => x.status)).toEqual(['succeeded', 'succeeded']);
    expect(results.map((x) => x.counts.fulfillmentOrdersCreated)).toEqual([4, 8]);

    const ids = new Map<string, string>();
    for (const [key, ref] of Object.entries(naver.scenario)) ids.set(ref.orderId, key);
    for (const [key, num] of Object.entries(rakuten.scenario)) ids.set(num, key);
    const k = t.db.knex;
    const fos = await fulfillment(k, ids);
    const strip = (e: Expected[]) => e.map((x) => ({ order: x.order, lines: x.lines, ...(x.recipient ? { recipient: x.recipient } : {}) }));
    const actual = fos.map((f) => ({ order: f.order, lines: f.lines, ...(f.order === 'R6' ? { recipient: f.recipient } : {}) }));
    expect(actual).toEqual(strip([...EXPECTED_NAVER, ...EXPECTED_RAKUTEN]).sort((a, b) => `${a.order}${a.recipient ?? ''}`.localeCompare(`${b.order}${b.recipient ?? ''}`)));
    expect(new Set(fos.map((f) => (f as unknown as { status: string }).status))).toEqual(new Set(['new']));

    const unmapped = (await k('mall_order_lines').where('mapping_status', 'unmapped').select('mall_order_id', 'mapping_rule', 'unmapped_reason')) as Array<{ mall_order_id: string; mapping_rule: string; unmapped_reason: string }>;
    expect(unmapped.map((u) => [ids.get(u.mall_order_id), u.mapping_rule]).sort()).toEqual(EXPECTED_UNMAPPED);
    expect(unmapped.find((u) => ids.get(u.mall_order_id) === 'N5')!.unmapped_reason).toContain('code TS-RED-S');
    // N8 (cancelled), N9 (cancel requested) and R10 (900, not searched) are not shipped.
    const ignored = (await k('mall_order_lines').where('mapping_status', 'ignored').select('mall_order_id')) as Array<{ mall_order_id: string }>;
    expect(ignored.map((x) => ids.get(x.mall_order_id)).sort()).toEqual(['N8', 'N9']);

    const list = await run(['orders', 'unmapped', '--seller', 'demo', '--json']);
    const listed = list.json as Array<{ mallOrderId: string; suggestions: string[] }>;
    expect(listed.length).toBe(5);
    // R7's option text differs from the registered one only in full-width digits: offered, not applied.
    expect(listed.find((l) => ids.get(l.mallOrderId) === 'R7')!.suggestions).toEqual(['【送料無料】ふわふわ タオルハンカチ 綿100% / カラー:ピンク⏎サイズ:25cm', expect.stringContaining('ブルー')]);

    const before = await snapshot(k);
    const cursorsBefore = await cursors(k);
    const again = await run(['run', 'orders:pull', '--json']);
    expect(again.code).toBe(0);
    expect((again.json as { results: Array<{ counts: Record<string, number> }> }).results.map((x) => [x.counts.inserted, x.counts.updated, x.counts.fulfillmentOrdersCreated])).toEqual([[0, 0, 0], [0, 0, 0]]);
    const after = await snapshot(k);
    for (const table of Object.keys(before)) expect([table, after[table]]).toEqual([table, before[table]]);
    const cursorsAfter = await cursors(k);
    expect(cursorsAfter).toHaveLength(2);
    cursorsAfter.forEach((c, i) => expect(c).toBeGreaterThanOrEqual(cursorsBefore[i]!));

    // The unmapped list, written as a sheet, becomes a name + option sheet once SKU코드 is filled in.
    const out = path.join(t.home, 'unmapped.xlsx');
    const exported = await run(['orders', 'unmapped', '--seller', 'demo', '--out', out]);
    expect(exported.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const nameSheet = wb.worksheets[0]!;
    expect(nameSheet.rowCount).toBe(3);
    const r7row = [2, 3].find((r) => ids.get(String(nameSheet.getRow(r).getCell(5).value)) === 'R7')!;
    nameSheet.getRow(r7row).getCell(4).value = 'HANKY-PNK';
    nameSheet.spliceRows(r7row === 2 ? 3 : 2, 1);
    wb.removeWorksheet(wb.worksheets[1]!.id);
    const filled = path.join(t.home, 'filled.xlsx');
    await wb.xlsx.writeFile(filled);
    const released = await run(['mappings', 'import', filled, '--seller', 'demo', '--json']);
    expect(released.code).toBe(0);
    expect(released.json).toMatchObject({ changes: { name_mappings: { inserted: 1 } }, releasedOrders: 1, waitingOrders: 4 });
    expect((await fulfillment(k, ids)).filter((f) => f.order === 'R7').map((f) => f.lines)).toEqual([[['HANKY-PNK', 1]]]);

    // No credential's bytes in the database or the logs.
    const secrets = [naver.credentials.applicationSecret, naver.credentials.applicationId, rakuten.credentials.serviceSecret, rakuten.credentials.licenseKey];
    const logs = fs.readFileSync(path.join(t.home, 'logs', 'mallbridge.log'), 'utf8');
    const dbText = dialect === 'sqlite' ? fs.readFileSync(path.join(t.home, 'mallbridge.sqlite')).toString('latin1') + (fs.existsSync(path.join(t.home, 'mallbridge.sqlite-wal')) ? fs.readFileSync(path.join(t.home, 'mallbridge.sqlite-wal')).toString('latin1') : '') : JSON.stringify(await k('shops'));
    for (const s of secrets) {
      expect(logs.includes(s)).toBe(false);
      expect(dbText.includes(s)).toBe(false);
    }
  });
});
