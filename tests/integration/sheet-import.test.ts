import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { findSellerByCode, type Seller } from '../../data/stores/sellers.js';
import { SheetError, type SheetIssue } from '../../lib/errors.js';
import { escapeCell } from '../../lib/spreadsheet-escape.js';
import { writeErrorFile } from '../../mappings/error-file.js';
import { readSheet } from '../../mappings/sheet-reader.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importShipmentSheet } from '../../pipelines/sheets/import-shipments.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { importStockSheet } from '../../pipelines/sheets/import-stock.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture } from '../helpers/pipeline.js';
import { insertSeller } from '../../data/stores/sellers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-sheets-'));
function csv(name: string, lines: string[]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `\uFEFF${lines.join('\r\n')}\r\n`);
  return p;
}

async function issuesOf(work: Promise<unknown>): Promise<Array<[number, string, string]>> {
  try {
    await work;
  } catch (err) {
    if (err instanceof SheetError) return err.issues.map((i) => [i.row, i.column, i.reason]);
    throw err;
  }
  throw new Error('the sheet was accepted');
}

describe.each(dialects())('sheet imports on %s (design.md §4a)', (dialect) => {
  let t: TestDb;
  let deps: PipelineDeps;
  let seller: Seller;
  const counts = async () => {
    const k = t.db.knex;
    return [await k('skus').count({ n: '*' }).first(), await k('sku_codes').count({ n: '*' }).first(), await k('name_mappings').count({ n: '*' }).first()].map((r) => Number((r as { n: number }).n));
  };

  beforeAll(async () => {
    ({ t, deps } = await pipelineFixture(dialect));
    await insertSeller(t.db.knex, 'acme', null);
    seller = (await findSellerByCode(t.db.knex, 'acme'))!;
  });
  afterAll(async () => t.drop());

  test('Korean or English headers in any order; unknown columns ignored and named; codes kept as written', async () => {
    const file = csv('ok.csv', ['비고,수량,판매자 정의 코드,상품명,SKU코드', 'note,,0012,양말,SOCK-1', 'x,2,SET-1,양말,SOCK-1', 'y,1,SET-1,컵,CUP-1']);
    const s = await importSkuSheet(deps, seller, file, { dryRun: false });
    expect(s).toMatchObject({ rows: 3, unknownColumns: ['비고'], changes: { skus: { inserted: 2 }, seller_codes: { inserted: 3 } } });
    const codes = (await t.db.knex('sku_codes').orderBy('id')) as Array<{ seller_code: string; quantity: number }>;
    expect(codes.map((c) => [c.seller_code, c.quantity])).toEqual([['0012', 1], ['SET-1', 2], ['SET-1', 1]]);
    const english = csv('en.csv', ['sku_code,sku_name,option_name,barcode', 'SOCK-1,양말,그레이,8801']);
    expect(await importSkuSheet(deps, seller, english, { dryRun: false })).toMatchObject({ changes: { skus: { updated: 1, inserted: 0 } } });
  });

  test('every row error is reported with its Excel row and the header as written, and nothing is applied', async () => {
    const before = await counts();
    const file = csv('bad.csv', [
      'SKU 코드,상품명,수량,판매자정의코드',
      'BAD CODE!,이름,1,',
      ',이름 없음 코드,1,',
      `LONG-1,${'가'.repeat(201)},1,`,
      'Q-1,수량,zero,',
      '',
      'DUP-1,이름 하나,1,C-1',
      'DUP-1,이름 둘,2,C-1',
      'Q-2,수량,0,',
    ]);
    expect(await issuesOf(importSkuSheet(deps, seller, file, { dryRun: false }))).toEqual([
      [2, 'SKU 코드', 'invalid_format'],
      [3, 'SKU 코드', 'required'],
      [4, '상품명', 'too_long'],
      [5, '수량', 'invalid_quantity'],
      [8, '상품명', 'conflict'],
      [8, '수량', 'duplicate'],
      [9, '수량', 'invalid_quantity'],
    ]);
    expect(await counts()).toEqual(before);
    const rejected = (await t.db.knex('upload_batches').orderBy('id', 'desc').first()) as { status: string; error_count: number };
    expect(rejected).toMatchObject({ status: 'rejected', error_count: 7 });
  });

  test('header problems stop before rows: no known header, a required column missing, a column named twice', async () => {
    expect(await issuesOf(importSkuSheet(deps, seller, csv('h1.csv', ['a,b,c', '1,2,3']), { dryRun: false }))).toEqual([[1, '', 'no_header']]);
    expect(await issuesOf(importSkuSheet(deps, seller, csv('h2.csv', ['SKU코드,바코드', 'A,1']), { dryRun: false }))).toEqual([[1, 'sku_name', 'missing_column']]);
    expect(await issuesOf(importSkuSheet(deps, seller, csv('h3.csv', ['SKU코드,sku_code,상품명', 'A,A,x']), { dryRun: false }))).toEqual([[1, 'SKU코드, sku_code', 'duplicate_column']]);
    expect(await issuesOf(importSkuSheet(deps, seller, csv('h4.csv', ['SKU코드,상품명']), { dryRun: false }))).toEqual([[2, '', 'no_data']]);
    expect(await issuesOf(importSkuSheet(deps, seller, csv('h5.csv', ['', 'SKU코드,상품명', 'A,x']), { dryRun: false }))).toEqual([[1, '', 'no_header']]);
  });

  test('a seller code already mapped to other SKUs is a seller_code_conflict; the same components again are unchanged', async () => {
    const file = csv('conflict.csv', ['SKU코드,상품명,판매자 정의 코드', 'CUP-1,컵,0012']);
    expect(await issuesOf(importSkuSheet(deps, seller, file, { dryRun: false }))).toEqual([[2, '판매자 정의 코드', 'seller_code_conflict']]);
    const same = csv('same.csv', ['SKU코드,상품명,판매자 정의 코드,수량', 'SOCK-1,양말,SET-1,2', 'CUP-1,컵,SET-1,1']);
    expect(await importSkuSheet(deps, seller, same, { dryRun: false })).toMatchObject({ changes: { seller_codes: { inserted: 0, updated: 0, unchanged: 2 } } });
  });

  test('an xlsx date in a text column and a formula error are invalid_format with a sentence; never guessed back', async () => {
    const file = path.join(dir, 'excel.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('s');
    ws.addRow(['SKU코드', '상품명', '판매자 정의 코드']);
    ws.addRow(['D-1', '날짜 코드', new Date(Date.UTC(2024, 0, 2))]);
    ws.addRow(['E-1', { formula: 'VLOOKUP(A1,B:B,2,0)', result: { error: '#N/A' } }, 'E-1']);
    ws.addRow([123450, '숫자 코드', 1.2345e5]);
    await wb.xlsx.writeFile(file);
    let err: SheetError | undefined;
    try {
      await importSkuSheet(deps, seller, file, { dryRun: false });
    } catch (e) {
      err = e as SheetError;
    }
    expect(err?.issues.map((i) => [i.row, i.column, i.reason])).toEqual([[2, '판매자 정의 코드', 'invalid_format'], [3, '상품명', 'invalid_format']]);
    expect(err?.issues[0]!.message).toMatch(/stored this cell as a date/);
    expect(err?.issues[1]!.message).toMatch(/#N\/A/);
  });

  test('name + option sheet: texts stored exactly, unknown SKUs refused, mall names in Korean and Japanese', async () => {
    const option = 'カラー:ピンク\nサイズ:25cm';
    const file = csv('names.csv', ['쇼핑몰,상품명,옵션값,SKU코드,수량', `라쿠텐, 【送料無料】タオル\u3000綿 ,"${option}",SOCK-1,1`, `楽天,【送料無料】タオル\u3000綿,"${option}",CUP-1,2`, 'rakuten,ABC,,NOPE-1,1', 'amazon,x,,CUP-1,1']);
    expect(await issuesOf(importNameSheet(deps, seller, file, { dryRun: false }))).toEqual([[4, 'SKU코드', 'unknown_sku'], [5, '쇼핑몰', 'invalid_format']]);
    const good = csv('names-ok.csv', ['쇼핑몰,상품명,옵션값,SKU코드,수량', `라쿠텐, 【送料無料】タオル\u3000綿 ,"${option}\r\n",SOCK-1,1`, `楽天,【送料無料】タオル\u3000綿,"${option}",CUP-1,2`]);
    expect(await importNameSheet(deps, seller, good, { dryRun: false })).toMatchObject({ changes: { name_mappings: { inserted: 2 } } });
    const rows = (await t.db.knex('name_mappings').orderBy('id')) as Array<{ product_name: string; option_text: string; mall: string }>;
    // Trimmed around the cell only: the ideographic space inside the name and the line break stay.
    expect(rows.map((r) => [r.mall, r.product_name, r.option_text])).toEqual([['rakuten', '【送料無料】タオル\u3000綿', option], ['rakuten', '【送料無料】タオル\u3000綿', option]]);
  });

  test('the error file lists row, column, value, reason and message; formula-like values escaped in CSV, string cells in xlsx', async () => {
    const issues: SheetIssue[] = [{ row: 7, column: '상품명', value: '=HYPERLINK("x")', reason: 'invalid_format', message: 'bad' }];
    const out = await writeErrorFile(path.join(dir, 'errors.csv'), issues);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFrow,column,value,reason,message')).toBe(true);
    expect(text).toContain(`7,상품명,"'=HYPERLINK(""x"")",invalid_format,bad`);
    const xlsx = await writeErrorFile(path.join(dir, 'errors.xlsx'), issues);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    // A string cell is never evaluated, so the value is written as it is.
    expect(wb.worksheets[0]!.getRow(2).values).toEqual([undefined, 7, '상품명', '=HYPERLINK("x")', 'invalid_format', 'bad']);
    expect(wb.worksheets[0]!.getCell('C2').type).toBe(ExcelJS.ValueType.String);
  });

  test('an xlsx error file also holds the seller\'s own rows with an error column, to fix in place and upload again', async () => {
    const source = csv('fix-me.csv', ['SKU코드,상품명,수량', 'OK-1,좋은 행,1', '', 'BAD 1,=SUM(A1),x']);
    let issues: SheetIssue[] = [];
    try {
      await importSkuSheet(deps, seller, source, { dryRun: false });
    } catch (err) {
      issues = (err as SheetError).issues;
    }
    const out = await writeErrorFile(path.join(dir, 'fix-me.xlsx'), issues, source);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['sheet with errors', 'errors']);
    const rows = wb.worksheets[0]!;
    expect(rows.getRow(1).values).toEqual([undefined, 'SKU코드', '상품명', '수량', '오류 (errors)']);
    expect(rows.getRow(2).values).toEqual([undefined, 'OK-1', '좋은 행', '1']);
    expect(rows.getRow(4).values).toEqual([undefined, 'BAD 1', '=SUM(A1)', 'x', expect.stringMatching(/^SKU코드: .*\n수량: /)]);
    expect(rows.getCell('B4').type).toBe(ExcelJS.ValueType.String);
  });

  /** Formula-like texts a seller may well write (design.md §4a: stored verbatim). */
  const RT_HEADER = ['SKU코드', '상품명', '옵션명', '판매자 정의 코드', '수량'];
  const rtRows = (p: string) => [
    [`${p}-1`, '=1+2 컵', '+red', `-PROMO-${p}`, '1'],
    [`${p}-2`, '@home 양말', '-', `-PROMO-${p}`, '-1'], // the error: quantity -1 (row 3)
    [`${p}-3`, '-10% 세일', '', `+SET-${p}`, '2'],
  ];
  const stored = async (p: string) => {
    const skus = (await t.db.knex('skus').where('sku_code', 'like', `${p}-%`).orderBy('sku_code')) as Array<{ sku_code: string; sku_name: string; option_name: string | null }>;
    const codes = (await t.db.knex('sku_codes').join('skus', 'skus.id', 'sku_codes.sku_id').where('skus.sku_code', 'like', `${p}-%`).orderBy('skus.sku_code')) as Array<{ seller_code: string }>;
    return { skus: skus.map((r) => [r.sku_code, r.sku_name, r.option_name ?? '']), codes: codes.map((c) => c.seller_code) };
  };
  const sheetErrors = async (work: Promise<unknown>): Promise<SheetIssue[]> => {
    try {
      await work;
    } catch (err) {
      if (err instanceof SheetError) return err.issues;
      throw err;
    }
    throw new Error('the sheet was accepted');
  };

  test('xlsx error file round trip: fix only the error cell, import again, formula-like values stored as the originals', async () => {
    const source = path.join(dir, 'rt.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    for (const r of [RT_HEADER, ...rtRows('RTX')]) ws.addRow(r);
    await wb.xlsx.writeFile(source);
    const issues = await sheetErrors(importSkuSheet(deps, seller, source, { dryRun: false }));
    expect(issues.map((i) => [i.row, i.column, i.reason])).toEqual([[3, '수량', 'invalid_quantity']]);

    const errorsOut = await writeErrorFile(path.join(dir, 'rt-errors.xlsx'), issues, source);
    // The seller fixes the quantity in the first sheet, clears the error note and saves.
    const fix = new ExcelJS.Workbook();
    await fix.xlsx.readFile(errorsOut);
    const rows = fix.worksheets[0]!;
    expect(rows.getCell('F3').value).toBe('수량: must be a whole number from 1 to 999999'); // the column named once
    rows.getCell('E3').value = '1';
    rows.getCell('F3').value = null;
    const fixed = path.join(dir, 'rt-fixed.xlsx');
    await fix.xlsx.writeFile(fixed);

    const summary = await importSkuSheet(deps, seller, fixed, { dryRun: false });
    expect(summary).toMatchObject({ sheet: 'sheet with errors', warnings: [], changes: { skus: { inserted: 3 } } });
    expect(await stored('RTX')).toEqual({
      skus: rtRows('RTX').map((r) => [r[0], r[1], r[2]]),
      codes: rtRows('RTX').map((r) => r[3]),
    });
  });

  test('CSV error file keeps the escape, and the CSV reader undoes exactly that escape', async () => {
    const source = csv('rt.csv', [RT_HEADER.join(','), ...rtRows('RTC').map((r) => r.join(','))]);
    const issues = await sheetErrors(importSkuSheet(deps, seller, source, { dryRun: false }));
    expect(issues.map((i) => [i.row, i.column, i.reason, i.value])).toEqual([[3, '수량', 'invalid_quantity', '-1']]);
    const errorsOut = await writeErrorFile(path.join(dir, 'rt-errors.csv'), issues);
    // Escaped for a spreadsheet; read back by our reader, the value is the seller's again.
    expect(fs.readFileSync(errorsOut, 'utf8')).toContain(`3,수량,'-1,invalid_quantity,`);
    const back = [];
    for await (const r of readSheet(errorsOut)) back.push(r.cells.map((c) => (c.kind === 'empty' ? '' : c.text)));
    expect(back[1]!.slice(0, 4)).toEqual(['3', '수량', '-1', 'invalid_quantity']);

    // The seller's rows as our CSV files write cells (escaped), only the error cell fixed.
    const fixedRows = rtRows('RTC').map((r, i) => (i === 1 ? [...r.slice(0, 4), '1'] : r));
    const fixed = csv('rt-fixed.csv', [RT_HEADER.join(','), ...fixedRows.map((r) => r.map(escapeCell).join(','))]);
    expect(fs.readFileSync(fixed, 'utf8')).toContain(`RTC-1,'=1+2 컵,'+red,'-PROMO-RTC,1`);
    expect(await importSkuSheet(deps, seller, fixed, { dryRun: false })).toMatchObject({ sheet: null, changes: { skus: { inserted: 3 } } });
    expect(await stored('RTC')).toEqual({
      skus: rtRows('RTC').map((r) => [r[0], r[1], r[2]]),
      codes: rtRows('RTC').map((r) => r[3]),
    });
  });

  test('a CSV row with more fields than the header is a row error, and nothing is applied', async () => {
    const before = await counts();
    const file = csv('shifted.csv', ['sku_code,sku_name,seller_code', 'SH-1,Shirt,SC-1', 'SH-2,Shirt, blue,SC-2', 'SH-3,Short', 'SH-4,Sock,SC-4,']);
    const issues = await sheetErrors(importSkuSheet(deps, seller, file, { dryRun: false }));
    expect(issues.map((i) => [i.row, i.column, i.reason, i.value])).toEqual([[3, '', 'invalid_format', 'SH-2,Shirt, blue,SC-2']]);
    expect(issues[0]!.message).toBe('row has 4 fields, the header 3: a comma inside a value must be in double quotes (save the file from Excel as CSV UTF-8 to have that done), or give the extra column a header');
    expect(await counts()).toEqual(before);
  });

  test('xlsx: the sheet read is named; other visible sheets with data are a warning; a sheet without a header is named', async () => {
    const file = path.join(dir, 'multi.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('식품').addRows([['SKU코드', '상품명'], ['MS-1', '과자']]);
    const clothes = wb.addWorksheet('의류');
    clothes.addRows([['SKU코드', '상품명'], ...Array.from({ length: 120 }, (_, i) => [`MS-C${i}`, '옷'])]);
    wb.addWorksheet('old', { state: 'hidden' }).addRows([['SKU코드', '상품명'], ['OLD-1', 'old']]);
    wb.addWorksheet('빈 시트');
    await wb.xlsx.writeFile(file);
    expect(await importSkuSheet(deps, seller, file, { dryRun: true })).toMatchObject({
      sheet: '식품',
      rows: 1,
      warnings: ['only the first sheet is read: 의류 (120 rows) was not imported'],
    });

    const notesFirst = path.join(dir, 'notes-first.xlsx');
    const nb = new ExcelJS.Workbook();
    nb.addWorksheet('설명').addRows([['열', '설명'], ['SKU코드', '필수']]);
    nb.addWorksheet('식품').addRows([['SKU코드', '상품명'], ['MS-1', '과자']]);
    await nb.xlsx.writeFile(notesFirst);
    const issues = await sheetErrors(importSkuSheet(deps, seller, notesFirst, { dryRun: true }));
    expect(issues.map((i) => i.reason)).toEqual(['no_header']);
    expect(issues[0]!.message).toMatch(/\(sheet "설명"; only the first sheet is read, so move the sheet with the data \(식품\) to the front\)$/);
  });

  test('stock: an on_hand past the limit says the limit', async () => {
    const file = csv('stock-big.csv', ['sku_code,on_hand', 'SOCK-1,99999999999', 'SOCK-1,-3']);
    const issues = await sheetErrors(importStockSheet(deps, seller, file, { dryRun: true }));
    expect(issues.map((i) => [i.row, i.reason, i.message])).toEqual([
      [2, 'invalid_quantity', 'on_hand: 99999999999 is more than 999,999,999, the largest count accepted'],
      [3, 'invalid_quantity', 'on_hand: must be a whole number of at least 0'],
    ]);
  });

  test('shipments: an unknown order is unknown_order; shipped_at without offset is KST, and far from now is refused', async () => {
    const file = csv('ship.csv', [
      'tracking_number,mall_order_id,fulfillment_order_id,shipped_at',
      'T-1,NO-SUCH-ORDER,,2025-03-04 09:58',
      'T-2,,987654,2025-03-04',
      'T-3,NO-SUCH-ORDER-2,,2030-01-01 00:00',
      'T-4,NO-SUCH-ORDER-3,,2020-01-01T10:00:00+09:00',
      'T-5,NO-SUCH-ORDER-4,,2025-03-04 25:00',
    ]);
    const at = new Date('2025-03-05T00:00:00Z');
    const issues = await sheetErrors(importShipmentSheet({ ...deps, now: () => at }, null, file, { dryRun: true }));
    expect(issues.map((i) => [i.row, i.column, i.reason])).toEqual([
      [2, 'mall_order_id', 'unknown_order'],
      [3, 'fulfillment_order_id', 'unknown_order'],
      [4, 'shipped_at', 'invalid_format'],
      [4, 'mall_order_id', 'unknown_order'],
      [5, 'shipped_at', 'invalid_format'],
      [5, 'mall_order_id', 'unknown_order'],
      [6, 'shipped_at', 'invalid_format'],
    ]);
    expect(issues[0]!.message).toMatch(/^order NO-SUCH-ORDER is not known/);
    expect(issues[2]!.message).toBe('2030-01-01 00:00 KST is in the future (more than a day after now, 2025-03-05 09:00 KST); give the time the parcel left the warehouse');
    expect(issues[4]!.message).toBe('2020-01-01 10:00 KST is more than 2 years ago; check the year');
  });
});
