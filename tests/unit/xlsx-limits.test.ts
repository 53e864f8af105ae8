/**
 * Zip bombs and oversized cells (mappings/xlsx-limits.ts): generated at test time in a temp dir,
 * refused with a sentence before the reader holds what they unpack to.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { SheetError } from '../../lib/errors.js';
import { readSheet } from '../../mappings/sheet-reader.js';
import { parseSharedStrings } from '../../mappings/xlsx-shared-strings.js';
import { saxPendingChars, unpackLimit, UnpackBudget } from '../../mappings/xlsx-limits.js';
import { repeated, writeBombXlsx } from '../fixtures/sheets/bomb.js';
import { sharedStringsXml, sheetXml, stylesXml, workbookRels, workbookXml } from '../fixtures/sheets/ooxml.js';
import { zip } from '../fixtures/sheets/zip.js';

const MB = 1024 * 1024;

/** Reads the whole file; returns the rows read and the `invalid_file` message, if refused. */
async function attempt(path: string): Promise<{ rows: number; message: string | undefined }> {
  let rows = 0;
  try {
    for await (const _row of readSheet(path)) rows++;
  } catch (err) {
    if (!(err instanceof SheetError)) throw err;
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.reason).toBe('invalid_file');
    return { rows, message: err.issues[0]?.message };
  }
  return { rows, message: undefined };
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function* textOf(...chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

describe('the unpack budget', () => {
  test('100 × the file, at least 64 MB, at most 1 GB', () => {
    expect(unpackLimit(10_000)).toBe(64 * MB);
    expect(unpackLimit(3 * MB)).toBe(300 * MB);
    expect(unpackLimit(50 * MB)).toBe(1024 * MB);
  });

  test('is shared by every part and counts bytes, not characters', async () => {
    const budget = new UnpackBudget(1, 10);
    const drain = async (chunks: AsyncIterable<unknown>) => {
      for await (const _ of chunks);
    };
    await drain(budget.count(textOf('한글'))); // 6 bytes
    await expect(drain(budget.count(textOf('가나')))).rejects.toThrow(
      /^The sheet is too large when unpacked \(more than 1 KB from a 1 KB file\): it may be damaged or built to exhaust memory; save it again from Excel or split it\.$/,
    );
  });
});

describe('saxes internals the guards rely on', () => {
  test('a text node not yet handed over is seen', () => {
    const sax = new SaxesParser();
    sax.on('text', () => undefined); // without a text handler saxes keeps no text
    sax.write('<a><t>');
    sax.write('x'.repeat(1000));
    expect(saxPendingChars(sax)).toBeGreaterThanOrEqual(1000);
    sax.write('</t>');
    expect(saxPendingChars(sax)).toBeLessThan(10);
  });
});

describe('zip bombs and oversized cells', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mb-xlsx-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a small file with one huge cell is refused at the cell, long before it is gathered', async () => {
    const path = join(dir, 'one-cell.xlsx');
    const head = '<row r="1"><c r="A1" t="inlineStr"><is><t>sku_code</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>A</t></is></c><c r="B2" t="inlineStr"><is><t>';
    const pieces = function* (): Generator<string> {
      yield head;
      yield* repeated('x'.repeat(MB), 200);
      yield '</t></is></c></row>';
    };
    const { fileBytes, sheetBytes } = await writeBombXlsx(path, pieces());
    expect(fileBytes).toBeLessThan(MB);
    expect(sheetBytes).toBeGreaterThan(200 * MB);
    const { rows, message } = await attempt(path);
    expect(message).toMatch(/^Cell B2 \(row 2, column B\) holds more than 32,767 characters, Excel's own limit; /);
    expect(rows).toBeLessThanOrEqual(1);
    console.log(`one-cell bomb ${fileBytes} B → ${sheetBytes} B: refused; peak RSS ${peakRssMb()} MB`);
  });

  test.each([
    ['read from the zip', false],
    ['kept aside in a temp file', true],
  ])('a small file of many rows is refused once it passes the budget (%s)', async (_, sheetFirst) => {
    const path = join(dir, `many-rows-${sheetFirst}.xlsx`);
    const cell = `<c t="inlineStr"><is><t>${'x'.repeat(1000)}</t></is></c>`;
    const row = `<row>${cell.repeat(10)}</row>`; // ~10 KB; 10 000 rows ≈ 100 MB, far under the row limit
    const { fileBytes, sheetBytes } = await writeBombXlsx(path, repeated(row, 10_000), { sheetFirst });
    expect(fileBytes).toBeLessThan(MB);
    expect(sheetBytes).toBeGreaterThan(64 * MB);
    const { rows, message } = await attempt(path);
    expect(message).toMatch(
      /^The sheet is too large when unpacked \(more than 64 MB from a \d+ KB file\): it may be damaged or built to exhaust memory; save it again from Excel or split it\.$/,
    );
    expect(rows).toBeLessThan(10_000);
    console.log(`many-rows bomb ${fileBytes} B → ${sheetBytes} B (${sheetFirst ? 'kept aside' : 'from the zip'}): refused after ${rows} rows; peak RSS ${peakRssMb()} MB`);
  });

  test('blank rows count too (they are not rows for the row limit)', async () => {
    const path = join(dir, 'blank-rows.xlsx');
    const blank = `<row><c s="0"><v>${' '.repeat(4000)}</v></c></row>`; // a blank value: a blank row
    const { sheetBytes } = await writeBombXlsx(path, repeated(blank, 20_000));
    expect(sheetBytes).toBeGreaterThan(64 * MB);
    expect((await attempt(path)).message).toMatch(/^The sheet is too large when unpacked/);
  });

  /** A one-sheet workbook with `cellXml` as cell B2 and `strings` as its shared strings. */
  async function workbook(name: string, cellXml: string, strings: string[] = []): Promise<string> {
    const sheets = [{ name: 'S', file: 1 }];
    const path = join(dir, name);
    await writeFile(
      path,
      zip([
        ['xl/workbook.xml', workbookXml(sheets)],
        ['xl/_rels/workbook.xml.rels', workbookRels(sheets, true)],
        ['xl/styles.xml', stylesXml({}, [0])],
        ['xl/sharedStrings.xml', sharedStringsXml(strings)],
        ['xl/worksheets/sheet1.xml', sheetXml([`<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2">${cellXml}</row>`])],
      ]),
    );
    return path;
  }

  test('a cell of exactly 32,767 characters is read, escapes decoded; one more is refused', async () => {
    const full = await workbook('full.xlsx', `<c r="B2" t="inlineStr"><is><t>${'_x0041_'.repeat(32_767)}</t></is></c>`);
    const rows = [];
    for await (const row of readSheet(full)) rows.push(row);
    expect(rows[1]?.cells[1]).toEqual({ kind: 'text', text: 'A'.repeat(32_767) });

    const over = await workbook('over.xlsx', `<c r="B2" t="str"><f>A1</f><v>${'한'.repeat(32_768)}</v></c>`);
    expect((await attempt(over)).message).toMatch(/^Cell B2 \(row 2, column B\) holds more than 32,767 characters/);
  });

  test('a shared string longer than Excel allows is refused, whether long once decoded or long in the XML', async () => {
    const decoded = await workbook('ss-over.xlsx', '<c r="B2" t="s"><v>1</v></c>', ['<t>a</t>', `<t>${'b'.repeat(32_768)}</t>`]);
    expect((await attempt(decoded)).message).toMatch(/^Shared string 2 of the workbook holds more than 32,767 characters, Excel's own limit; /);
    await expect(parseSharedStrings(textOf('<sst><si><t>', ...repeated('y'.repeat(65_536), 8)))).rejects.toThrow(
      /^Shared string 1 of the workbook holds more than 32,767 characters/,
    );
  });
});
