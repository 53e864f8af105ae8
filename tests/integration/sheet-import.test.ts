import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { findSellerByCode, type Seller } from '../../data/stores/sellers.js';
import { SheetError, type SheetIssue } from '../../lib/errors.js';
import { writeErrorFile } from '../../mappings/error-file.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
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

  test('the error file lists row, column, value, reason and message, with formula-like values escaped', async () => {
    const issues: SheetIssue[] = [{ row: 7, column: '상품명', value: '=HYPERLINK("x")', reason: 'invalid_format', message: 'bad' }];
    const out = await writeErrorFile(path.join(dir, 'errors.csv'), issues);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFrow,column,value,reason,message')).toBe(true);
    expect(text).toContain(`7,상품명,"'=HYPERLINK(""x"")",invalid_format,bad`);
    const xlsx = await writeErrorFile(path.join(dir, 'errors.xlsx'), issues);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets[0]!.getRow(2).values).toEqual([undefined, 7, '상품명', `'=HYPERLINK("x")`, 'invalid_format', 'bad']);
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
    expect(rows.getRow(4).values).toEqual([undefined, 'BAD 1', "'=SUM(A1)", 'x', expect.stringMatching(/^SKU코드: .*\n수량: /)]);
  });
});
