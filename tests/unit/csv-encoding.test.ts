/**
 * CP949 or CP932 for a CSV that is not UTF-8: Korean is never read as Japanese; Japanese that is
 * not valid CP949 is read as CP932, whatever the chunk sizes.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { decodeCsvBytes, legacyEncoding } from '../../mappings/csv-encoding.js';

async function decodeInPieces(bytes: Buffer, size: number): Promise<{ text: string; encoding: string | undefined }> {
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  }
  let encoding: string | undefined;
  let text = '';
  for await (const t of decodeCsvBytes(pieces(), (e) => (encoding = e))) text += t;
  return { text, encoding };
}

const isClean = (bytes: Buffer, encoding: string): boolean => !iconv.decode(bytes, encoding).includes('\uFFFD');

describe('legacyEncoding', () => {
  test.each([
    '햏', '햏햏', '쓩', '똠방각하', '뷁 방', '가나다', '상품명,옵션값', '山田 ヤマダ', '갂 방',
  ])('Korean stays CP949: %s', (text) => {
    const bytes = iconv.encode(text, 'cp949');
    expect(legacyEncoding(bytes, true)).toBe('cp949');
    expect(legacyEncoding(bytes, false)).toBe('cp949');
  });

  test('every Hangul syllable beside a common one stays CP949, also where the bytes are valid CP932', () => {
    let alsoCp932 = 0;
    for (let code = 0xac00; code <= 0xd7a3; code++) {
      const bytes = iconv.encode(`${String.fromCharCode(code)}가`, 'cp949');
      if (isClean(bytes, 'cp932')) alsoCp932++;
      expect([code, legacyEncoding(bytes, true)]).toEqual([code, 'cp949']);
    }
    expect(alsoCp932).toBeGreaterThan(1000); // the premise: the question is real
  });

  test.each(['タオルハンカチ', 'カラー:ピンク', 'ｶﾗｰ,', '綿100%　', 'ふわふわ タオル', '①'])('Japanese that is not valid CP949 is CP932: %s', (text) => {
    const bytes = iconv.encode(text, 'cp932');
    expect(isClean(bytes, 'cp949')).toBe(false); // the premise
    expect(legacyEncoding(bytes, true)).toBe('cp932');
  });

  test.each(['【送料無料】ふわふわ', 'ふわふわ', '島屋「限定」', '在庫数、', '数量：１'])('Japanese that is also valid CP949, with kana or full-width punctuation, is CP932: %s', (text) => {
    const bytes = iconv.encode(text, 'cp932');
    expect(isClean(bytes, 'cp949')).toBe(true); // the premise: 걓몭뿿뼰뿿걕귅귦귅귦 as CP949
    expect(legacyEncoding(bytes, true)).toBe('cp932');
  });

  test.each(['在庫数', '㈱', '限定福袋', '高級緑茶', '数量限定'])('kanji-only Japanese that is also valid CP949 but has no KS X 1001 pair is CP932: %s', (text) => {
    const bytes = iconv.encode(text, 'cp932');
    expect(isClean(bytes, 'cp949')).toBe(true); // the premise: 在庫数 reads 띪뚆릶 as CP949
    expect(legacyEncoding(bytes, true)).toBe('cp932');
  });

  // The price of the rule above: extension-range syllables alone (no common syllable anywhere in the
  // window) read as Shift_JIS kanji. No real Korean sheet is written in those alone.
  test.each(['똠', '뷁', '쀍', '똠뷁', '똠 뷁 햏 쀍'])('extension-range Hangul alone that is valid CP932 is taken as Japanese: %s', (text) => {
    expect(legacyEncoding(iconv.encode(text, 'cp949'), true)).toBe('cp932');
  });

  // 髙 is FB FC, a KS X 1001 pair as CP949, so it keeps CP949 even beside kana.
  test.each(['髙', '髙島屋「限定」'])('ambiguous (a pair that looks like KS X 1001) stays CP949: %s', (text) => {
    expect(legacyEncoding(iconv.encode(text, 'cp932'), true)).toBe('cp949');
  });

  test('a lead byte cut at the end of the window counts only at the end of the file', () => {
    const cut = iconv.encode('タオ', 'cp932').subarray(0, 3); // 83 5E 83
    expect(legacyEncoding(cut, false)).toBe('cp932');
    expect(legacyEncoding(Buffer.from([0xb0, 0xa1, 0xb0]), false)).toBe('cp949'); // 가 + a cut lead
  });

  test('neither decoding cleanly falls to CP949, whose decoder refuses the file', () => {
    expect(legacyEncoding(Buffer.from([0x80, 0xff, 0xfd]), true)).toBe('cp949');
  });
});

describe('decodeCsvBytes with CP932', () => {
  const sample = 'mall,product_name,option_text\r\nrakuten,【送料無料】ふわふわ タオル 綿100%,ｶﾗｰ:ﾋﾟﾝｸ ① ㈱ 髙\r\n';

  test.each([1, 2, 3, 7, 4096])('the same text whatever the chunk size (%i bytes)', async (size) => {
    expect(await decodeInPieces(iconv.encode(sample, 'cp932'), size)).toEqual({ text: sample, encoding: 'cp932' });
  });

  test('the cp932.csv fixture (ASCII header, Japanese from row 2) is detected as CP932', async () => {
    const bytes = await readFile(fileURLToPath(new URL('../fixtures/sheets/cp932.csv', import.meta.url)));
    const { text, encoding } = await decodeInPieces(bytes, 64 * 1024);
    expect(encoding).toBe('cp932');
    expect(text).toContain('rakuten,【送料無料】ふわふわ タオルハンカチ 綿100%,ｶﾗｰ:ﾌﾞﾙｰ,JP-002,2\r\n');
  });

  test('a double-byte character cut by the 64 KiB decision window', async () => {
    const text = `${'タ'.repeat(40_000)},x\r\n`; // 83 5E each: the window (65 537 bytes, odd) ends on a lead byte
    expect(await decodeInPieces(iconv.encode(text, 'cp932'), 65_537)).toEqual({ text, encoding: 'cp932' });
  });
});
