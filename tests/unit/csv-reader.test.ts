/**
 * The CSV reader: encodings detected from the bytes, delimiters from the header line, records
 * numbered as Excel shows them, fields never converted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { SheetError } from '../../lib/errors.js';
import { readCsv } from '../../mappings/csv-reader.js';
import type { CsvFormat } from '../../mappings/csv-reader.js';
import { detectDelimiter, headerLineEnd } from '../../mappings/csv-delimiter.js';
import { completeUtf8Prefix, decodeCsvBytes } from '../../mappings/csv-encoding.js';
import { readSheet } from '../../mappings/sheet-reader.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/sheets/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** Rows as [row, texts] with `_` for an empty cell. */
async function texts(path: string): Promise<Array<[number, string[]]>> {
  const out: Array<[number, string[]]> = [];
  for await (const row of readSheet(path)) out.push([row.row, row.cells.map((c) => (c.kind === 'text' ? c.text : c.kind === 'empty' ? '_' : `?${c.kind}`))]);
  return out;
}

async function format(path: string): Promise<CsvFormat | undefined> {
  let seen: CsvFormat | undefined;
  for await (const _row of readCsv(path, (f) => (seen = f))) {
    // read to the end
  }
  return seen;
}

async function fileIssueMessage(path: string): Promise<string> {
  try {
    for await (const _row of readSheet(path)) {
      // read to the end
    }
  } catch (err) {
    expect(err).toBeInstanceOf(SheetError);
    const issues = (err as SheetError).issues;
    expect(issues).toEqual([expect.objectContaining({ row: 0, column: '', value: '', reason: 'invalid_file' })]);
    return issues[0]?.message ?? '';
  }
  throw new Error(`${path} was read without error`);
}

const KOREAN_ROWS: Array<[number, string[]]> = [
  [1, ['SKU코드', '상품명', '옵션명', '판매자 정의 코드', '수량']],
  [2, ['A-001', '똠방각하 세트', '블랙 / L', '0012', '2']],
  [3, ['A-002', ' 앞뒤 공백 ', '_', '2024-01-02']],
  [4, ['A-003', '山田 ヤマダ', 'ＡＢＣ　가', '=1+1', '1.50']],
];

describe('encodings, detected from the bytes', () => {
  test('UTF-8 with BOM (Excel "CSV UTF-8"): fields untouched, never converted', async () => {
    expect(await texts(fixture('utf8-bom.csv'))).toEqual(KOREAN_ROWS);
    expect(await format(fixture('utf8-bom.csv'))).toEqual({ encoding: 'utf-8', delimiter: ',' });
  });

  test('UTF-8 without BOM, LF line ends', async () => {
    expect(await texts(fixture('utf8-nobom.csv'))).toEqual(KOREAN_ROWS);
    expect(await format(fixture('utf8-nobom.csv'))).toEqual({ encoding: 'utf-8', delimiter: ',' });
  });

  test('CP949 as Korean Excel saves "CSV": the extension range (똠, 쓩, 뷁, 햏) comes back exactly', async () => {
    expect(await texts(fixture('cp949.csv'))).toEqual([
      [1, ['SKU코드', '상품명', '옵션명']],
      [2, ['A-001', '똠방각하', '쓩']],
      [3, ['A-002', '뷁 햏', '똠얌꿍']],
      [4, ['A-003', '山田 ヤマダ', '0012']],
    ]);
    expect(await format(fixture('cp949.csv'))).toEqual({ encoding: 'cp949', delimiter: ',' });
  });

  test('CP932 (Shift_JIS) as Japanese Excel saves "CSV": kana, half-width katakana and the NEC/IBM extensions come back exactly', async () => {
    expect(await texts(fixture('cp932.csv'))).toEqual([
      [1, ['mall', 'product_name', 'option_text', 'sku_code', 'quantity']],
      [2, ['rakuten', '【送料無料】ふわふわ タオルハンカチ 綿100%', 'カラー:ピンク', 'JP-001', '1']],
      [3, ['rakuten', '【送料無料】ふわふわ タオルハンカチ 綿100%', 'ｶﾗｰ:ﾌﾞﾙｰ', 'JP-002', '2']],
      [4, ['rakuten', '①髙島屋　㈱限定ギフト', 'サイズ:Ｌ', 'JP-003']],
    ]);
    expect(await format(fixture('cp932.csv'))).toEqual({ encoding: 'ascii', delimiter: ',' }); // told at the English header
  });

  test('UTF-16LE with BOM, tab-separated (Excel "Unicode text"): commas stay inside fields', async () => {
    expect(await texts(fixture('unicode-text.txt'))).toEqual([
      [1, ['SKU코드', '상품명', '옵션명']],
      [2, ['A-001', '山田', '赤, L']],
      [3, ['A-002', '줄1\n줄2', '0012']],
    ]);
    expect(await format(fixture('unicode-text.txt'))).toEqual({ encoding: 'utf-16le', delimiter: '\t' });
  });
});

describe('records', () => {
  test('quoted line breaks stay in the field; blank records keep their numbers; ragged rows allowed', async () => {
    expect(await texts(fixture('quoted-breaks.csv'))).toEqual([
      [1, ['sku_code', 'sku_name', 'option_name']],
      [2, ['A-001', '줄1\n줄2', 'say "hi"']],
      // 3 is an empty line, 4 is ",," (all fields empty)
      [5, ['A-002', '멀티\n라인\n셋째', 'L', 'extra', 'fields']],
      [6, ['A-003']],
      [7, ['A-004', '0012', '2024-01-02']],
    ]);
  });

  test('semicolon-separated files are recognised from the header line', async () => {
    expect(await texts(fixture('semicolon.csv'))).toEqual([
      [1, ['sku_code', 'sku_name', 'option_name']],
      [2, ['A-001', 'Kaffee, stark', '1,5 kg']],
    ]);
  });
});

describe('files made at test time', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csv-reader-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('CP949 whose first 100 KB are ASCII: the first non-ASCII byte decides, rows before it are unchanged', async () => {
    const lines = ['sku_code,sku_name'];
    for (let i = 0; i < 5000; i++) lines.push(`CODE-${String(i).padStart(5, '0')},plain ascii name ${i}`);
    lines.push('CODE-LAST,똠방각하 쓩');
    const path = join(dir, 'late-hangul.csv');
    await writeFile(path, iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp949'));
    const rows = await texts(path);
    expect(rows).toHaveLength(5002);
    expect(rows[1]).toEqual([2, ['CODE-00000', 'plain ascii name 0']]);
    expect(rows.at(-1)).toEqual([5002, ['CODE-LAST', '똠방각하 쓩']]);
    expect(await format(path)).toEqual({ encoding: 'ascii', delimiter: ',' }); // told at the header; ASCII so far
  });

  test('a pure ASCII file', async () => {
    const path = join(dir, 'ascii.csv');
    await writeFile(path, 'a,b\r\n1,2\r\n');
    expect(await texts(path)).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
    ]);
  });

  test('UTF-8 that turns into another encoding after the first 64 KiB is refused, not garbled', async () => {
    const head = Buffer.from(`상품명\r\n${'가나다라마바사\r\n'.repeat(4000)}`, 'utf8');
    const path = join(dir, 'mixed.csv');
    await writeFile(path, Buffer.concat([head, iconv.encode('똠방각하\r\n', 'cp949')]));
    expect(await fileIssueMessage(path)).toMatch(/starts as UTF-8 text but later contains bytes that are not UTF-8/);
  });

  test('bytes that are neither UTF-8 nor CP949 nor Shift_JIS are refused, naming all three', async () => {
    const path = join(dir, 'garbage.csv');
    await writeFile(path, Buffer.from([0x61, 0x2c, 0x62, 0x0d, 0x0a, 0xff, 0xff, 0x2c, 0x80, 0x0d, 0x0a]));
    expect(await fileIssueMessage(path)).toMatch(/^The file is neither UTF-8 nor CP949 \(EUC-KR\) nor Shift_JIS \(CP932\) text/);
  });

  test('random high bytes are refused, not read as Korean or Japanese', async () => {
    let seed = 12345;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 128;
    const noise = Buffer.from(Array.from({ length: 400 }, () => 0x80 + random()));
    expect(iconv.decode(noise, 'cp949')).toContain('\uFFFD'); // the premise: neither decodes cleanly
    expect(iconv.decode(noise, 'cp932')).toContain('\uFFFD');
    const path = join(dir, 'noise.csv');
    await writeFile(path, Buffer.concat([Buffer.from('sku_code,sku_name\r\nA-1,'), noise, Buffer.from('\r\n')]));
    expect(await fileIssueMessage(path)).toMatch(/neither UTF-8 nor CP949 \(EUC-KR\) nor Shift_JIS \(CP932\) text \(invalid bytes after byte 23\)/); // the window's start
  });

  test('a kanji-only Shift_JIS sheet (also valid CP949 bytes) is read as Japanese', async () => {
    const bytes = iconv.encode('sku_code,在庫数\r\nTS-BLK-M,41\r\nrakuten,限定福袋\r\n', 'cp932');
    expect(iconv.decode(bytes, 'cp949')).not.toContain('\uFFFD'); // the premise: CP949 would take these bytes too
    const path = join(dir, 'kanji-only.csv');
    await writeFile(path, bytes);
    expect(await texts(path)).toEqual([
      [1, ['sku_code', '在庫数']],
      [2, ['TS-BLK-M', '41']],
      [3, ['rakuten', '限定福袋']],
    ]);
  });

  test('Korean with a common syllable beside extension-range ones (똠 慶, 뷁 誹 as CP932) stays Korean', async () => {
    for (const [name, text] of [
      ['ext1.csv', '똠 뷁 햏 쀍 양'],
      ['ext2.csv', '똠양꿍'],
      ['ext4.csv', '햏햏'],
    ] as const) {
      const bytes = iconv.encode(`sku_code,sku_name\r\nA-1,${text}\r\n`, 'cp949');
      const path = join(dir, name);
      await writeFile(path, bytes);
      expect(await texts(path)).toEqual([
        [1, ['sku_code', 'sku_name']],
        [2, ['A-1', text]],
      ]);
    }
  });

  test('a quote never closed is named, with its line', async () => {
    const path = join(dir, 'open-quote.csv');
    await writeFile(path, 'a,b\r\n1,"never closed\r\n2,3\r\n');
    expect(await fileIssueMessage(path)).toMatch(/^A quoted field is never closed \(line \d+\)/);
  });

  test('mixed line endings (LF, CRLF, CR) each end a record; quoted ones stay in the field as \\n', async () => {
    const path = join(dir, 'mixed-endings.csv');
    await writeFile(path, 'a,b\nc,d\r\ne,"f\r\ng"\rh,i\r\n');
    expect(await texts(path)).toEqual([
      [1, ['a', 'b']],
      [2, ['c', 'd']],
      [3, ['e', 'f\ng']],
      [4, ['h', 'i']],
    ]);
  });

  test('a header line without any delimiter is one column', async () => {
    const path = join(dir, 'one-column.csv');
    await writeFile(path, 'sku_code\r\nA;1\r\n');
    expect(await texts(path)).toEqual([
      [1, ['sku_code']],
      [2, ['A;1']],
    ]);
  });
});

describe('delimiter detection', () => {
  test('most frequent of comma, tab, semicolon outside quotes; comma on a tie or none', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('"a;b;c",d')).toBe(',');
    expect(detectDelimiter('a,b;c')).toBe(',');
    expect(detectDelimiter('Name, English\tCode\tPrice')).toBe('\t');
    expect(detectDelimiter('sku_code')).toBe(',');
  });

  test('the header line ends at the first line break outside quotes', () => {
    expect(headerLineEnd('a,b\r\nc')).toBe(3);
    expect(headerLineEnd('"a\nb",c\nd')).toBe(7);
    expect(headerLineEnd('a,b')).toBeUndefined();
  });
});

describe('decodeCsvBytes', () => {
  async function decodeInPieces(bytes: Buffer, size: number): Promise<{ text: string; encoding: string | undefined }> {
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    }
    let encoding: string | undefined;
    let text = '';
    for await (const t of decodeCsvBytes(pieces(), (e) => (encoding = e))) text += t;
    return { text, encoding };
  }
  const sample = 'code,name\r\nA-1,똠방각하 쓩 山田 ヤマダ\r\n';

  test.each([1, 2, 3, 7, 4096])('the same text whatever the chunk size (%i bytes)', async (size) => {
    expect(await decodeInPieces(Buffer.from(sample, 'utf8'), size)).toEqual({ text: sample, encoding: 'utf-8' });
    expect(await decodeInPieces(iconv.encode(sample, 'cp949'), size)).toEqual({ text: sample, encoding: 'cp949' });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample, 'utf8')]);
    expect(await decodeInPieces(bom, size)).toEqual({ text: sample, encoding: 'utf-8' });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sample, 'utf16le')]);
    expect(await decodeInPieces(utf16, size)).toEqual({ text: sample, encoding: 'utf-16le' });
  });

  test('a UTF-8 sequence cut at the end of the sample window does not count against UTF-8', () => {
    const bytes = Buffer.from('가나', 'utf8'); // EA B0 80 EB 82 98
    expect(completeUtf8Prefix(bytes.subarray(0, 5), false)).toEqual(bytes.subarray(0, 3));
    expect(completeUtf8Prefix(bytes.subarray(0, 4), false)).toEqual(bytes.subarray(0, 3));
    expect(completeUtf8Prefix(bytes, false)).toEqual(bytes);
    expect(completeUtf8Prefix(bytes.subarray(0, 5), true)).toEqual(bytes.subarray(0, 5));
  });
});

describe('rows longer than the header, and our own formula escape', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mb-csv-extra-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const problems = async (path: string) => {
    const out: Array<[number, string | undefined, string | undefined]> = [];
    for await (const row of readSheet(path)) out.push([row.row, row.problem?.value, row.problem?.message]);
    return out;
  };

  test('a value past the header\'s last column marks the row (an unquoted comma); shorter rows and trailing empty fields do not', async () => {
    const path = await write('extra.csv', 'sku_code,sku_name,seller_code\r\nR-1,Shirt,RC-1\r\nR-2,Short\r\nR-3,Shirt, blue,RC-3\r\nR-4,Sock,RC-4,,\r\n');
    expect(await problems(path)).toEqual([
      [1, undefined, undefined],
      [2, undefined, undefined],
      [3, undefined, undefined],
      [4, 'R-3,Shirt, blue,RC-3', 'row has 4 fields, the header 3: a comma inside a value must be in double quotes (save the file from Excel as CSV UTF-8 to have that done), or give the extra column a header'],
      [5, undefined, undefined],
    ]);
    const tabs = await write('extra.txt', 'sku_code\tsku_name\r\nA\tB\tC\r\n');
    expect((await problems(tabs))[1]![2]).toMatch(/^row has 3 fields, the header 2: a tab inside a value/);
  });

  test('an apostrophe before = + - @ (what our CSV files write) is taken off; any other apostrophe stays', async () => {
    const path = await write('escaped.csv', "a,b,c,d,e,f,g\r\n'=1+2,'+red,'-PROMO-1,'@home,'0012,''-x,it's\r\n");
    expect(await texts(path)).toEqual([
      [1, ['a', 'b', 'c', 'd', 'e', 'f', 'g']],
      [2, ['=1+2', '+red', '-PROMO-1', '@home', "'0012", "''-x", "it's"]],
    ]);
  });
});
