import { nameKeyId, type Component } from '../../data/stores/catalog.js';
import { resolveLine, type MappingLookups } from '../../mappings/resolver.js';

const c = (mappingId: number, skuCode: string, quantity = 1): Component => ({ mappingId, skuId: mappingId * 10, skuCode, quantity });

function lookups(codes: Record<string, Component[]>, names: Array<[string, string, Component[]]> = []): MappingLookups {
  return { sellerCode: 'demo', codes: new Map(Object.entries(codes)), names: new Map(names.map(([p, o, comps]) => [nameKeyId({ productName: p, optionText: o }), comps])) };
}

describe('mapping an order line (design.md §4)', () => {
  const L = lookups({ 'TS-BLK-M': [c(1, 'TS-BLK-M')], 'GIFTSET-A': [c(2, 'MUG-01'), c(3, 'SOCK-GRY', 2)] }, [['ふわふわ タオル', 'カラー:ピンク\nサイズ:25cm', [c(9, 'HANKY-PNK')]]]);

  test('by seller code, exact after trimming; a bundle returns all its components and the rows that matched', () => {
    expect(resolveLine({ mall: 'naver', sellerCode: ' GIFTSET-A ', sellerCodeField: 'sellerProductCode', productName: 'x', optionText: '' }, L)).toEqual({ status: 'mapped', rule: 'seller_code', components: [c(2, 'MUG-01'), c(3, 'SOCK-GRY', 2)], ref: 'sku_codes:2,3' });
  });

  test('codes are case-sensitive: ts-blk-m is not TS-BLK-M', () => {
    expect(resolveLine({ mall: 'naver', sellerCode: 'ts-blk-m', sellerCodeField: 'optionManageCode', productName: 'x', optionText: 'y' }, L)).toMatchObject({ status: 'unmapped', kind: 'code_not_registered' });
  });

  test('Rakuten falls back to the exact name + option text (trimmed around, line breaks kept)', () => {
    expect(resolveLine({ mall: 'rakuten', sellerCode: null, sellerCodeField: 'merchantDefinedSkuId', productName: 'ふわふわ タオル', optionText: 'カラー:ピンク\nサイズ:25cm ' }, L)).toMatchObject({ status: 'mapped', rule: 'name_option', ref: 'name_mappings:9' });
  });

  test('near misses are not matched: full-width digits, inner spaces, case', () => {
    for (const optionText of ['カラー:ピンク\nサイズ:２５cm', 'カラー: ピンク\nサイズ:25cm', 'カラー:ピンク\nサイズ:25CM', 'カラー:ピンク サイズ:25cm']) {
      expect(resolveLine({ mall: 'rakuten', sellerCode: null, sellerCodeField: 'merchantDefinedSkuId', productName: 'ふわふわ タオル', optionText }, L)).toMatchObject({ status: 'unmapped', kind: 'name_not_registered' });
    }
  });

  test('Naver never uses the name fallback', () => {
    const naverNames = lookups({}, [['p', 'o', [c(1, 'A')]]]);
    expect(resolveLine({ mall: 'naver', sellerCode: null, sellerCodeField: 'sellerProductCode', productName: 'p', optionText: 'o' }, naverNames)).toMatchObject({ status: 'unmapped', kind: 'no_code' });
  });

  test('reasons a seller can act on', () => {
    expect(resolveLine({ mall: 'naver', sellerCode: 'TS-RED-S', sellerCodeField: 'optionManageCode', productName: 'x', optionText: 'y' }, L)).toMatchObject({ reason: expect.stringContaining('code TS-RED-S (optionManageCode) is not registered for seller demo') });
    expect(resolveLine({ mall: 'naver', sellerCode: null, sellerCodeField: 'optionManageCode', productName: 'x', optionText: 'y' }, L)).toMatchObject({ reason: expect.stringContaining('the option has no 판매자 관리 코드') });
    expect(resolveLine({ mall: 'rakuten', sellerCode: 'X1', sellerCodeField: 'itemNumber', productName: 'x', optionText: '' }, L)).toMatchObject({ kind: 'code_not_registered', reason: expect.stringContaining('not in a name + option sheet either') });
  });
});
