/**
 * Fidelity on a big sheet: 100 000 rows of Korean and Japanese names and option texts, written at
 * test time by exceljs's streaming writer, read back cell for cell. The same file read with
 * exceljs 4.4's own streaming reader comes back with U+FFFD where a character straddled a zip
 * chunk boundary — the bug the safe reader exists to avoid. A CP949 CSV of the same rows must
 * round-trip exactly too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readSheet } from '../../mappings/sheet-reader.js';
import { BIG_SHEET_HEADER, bigSheetRow, writeBigCp949Csv, writeBigXlsx } from '../fixtures/sheets/big-sheet.js';

const ROWS = 100_000;
/** The worksheet-XML variant is smaller: it proves the same fix on another path, in less time. */
const INLINE_ROWS = 30_000;

interface Fidelity {
  rows: number;
  /** Rows whose number is not the next one (a blank or lost row would show here). */
  misnumbered: number;
  mismatches: number;
  replacementChars: number;
  firstMismatch?: string;
}

function expected(row: number): readonly string[] {
  return row === 1 ? BIG_SHEET_HEADER : bigSheetRow(row - 2);
}

function tally(result: Fidelity, row: number, got: ReadonlyArray<string | undefined>): void {
  result.rows++;
  const want = expected(row);
  for (let c = 0; c < want.length; c++) {
    const text = got[c];
    if (text?.includes('\uFFFD')) result.replacementChars += text.split('\uFFFD').length - 1;
    if (text !== want[c]) {
      result.mismatches++;
      result.firstMismatch ??= `row ${row} col ${c + 1}: ${JSON.stringify(text)} ≠ ${JSON.stringify(want[c])}`;
    }
  }
}

async function readWithSafeReader(path: string): Promise<Fidelity> {
  const result: Fidelity = { rows: 0, misnumbered: 0, mismatches: 0, replacementChars: 0 };
  for await (const row of readSheet(path)) {
    if (row.row !== result.rows + 1) result.misnumbered++;
    tally(result, row.row, row.cells.map((cell) => (cell.kind === 'text' ? cell.text : `<${cell.kind}>`)));
  }
  return result;
}

async function readWithPlainExceljs(path: string): Promise<Fidelity> {
  const result: Fidelity = { rows: 0, misnumbered: 0, mismatches: 0, replacementChars: 0 };
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', worksheets: 'emit', styles: 'ignore', hyperlinks: 'ignore' });
  for await (const worksheet of reader) {
    for await (const row of worksheet) {
      const values = [1, 2, 3].map((c) => {
        const value: unknown = row.getCell(c).value;
        return typeof value === 'string' ? value : JSON.stringify(value);
      });
      tally(result, row.number, values);
    }
  }
  return result;
}

describe(`a ${ROWS.toLocaleString('en-US')}-row Korean/Japanese sheet`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlsx-big-sheet-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('texts in sharedStrings.xml (as Excel stores them)', () => {
    let path: string;
    beforeAll(async () => {
      path = join(dir, 'shared.xlsx');
      await writeBigXlsx(path, ROWS, { sharedStrings: true });
    });

    test('readSheet returns every cell exactly as written, with no U+FFFD', async () => {
      const result = await readWithSafeReader(path);
      expect(result).toEqual({ rows: ROWS + 1, misnumbered: 0, mismatches: 0, replacementChars: 0 });
    });

    test("exceljs 4.4's plain streaming reader corrupts the same file (the reason for the safe reader)", async () => {
      const result = await readWithPlainExceljs(path);
      expect(result.rows).toBe(ROWS + 1);
      expect(result.replacementChars).toBeGreaterThan(0);
      expect(result.mismatches).toBeGreaterThan(0);
    });
  });

  describe(`texts inside the worksheet XML (t="str" cells), ${INLINE_ROWS.toLocaleString('en-US')} rows`, () => {
    let path: string;
    beforeAll(async () => {
      path = join(dir, 'inline.xlsx');
      await writeBigXlsx(path, INLINE_ROWS, { sharedStrings: false });
    });

    test('readSheet returns every cell exactly as written, with no U+FFFD', async () => {
      expect(await readWithSafeReader(path)).toEqual({ rows: INLINE_ROWS + 1, misnumbered: 0, mismatches: 0, replacementChars: 0 });
    });

    test("exceljs 4.4's plain streaming reader corrupts this one too", async () => {
      expect((await readWithPlainExceljs(path)).replacementChars).toBeGreaterThan(0);
    });
  });

  test('a CP949 CSV of the same rows round-trips exactly', async () => {
    const path = join(dir, 'rows.csv');
    await writeBigCp949Csv(path, ROWS);
    expect(await readWithSafeReader(path)).toEqual({ rows: ROWS + 1, misnumbered: 0, mismatches: 0, replacementChars: 0 });
  });
});
