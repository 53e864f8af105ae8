/**
 * readSheet as the lead's import code sees it: the content picks the reader, a name that
 * contradicts the content is the seller's error, and limits are enforced with a sentence.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SheetError } from '../../lib/errors.js';
import type { SheetIssue } from '../../lib/errors.js';
import { readSheet } from '../../mappings/sheet-reader.js';
import type { ReadOptions, SheetRow } from '../../mappings/sheet-reader.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sheets/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);
const SAVE_AS = 'save it in Excel as .xlsx (Excel 통합 문서) without a password, or as CSV UTF-8';

async function readAll(path: string, name?: string, options?: ReadOptions): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheet(path, name, options)) rows.push(row);
  return rows;
}

/** The single invalid_file issue a file is refused with, and the rows yielded before it. */
async function refusal(path: string, name?: string, options?: ReadOptions): Promise<{ error: SheetError; issue: SheetIssue; yielded: number }> {
  let yielded = 0;
  try {
    for await (const _row of readSheet(path, name, options)) yielded++;
  } catch (err) {
    expect(err).toBeInstanceOf(SheetError);
    const error = err as SheetError;
    expect(error.exitCode).toBe(2);
    expect(error.issues).toHaveLength(1);
    const issue = error.issues[0] as SheetIssue;
    expect(issue).toMatchObject({ row: 0, column: '', value: '', reason: 'invalid_file' });
    return { error, issue, yielded };
  }
  throw new Error(`${path} was read without error`);
}

describe('files that are not what a sheet should be', () => {
  test('an old-format .xls (OLE2) says how to save it', async () => {
    const { error, issue } = await refusal(fixture('old-format.xls'));
    expect(error.fileName).toBe('old-format.xls');
    expect(issue.message).toBe(
      `The file is an old-format Excel workbook (.xls) or a password-protected workbook and cannot be read; ${SAVE_AS}.`,
    );
  });

  test('an OLE2 file named .xlsx is refused the same way (content decides)', async () => {
    expect((await refusal(fixture('ole2-named.xlsx'))).issue.message).toContain(SAVE_AS);
  });

  test('a password-protected workbook is named as such', async () => {
    expect((await refusal(fixture('encrypted.xlsx'))).issue.message).toBe(
      `The workbook is password-protected (encrypted) and cannot be read; ${SAVE_AS}.`,
    );
  });

  test('a zip named .csv', async () => {
    expect((await refusal(fixture('workbook-named.csv'))).issue.message).toMatch(
      /^The file is named \.csv but it is an Excel workbook \(a zip file\), not CSV text; rename it to \.xlsx/,
    );
  });

  test('a binary file named .csv', async () => {
    expect((await refusal(fixture('binary-named.csv'))).issue.message).toMatch(/^The file is named \.csv but it is a binary file, not CSV text/);
  });

  test('text named .xlsx, and a web page named .xls', async () => {
    expect((await refusal(fixture('text-named.xlsx'))).issue.message).toMatch(
      /^The file is named \.xlsx but it is not an Excel workbook: it contains plain text \(CSV or tab-separated\); rename it to \.csv/,
    );
    expect((await refusal(fixture('html-named.xls'))).issue.message).toMatch(/^The file is named \.xls but .* a web page \(HTML\)/);
  });

  test('empty files', async () => {
    expect((await refusal(fixture('empty.csv'))).issue.message).toMatch(/^The file is empty \(0 bytes\)/);
    expect((await refusal(fixture('empty.xlsx'))).issue.message).toMatch(/^The file is empty \(0 bytes\)/);
  });

  test('the seller-facing name is the one checked and reported', async () => {
    const { error, issue } = await refusal(fixture('excel-like.xlsx'), '상품목록.csv');
    expect(error.fileName).toBe('상품목록.csv');
    expect(issue.message).toMatch(/named \.csv but it is an Excel workbook/);
  });

  test('a missing file is a file-system error, not a sheet error', async () => {
    await expect(readAll(fixture('does-not-exist.xlsx'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('content decides which reader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sheet-reader-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a workbook stored under a temp name with no extension is read as xlsx', async () => {
    const path = join(dir, 'upload-1');
    await copyFile(fixture('shared-first.xlsx'), path);
    expect((await readAll(path, 'products'))[0]?.cells).toEqual([
      { kind: 'text', text: 'SKU코드' },
      { kind: 'text', text: '상품명' },
    ]);
  });

  test('CSV text under a temp name is read as CSV; .xlsm and .tsv names agree with their content', async () => {
    const path = join(dir, 'upload-2');
    await copyFile(fixture('cp949.csv'), path);
    expect((await readAll(path))[1]?.cells[1]).toEqual({ kind: 'text', text: '똠방각하' });
    expect(await readAll(fixture('shared-first.xlsx'), 'macro.xlsm')).toHaveLength(3);
    expect(await readAll(fixture('unicode-text.txt'), 'export.tsv')).toHaveLength(3);
  });

  test('a header-only CSV yields its header; a BOM-only CSV yields nothing', async () => {
    const bomOnly = join(dir, 'bom.csv');
    await writeFile(bomOnly, Buffer.from([0xef, 0xbb, 0xbf]));
    expect(await readAll(bomOnly)).toEqual([]);
    const header = join(dir, 'header.csv');
    await writeFile(header, 'sku_code,sku_name');
    expect(await readAll(header)).toEqual([{ row: 1, cells: [{ kind: 'text', text: 'sku_code' }, { kind: 'text', text: 'sku_name' }] }]);
  });
});

describe('limits', () => {
  test('a file larger than maxBytes is refused before it is read', async () => {
    const { issue, yielded } = await refusal(fixture('excel-like.xlsx'), undefined, { maxBytes: 1000 });
    expect(yielded).toBe(0);
    expect(issue.message).toBe('The file is larger than the 1,000-byte limit (3,757 bytes); split it into smaller files.');
    expect((await refusal(fixture('cp949.csv'), undefined, { maxBytes: 10 })).issue.message).toMatch(/larger than the 10-byte limit/);
  });

  test('the default limit is 50 MB', async () => {
    await expect(readAll(fixture('cp949.csv'))).resolves.toHaveLength(4);
  });

  test('more rows than maxRows is refused, naming the limit (xlsx and CSV)', async () => {
    const xlsx = await refusal(fixture('excel-like.xlsx'), undefined, { maxRows: 3 });
    expect(xlsx.yielded).toBe(3);
    expect(xlsx.issue.message).toBe('The sheet has more than 3 rows, the most one upload may have; split it into smaller files.');
    const csv = await refusal(fixture('quoted-breaks.csv'), undefined, { maxRows: 4 });
    expect(csv.yielded).toBe(4);
    expect(csv.issue.message).toMatch(/^The sheet has more than 4 rows/);
    await expect(readAll(fixture('quoted-breaks.csv'), undefined, { maxRows: 5 })).resolves.toHaveLength(5);
  });

  test('limits must be positive', async () => {
    await expect(readAll(fixture('cp949.csv'), undefined, { maxRows: 0 })).rejects.toThrow(RangeError);
  });
});
