/**
 * The small conversions under the xlsx reader: number text, date serials, cell references,
 * `_xHHHH_` escapes, streaming decoding across chunk boundaries, and the two parsers fed one
 * character at a time.
 */
import { decodeXmlChunks } from '../../mappings/xlsx-decode.js';
import { parseSharedStrings } from '../../mappings/xlsx-shared-strings.js';
import { WorksheetXmlParser } from '../../mappings/xlsx-sheet-parser.js';
import type { SheetRow } from '../../mappings/sheet-reader.js';
import { columnIndex, columnLetters, decodeOoxmlEscapes, excelSerialToIso, numberText } from '../../mappings/xlsx-values.js';

async function* bytesOneByOne(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

async function* textOneByOne(text: string): AsyncGenerator<string> {
  for (const ch of text) yield ch;
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

describe('numberText: what a person sees for a code', () => {
  test.each([
    [123450, '123450'],
    [1.2345e5, '123450'],
    [12, '12'],
    [-0, '0'],
    [-42, '-42'],
    [8801234567890, '8801234567890'],
    [1e21, '1000000000000000000000'],
    [0.1, '0.1'],
    [0.30000000000000004, '0.3'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [-2.5e-8, '-0.000000025'],
    [1234.5, '1234.5'],
    [1.0000000000000002, '1'],
  ])('%p → %s', (value, text) => {
    expect(numberText(value)).toBe(text);
  });
});

describe('excelSerialToIso', () => {
  test.each([
    [45293, false, '2024-01-02'],
    [45293.5, false, '2024-01-02T12:00:00'],
    [45293.75, false, '2024-01-02T18:00:00'],
    [45293 + 1 / 86_400_000 * 250, false, '2024-01-02T00:00:00.250'],
    [0.5, false, '12:00:00'],
    [1, false, '1900-01-01'],
    [59, false, '1900-02-28'],
    [60, false, '1900-02-29'], // Excel's phantom leap day
    [61, false, '1900-03-01'],
    [43831, true, '2024-01-02'],
    [0, true, '1904-01-01'],
  ])('%p (1904: %p) → %s', (serial, date1904, iso) => {
    expect(excelSerialToIso(serial, date1904)).toBe(iso);
  });
});

describe('cell references', () => {
  test.each([
    ['A1', 0],
    ['Z9', 25],
    ['AA10', 26],
    ['AB12', 27],
    ['$C$3', 2],
    ['xfd1', 16383],
  ])('%s → column %i', (ref, col) => {
    expect(columnIndex(ref)).toBe(col);
    expect(columnLetters(col)).toBe(ref.replace(/[$\d]/g, '').toUpperCase());
  });

  test('no letters or past XFD is no column', () => {
    expect(columnIndex('12')).toBeUndefined();
    expect(columnIndex('XFE1')).toBeUndefined();
    expect(columnIndex('ABCD1')).toBeUndefined();
  });
});

describe('OOXML escapes', () => {
  test('decoded as Excel does', () => {
    expect(decodeOoxmlEscapes('a_x000D_b')).toBe('a\rb');
    expect(decodeOoxmlEscapes('_x005F_x000D_')).toBe('_x000D_');
    expect(decodeOoxmlEscapes('_xD842__xDFB7_')).toBe('𠮷');
    expect(decodeOoxmlEscapes('_x00e9_')).toBe('é');
    expect(decodeOoxmlEscapes('_x12_ _xZZZZ_ x000D_')).toBe('_x12_ _xZZZZ_ x000D_');
  });
});

describe('decodeXmlChunks: one decoder for the whole part', () => {
  const text = '<t>똠방각하 山田 ヤマダ 𠮷野家 ＡＢＣ</t>';

  test('UTF-8 split at every byte comes back whole', async () => {
    expect(await collect(decodeXmlChunks(bytesOneByOne(Buffer.from(text, 'utf8')), 'part'))).toBe(text);
  });

  test('a UTF-8 BOM is dropped; UTF-16 parts with a BOM are read', async () => {
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    expect(await collect(decodeXmlChunks(bytesOneByOne(bom8), 'part'))).toBe(text);
    const bom16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    expect(await collect(decodeXmlChunks(bytesOneByOne(bom16), 'part'))).toBe(text);
  });

  test('invalid bytes are a file problem', async () => {
    await expect(collect(decodeXmlChunks(bytesOneByOne(Buffer.from([0x3c, 0xff, 0x3e])), 'part'))).rejects.toThrow(
      /contains bytes that are not valid text/,
    );
  });
});

describe('the XML parsers fed one character at a time', () => {
  test('shared strings', async () => {
    const xml =
      '<sst><si><t>山田</t><rPh sb="0" eb="2"><t>ヤマダ</t></rPh><phoneticPr fontId="1"/></si>' +
      '<si><r><rPr><b/></rPr><t>빨강</t></r><r><t xml:space="preserve"> 세트</t></r></si><si><t/></si>' +
      '<si><t><![CDATA[<raw> & ]]>x</t></si><x:si xmlns:x="urn:x"><x:t>prefixed</x:t></x:si></sst>';
    expect(await parseSharedStrings(textOneByOne(xml))).toEqual(['山田', '빨강 세트', '', '<raw> & x', 'prefixed']);
  });

  test('worksheet', () => {
    const parser = new WorksheetXmlParser({ sharedStrings: ['공유'], isDateStyle: (s) => s === 1, date1904: false });
    const xml =
      '<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" s="1"><v>45293</v></c></row>' +
      '<row><c t="inlineStr"><is><r><t>赤</t></r><r><t>/L</t></r><rPh sb="0" eb="1"><t>アカ</t></rPh></is></c></row>' +
      '<row r="7"><c r="A7" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData></worksheet>';
    const rows: SheetRow[] = [];
    for (const ch of xml) rows.push(...parser.write(ch));
    rows.push(...parser.end());
    expect(rows).toEqual([
      { row: 2, cells: [{ kind: 'empty' }, { kind: 'text', text: '공유' }, { kind: 'date', text: '2024-01-02' }] },
      { row: 3, cells: [{ kind: 'text', text: '赤/L' }] },
      { row: 7, cells: [{ kind: 'error', text: '#DIV/0!' }] },
    ]);
  });

  test('malformed worksheet XML is a file problem', () => {
    const parser = new WorksheetXmlParser({ sharedStrings: [], isDateStyle: () => false, date1904: false });
    expect(() => parser.write('<worksheet><sheetData><row r="1"></sheetData>')).toThrow(/not well-formed XML/);
  });
});
