/**
 * The xlsx reader on fixtures shaped like what Excel, LibreOffice and exceljs save
 * (tests/fixtures/sheets/build.ts): exact texts, kinds and row numbers.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SheetError } from '../../lib/errors.js';
import { readSheet } from '../../mappings/sheet-reader.js';
import type { SheetCell, SheetRow } from '../../mappings/sheet-reader.js';
import { contentTypes, rootRels, sheetXml, stylesXml, workbookRels, workbookXml } from '../fixtures/sheets/ooxml.js';
import { zip } from '../fixtures/sheets/zip.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sheets/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

async function readAll(path: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  for await (const row of readSheet(path)) rows.push(row);
  return rows;
}

/** A cell in short form: `t:text`, `n:text`, `d:iso`, `b:TRUE`, `e:#N/A`, `_` (empty). */
function short(cell: SheetCell): string {
  switch (cell.kind) {
    case 'empty':
      return '_';
    case 'text':
      return `t:${cell.text}`;
    case 'number':
      return `n:${cell.text}`;
    case 'boolean':
      return `b:${cell.text}`;
    case 'date':
      return `d:${cell.text}`;
    case 'error':
      return `e:${cell.text}`;
  }
}

async function shortRows(path: string): Promise<Array<[number, string[]]>> {
  return (await readAll(path)).map((r) => [r.row, r.cells.map(short)]);
}

async function fileIssue(path: string): Promise<{ reason: string; message: string }> {
  try {
    await readAll(path);
  } catch (err) {
    expect(err).toBeInstanceOf(SheetError);
    const issues = (err as SheetError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ row: 0, column: '', value: '', reason: 'invalid_file' });
    return issues[0] as { reason: string; message: string };
  }
  throw new Error(`${path} was read without error`);
}

describe('xlsx as Excel saves it (hand-written parts, sharedStrings last)', () => {
  let rows: SheetRow[];
  beforeAll(async () => {
    rows = await readAll(fixture('excel-like.xlsx'));
  });

  test('row numbers are the ones Excel shows; blank rows are skipped but keep their numbers', () => {
    // row 5 holds only a styled empty cell and an empty shared string; row 8 does not exist
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 6, 7, 9, 10, 11]);
  });

  test('shared strings: phonetic readings ignored, rich-text runs joined, escapes decoded once', () => {
    expect(rows.map((r) => [r.row, r.cells.map(short)])).toEqual(
      expect.arrayContaining([
        [1, ['t:SKU코드', 't:상품명', 't:オプション', 't:옵션명']],
        [2, ['n:123450', 't:山田', 't:赤 / L', 't:鈴木']],
        [3, ['n:123450', 't:빨강 세트', 't:SKU코드x', 'd:2024-01-02']],
        [4, ['t:東京都', 't:줄1\n줄2', 't:  앞뒤 공백  ', 'n:12']],
        [7, ['t:_x000D_ literal', 't:A&lt;B & C', 't:ＡＢＣ　가', 't:𠮷野家 𠮷']],
      ]),
    );
  });

  test('numbers carry their value and the digits a person sees', () => {
    const row2 = rows.find((r) => r.row === 2);
    const row3 = rows.find((r) => r.row === 3);
    expect(row2?.cells[0]).toEqual({ kind: 'number', value: 123450, text: '123450' });
    expect(row3?.cells[0]).toEqual({ kind: 'number', value: 123450, text: '123450' }); // stored as 1.2345E+5
  });

  test('cached formula results keep their type: errors, booleans, numbers; static errors too', () => {
    expect(rows.find((r) => r.row === 6)?.cells).toEqual([
      { kind: 'error', text: '#N/A' },
      { kind: 'error', text: '#REF!' },
      { kind: 'boolean', value: true, text: 'TRUE' },
      { kind: 'number', value: 2, text: '2' },
      { kind: 'boolean', value: false, text: 'FALSE' },
      { kind: 'error', text: '#VALUE!' },
    ]);
  });

  test('cells without r take the next column; a row without r takes the next number', () => {
    expect(rows.find((r) => r.row === 4)?.cells).toHaveLength(4);
    expect(rows.find((r) => r.row === 7)?.cells.map(short)).toEqual([
      't:_x000D_ literal',
      't:A&lt;B & C',
      't:ＡＢＣ　가',
      't:𠮷野家 𠮷',
    ]);
  });

  test('leading empty cells are kept as empty; line breaks from _x000D_ and &#13; become \\n', () => {
    expect(rows.find((r) => r.row === 9)?.cells).toEqual([{ kind: 'empty' }, { kind: 'empty' }, { kind: 'text', text: '줄A\n줄B\n줄C' }]);
  });

  test('date styles: custom date-time, Korean built-in 31, time-only 20; other formats stay numbers', () => {
    expect(rows.find((r) => r.row === 10)?.cells.map(short)).toEqual([
      'd:2024-01-02T12:00:00', // numFmt 164 yyyy-mm-dd hh:mm
      'd:2024-01-02', // numFmtId 31, a date in Korean Excel
      'n:0.3', // stored 0.30000000000000004
      'n:0.0000001', // stored 1E-7
      'n:1234567890123400000', // stored 1.2345678901234E+18
      'n:8801234567890', // a number in a text-formatted (@) cell stays a number
      'n:1234567', // #,##0 shows no separators in the code text
      'd:12:00:00', // h:mm
      't:  앞뒤 공백  ',
    ]);
  });

  test('whitespace-only text is kept as is; a formula never calculated (no <v>) is empty', () => {
    expect(rows.find((r) => r.row === 11)?.cells).toEqual([{ kind: 'text', text: '  ' }]);
  });
});

describe('xlsx written by exceljs', () => {
  test('ordinary writer: Korean headers, text and number codes, date, formulas, rich text, hyperlink', async () => {
    expect(await shortRows(fixture('exceljs-written.xlsx'))).toEqual([
      [1, ['t:SKU코드', 't:상품명', 't:옵션명', 't:판매자 정의 코드', 't:수량', 't:바코드', 't:비고']],
      [2, ['t:A-001', 't:똠방각하 세트', 't:블랙 / L', 't:0012', 'n:2', 'n:8801234567890']],
      [4, ['t:A-002', 't:빨강 세트', '_', 'n:123450', 'n:4', '_', 'd:2024-01-02']],
      [5, ['t:A-003', 't:상품 페이지', 't:  앞뒤 공백  ', 't:A-002-1', 'e:#N/A', 'b:TRUE', 't:줄1\n줄2']],
    ]);
  });

  test('streaming writer without shared strings (t="str" cells): entities decoded exactly once', async () => {
    expect(await shortRows(fixture('exceljs-stream.xlsx'))).toEqual([
      [1, ['t:SKU코드', 't:상품명']],
      [2, ['t:0012', 't:山田 ヤマダ', 'n:123450']],
      [3, ['t:A&lt;B', 't:<태그> & "따옴표"']],
    ]);
  });
});

describe('zip order and sheet choice', () => {
  const SMALL = [
    [1, ['t:SKU코드', 't:상품명']],
    [2, ['n:123450', 't:山田', 'd:2024-01-02']],
    [4, ['t:0012', 'e:#N/A']],
  ];

  test('shared strings and styles before the worksheet: read straight from the zip, second sheet ignored', async () => {
    expect(await shortRows(fixture('shared-first.xlsx'))).toEqual(SMALL);
  });

  test('LibreOffice order (worksheet before styles.xml and workbook.xml): dates still recognised', async () => {
    expect(await shortRows(fixture('libreoffice-order.xlsx'))).toEqual(SMALL);
  });

  test('the first visible sheet in workbook order is read, whatever its part name', async () => {
    expect(await shortRows(fixture('multisheet.xlsx'))).toEqual([[1, ['t:데이터 시트']]]);
  });

  test('the sheet read is named before its first row; the other visible sheets with anything in them are counted after the last (hidden ones never)', async () => {
    const seen = async (name: string) => {
      const events: unknown[] = [];
      for await (const row of readSheet(fixture(name), undefined, {
        onSheet: (sheet, others) => events.push(['sheet', sheet, others]),
        onOtherSheets: (others) => events.push(['others', others]),
      })) {
        events.push(row.row);
      }
      return events;
    };
    // Straight from the zip (the other sheet comes after the one read).
    expect(await seen('shared-first.xlsx')).toEqual([['sheet', '첫 시트', ['둘째']], 1, 2, 4, ['others', [{ name: '둘째', rows: 0, header: [expect.any(String)] }]]]);
    // Kept aside until the zip ends (no shared strings part); workbook order, not part names.
    expect(await seen('multisheet.xlsx')).toEqual([['sheet', '데이터', ['기타']], 1, ['others', [{ name: '기타', rows: 0, header: ['기타 시트'] }]]]);
    expect(await seen('libreoffice-order.xlsx')).toEqual([['sheet', 'Sheet1', []], 1, 2, 4, ['others', []]]);
  });

  test('a small last part is never lost (exceljs 4.4 drops it at random): 20 reads agree', async () => {
    // styles.xml is the last zip entry; when exceljs's walk loses it, the date reads as a number.
    for (let i = 0; i < 20; i++) {
      expect(await shortRows(fixture('date1904.xlsx'))).toEqual([[1, ['d:2024-01-02']]]); // 1904 system, date1904="true"
    }
  });

  test('stopping early releases the file and leaves no temp directory behind', async () => {
    const ours = async (): Promise<string[]> =>
      (await readdir(tmpdir())).filter((name) => name.startsWith(`mallbridge-xlsx-${process.pid}-`));
    for (const name of ['excel-like.xlsx', 'libreoffice-order.xlsx', 'multisheet.xlsx']) {
      for await (const row of readSheet(fixture(name))) {
        expect(row.row).toBe(1);
        expect(await ours()).toHaveLength(1); // the worksheet kept aside while the zip was read
        break;
      }
      expect(await ours()).toEqual([]);
    }
  });
});

describe('xlsx file problems are invalid_file with a sentence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlsx-reader-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a workbook without worksheets', async () => {
    expect((await fileIssue(fixture('no-worksheet.xlsx'))).message).toMatch(/^The workbook has no worksheet; save it in Excel as \.xlsx/);
  });

  test('a zip that is not a workbook', async () => {
    expect((await fileIssue(fixture('zip-not-workbook.xlsx'))).message).toMatch(/zip archive but not an Excel workbook/);
  });

  test('a workbook cut short anywhere is incomplete, never a crash, a hang or a wrong message', async () => {
    const bytes = await readFile(fixture('excel-like.xlsx'));
    const path = join(dir, 'truncated.xlsx');
    for (const share of [0.02, 0.1, 0.3, 0.6, 0.9, 0.99]) {
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * share)));
      expect((await fileIssue(path)).message).toMatch(/^The workbook ends too early: the file is incomplete/);
    }
  });

  test('corrupted compressed data inside the worksheet being read is damaged, not a hang', async () => {
    const sheets = [{ name: 'S', file: 1 }];
    const rows = Array.from({ length: 2000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="inlineStr"><is><t>상품 ${i}</t></is></c></row>`);
    const good = zip([
      ['xl/workbook.xml', workbookXml(sheets)],
      ['xl/_rels/workbook.xml.rels', workbookRels(sheets, false)],
      ['xl/styles.xml', stylesXml({}, [0])],
      ['xl/sharedStrings.xml', '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'],
      ['xl/worksheets/sheet1.xml', sheetXml(rows)],
    ]);
    const start = good.indexOf(Buffer.from('xl/worksheets/sheet1.xml')) + 200;
    const broken = Buffer.from(good);
    for (let i = start; i < start + 64; i++) broken[i] = 0xff;
    const path = join(dir, 'corrupt.xlsx');
    await writeFile(path, broken);
    const { message } = await fileIssue(path);
    expect(message).toMatch(/looks damaged/);
  });

  test('bytes that are not UTF-8 inside a part are damaged, never a silent U+FFFD', async () => {
    const sheets = [{ name: 'S', file: 1 }];
    const sheet = Buffer.concat([
      Buffer.from(sheetXml(['<row r="1"><c r="A1" t="inlineStr"><is><t>AB</t></is></c></row>']).replace('AB', 'A\u0000B'), 'utf8'),
    ]);
    sheet[sheet.indexOf(0)] = 0xc3; // a lead byte followed by "B": invalid UTF-8
    const path = join(dir, 'bad-utf8.xlsx');
    await writeFile(
      path,
      zip([
        ['[Content_Types].xml', contentTypes([1], false)],
        ['_rels/.rels', rootRels()],
        ['xl/workbook.xml', workbookXml(sheets)],
        ['xl/_rels/workbook.xml.rels', workbookRels(sheets, false)],
        ['xl/worksheets/sheet1.xml', sheet],
        ['xl/styles.xml', stylesXml({}, [0])],
      ]),
    );
    expect((await fileIssue(path)).message).toMatch(/worksheet contains bytes that are not valid text/);
  });

  test('a cell pointing past the shared-string table', async () => {
    const sheets = [{ name: 'S', file: 1 }];
    const path = join(dir, 'missing-string.xlsx');
    await writeFile(
      path,
      zip([
        ['xl/workbook.xml', workbookXml(sheets)],
        ['xl/_rels/workbook.xml.rels', workbookRels(sheets, true)],
        ['xl/worksheets/sheet1.xml', sheetXml(['<row r="1"><c r="B1" t="s"><v>7</v></c></row>'])],
        ['xl/styles.xml', stylesXml({}, [0])],
        ['xl/sharedStrings.xml', '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>a</t></si></sst>'],
      ]),
    );
    expect((await fileIssue(path)).message).toMatch(/^Cell B1 refers to shared string 7, which the workbook does not have/);
  });
});
