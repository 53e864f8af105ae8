import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { CsvSink, csvListPath } from '../../pipelines/reports/csv-sink.js';
import type { Cell, ListDef, ReportSink } from '../../pipelines/reports/model.js';
import { XlsxSink } from '../../pipelines/reports/xlsx-sink.js';

/** The report writers (design.md §10): CSV UTF-8 with BOM, xlsx through exceljs's streaming writer. */

const LIST: ListDef = {
  name: 'lines',
  columns: [
    { header: 'shop_id', width: 9, type: 'number' },
    { header: 'product_name', width: 40, type: 'text' },
    { header: 'ordered_at (KST)', width: 20, type: 'time' },
    { header: 'quantity', width: 9, type: 'number' },
  ],
};
const SUMMARY: ListDef = { name: 'Summary', columns: [{ header: 'measure', width: 30, type: 'text' }, { header: 'count', width: 10, type: 'number' }] };
const FORMULAS = ['=SUM(A1:A9)', '+82-10-1234', '-1+2', '@cmd', '\tTAB', '\rCR'];
// 2026-11-20 15:30:05 UTC is 2026-11-21 00:30:05 KST: the day changes with the offset.
const AT = new Date('2026-11-20T15:30:05.250Z');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-report-writers-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function write(sink: ReportSink, lists: Array<[ListDef, Cell[][]]>): Promise<string[]> {
  for (const [def, rows] of lists) {
    await sink.begin(def);
    await sink.rows(rows);
    await sink.end();
  }
  return sink.finish();
}

const rows: Cell[][] = [
  ...FORMULAS.map((f, i): Cell[] => [i + 1, f, AT, -3]),
  [7, 'comma, "quoted"\nand a line break', null, 0],
  [8, '평범한 상품 / 普通の商品', AT, 2],
];

describe('CSV', () => {
  test('F.csv holds the Summary and F.<list>.csv each list, UTF-8 with BOM, CRLF, formula-like text escaped, KST times', async () => {
    const file = path.join(dir, 'report.csv');
    const files = await write(new CsvSink(file), [[SUMMARY, [['=cmd', 1]]], [LIST, rows]]);
    expect(files).toEqual([file, path.join(dir, 'report.lines.csv')]);
    const summary = fs.readFileSync(file);
    expect([...summary.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(summary.toString('utf8')).toBe("\uFEFFmeasure,count\r\n'=cmd,1\r\n");
    const text = fs.readFileSync(files[1]!, 'utf8');
    expect(text.startsWith('\uFEFFshop_id,product_name,ordered_at (KST),quantity\r\n')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[1]).toBe("1,'=SUM(A1:A9),2026-11-21 00:30:05,-3");
    expect(lines[2]).toBe("2,'+82-10-1234,2026-11-21 00:30:05,-3");
    expect(lines[3]).toBe("3,'-1+2,2026-11-21 00:30:05,-3");
    expect(lines[4]).toBe("4,'@cmd,2026-11-21 00:30:05,-3");
    expect(lines[5]).toBe("5,'\tTAB,2026-11-21 00:30:05,-3");
    expect(lines[6]).toBe(`6,"'\rCR",2026-11-21 00:30:05,-3`);
    expect(text).toContain('7,"comma, ""quoted""\nand a line break",,0\r\n');
    expect(text).toContain('8,평범한 상품 / 普通の商品,2026-11-21 00:30:05,2\r\n');
    // No text cell of the file starts with a character a spreadsheet evaluates.
    for (const f of FORMULAS) expect(text).not.toMatch(new RegExp(`(^|,|")${f.replace(/[+\\^$.*?()[\]{}|]/g, '\\$&')}`, 'm'));
  });

  test('nothing appears at the final paths until finish; abort leaves nothing behind', async () => {
    const file = path.join(dir, 'r.csv');
    const sink = new CsvSink(file);
    await sink.begin(SUMMARY);
    await sink.rows([['a', 1]]);
    await sink.end();
    await sink.begin(LIST);
    await sink.rows(rows);
    expect(fs.existsSync(file)).toBe(false);
    await sink.abort();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('list file names', () => {
    expect(csvListPath('/x/reconcile.csv', 'Summary')).toBe('/x/reconcile.csv');
    expect(csvListPath('/x/reconcile.CSV', 'unmapped')).toBe('/x/reconcile.unmapped.csv');
    expect(() => csvListPath('/x/reconcile.xlsx', 'lines')).toThrow(/csv/);
  });
});

describe('xlsx', () => {
  async function read(file: string): Promise<ExcelJS.Workbook> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    return wb;
  }

  test('a sheet per list in order, bold frozen header, auto filter over the rows, widths, escaped text, KST date cells', async () => {
    const file = path.join(dir, 'report.xlsx');
    expect(await write(new XlsxSink(file), [[SUMMARY, [['=cmd', 1]]], [LIST, rows]])).toEqual([file]);
    const wb = await read(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'lines']);
    const ws = wb.getWorksheet('lines')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:D9');
    expect(ws.getColumn(2).width).toBe(40);
    expect(ws.getRow(1).values).toEqual([undefined, 'shop_id', 'product_name', 'ordered_at (KST)', 'quantity']);
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.rowCount).toBe(1 + rows.length);
    FORMULAS.forEach((f, i) => {
      const cell = ws.getRow(2 + i).getCell(2);
      // XML turns a CR into a line feed when the file is read; the apostrophe stays first.
      expect(cell.value).toBe(`'${f.replace('\r', '\n')}`);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
    });
    const time = ws.getRow(2).getCell(3);
    // The date cell shows the KST wall clock.
    expect((time.value as Date).toISOString()).toBe('2026-11-21T00:30:05.250Z');
    expect(time.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(ws.getRow(2).getCell(4).value).toBe(-3);
    expect(ws.getRow(8).getCell(2).value).toBe('comma, "quoted"\nand a line break');
    expect(ws.getRow(8).getCell(3).value).toBeNull();
    expect(ws.getRow(9).getCell(2).value).toBe('평범한 상품 / 普通の商品');
    expect(wb.getWorksheet('Summary')!.getRow(2).getCell(1).value).toBe("'=cmd");
  });

  test('a list longer than a sheet goes on in "<list> (2)", each sheet with its header and filter', async () => {
    const file = path.join(dir, 'long.xlsx');
    const many: Cell[][] = Array.from({ length: 7 }, (_, i) => [i, `p${i}`, AT, i]);
    await write(new XlsxSink(file, 3), [[LIST, many]]);
    const wb = await read(file);
    expect(wb.worksheets.map((w) => [w.name, w.rowCount, w.autoFilter])).toEqual([
      ['lines', 4, 'A1:D4'],
      ['lines (2)', 4, 'A1:D4'],
      ['lines (3)', 2, 'A1:D2'],
    ]);
    expect(wb.getWorksheet('lines (3)')!.getRow(2).getCell(2).value).toBe('p6');
  });

  test('an empty list is a sheet with its header only; abort leaves nothing behind', async () => {
    const file = path.join(dir, 'empty.xlsx');
    await write(new XlsxSink(file), [[LIST, []]]);
    const ws = (await read(file)).getWorksheet('lines')!;
    expect(ws.rowCount).toBe(1);
    const other = new XlsxSink(path.join(dir, 'aborted.xlsx'));
    await other.begin(LIST);
    await other.rows(rows);
    await other.abort();
    expect(fs.readdirSync(dir)).toEqual(['empty.xlsx']);
  });
});
