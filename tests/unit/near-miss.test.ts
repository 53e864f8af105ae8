import { codeSuggestions, loose, nameSuggestions } from '../../mappings/near-miss.js';

describe('near-miss suggestions (offered, never applied)', () => {
  test('loose form ignores width, case and spaces only', () => {
    expect(loose('サイズ:２５ＣＭ　赤')).toBe(loose('サイズ:25cm 赤'));
    expect(loose('TS-BLK-M')).toBe(loose(' ts - blk - m '));
    expect(loose('TS-BLK-M')).not.toBe(loose('TS-BLK-L'));
  });

  test('codes that differ only in case or width are suggested; the code itself is not', () => {
    expect(codeSuggestions('ts-blk-m', ['TS-BLK-M', 'TS-BLK-L', 'ts-blk-m'])).toEqual(['TS-BLK-M']);
    expect(codeSuggestions('ＴＳ－ＢＬＫ－Ｍ', ['TS-BLK-M'])).toEqual(['TS-BLK-M']);
    expect(codeSuggestions('XX', ['TS-BLK-M'])).toEqual([]);
  });

  test('name + option: the same text in another width first, then the same product with other options, at most 3', () => {
    const registered = [
      { productName: 'タオル', optionText: 'カラー:ピンク\nサイズ:25cm' },
      { productName: 'タオル', optionText: 'カラー:ブルー\nサイズ:25cm' },
      { productName: 'タオル', optionText: 'カラー:白' },
      { productName: 'タオル', optionText: 'カラー:黒' },
      { productName: '帽子', optionText: '' },
    ];
    const got = nameSuggestions({ productName: 'タオル', optionText: 'カラー:ピンク\nサイズ:２５cm' }, registered);
    expect(got[0]).toEqual(registered[0]);
    expect(got).toHaveLength(3);
    expect(nameSuggestions({ productName: '靴', optionText: '' }, registered)).toEqual([]);
  });
});
