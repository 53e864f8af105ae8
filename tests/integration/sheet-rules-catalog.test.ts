/**
 * Every column and row rule of design.md §4a for the catalog sheets (SKU, name + option, stock):
 * one committed fixture per rule (tests/fixtures/sheets/rules/), imported through the real
 * pipelines. A good fixture: what the database holds afterwards. A broken one: every issue (row,
 * column, reason, value) and a database left exactly as it was. Shipment sheets:
 * sheet-rules-shipments.test.ts.
 *
 * Each fixture is imported for a seller of its own, seeded with SKUs SOCK-1 (양말), CUP-1 (컵),
 * 0012 (제로 코드), 123450 (숫자 코드), seller code SET-OLD → SOCK-1 and the rakuten key
 * 타월 세트 / カラー:白 → SOCK-1; seller `other` owns OTHER-1 and the same code and key (for
 * OTHER-1), which must not count.
 */
import { insertNameMappings, insertSkuCodes, insertSkus } from '../../data/stores/catalog.js';
import { insertSeller, type Seller } from '../../data/stores/sellers.js';
import type { ImportSummary } from '../../pipelines/sheets/apply.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { importStockSheet } from '../../pipelines/sheets/import-stock.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture } from '../helpers/pipeline.js';
import { everything, issuesOf, NOW, rule, sorted, type Issue } from '../helpers/sheet-rules.js';

type SkuRow = [code: string, name: string, option: string | null, barcode: string | null, onHand: number | null];
type CodeRow = [sellerCode: string, skuCode: string, quantity: number];
type NameRow = [mall: string, productName: string, optionText: string, skuCode: string, quantity: number];
interface Catalog {
  skus: SkuRow[];
  codes: CodeRow[];
  names: NameRow[];
}

const SEED_SKUS: SkuRow[] = [
  ['SOCK-1', '양말', null, null, null],
  ['CUP-1', '컵', null, null, null],
  ['0012', '제로 코드', null, null, null],
  ['123450', '숫자 코드', null, null, null],
];
const SEED_CODES: CodeRow[] = [['SET-OLD', 'SOCK-1', 1]];
const SEED_NAMES: NameRow[] = [['rakuten', '타월 세트', 'カラー:白', 'SOCK-1', 1]];
const SEED: Catalog = { skus: SEED_SKUS, codes: SEED_CODES, names: SEED_NAMES };
const withSkus = (...skus: SkuRow[]): SkuRow[] => [...SEED_SKUS, ...skus];
const onHand = (counts: Record<string, number>): SkuRow[] => SEED_SKUS.map(([c, n, o, b]) => [c, n, o, b, counts[c] ?? null]);

const CODE_50 = `L50-${'x'.repeat(46)}`;
const CODE_51 = `L51-${'x'.repeat(47)}`;
const NAME_200 = '가'.repeat(200);
const NAME_201 = '나'.repeat(201);
const NAME_200_ASTRAL = `${'😀'.repeat(10)}${'다'.repeat(190)}`;

type Kind = 'sku' | 'names' | 'stock';
const importers = { sku: importSkuSheet, names: importNameSheet, stock: importStockSheet };

/** A good catalog fixture: the seller's catalog afterwards, and optionally parts of the summary. */
interface Good {
  file: string;
  kind: Kind;
  catalog: Catalog;
  summary?: Partial<ImportSummary>;
}

const GOOD: Good[] = [
  // SKU sheets
  { file: 'sku-good-english-headers.csv', kind: 'sku', catalog: { ...SEED, skus: withSkus(['EN-1', 'Apple', 'Red', '8801234567890', null]), codes: [...SEED_CODES, ['SC-EN', 'EN-1', 1]] } },
  { file: 'sku-good-korean-headers.csv', kind: 'sku', catalog: { ...SEED, skus: withSkus(['KO-1', '티셔츠', '블랙 / L', '8800000000001', null]), codes: [...SEED_CODES, ['SC-KO', 'KO-1', 2]] } },
  { file: 'sku-good-other-aliases.csv', kind: 'sku', catalog: { ...SEED, skus: withSkus(['AL-1', '별칭 하나', null, null, null]), codes: [...SEED_CODES, ['SC-AL1', 'AL-1', 1]] } },
  { file: 'sku-good-manage-code-alias.csv', kind: 'sku', catalog: { ...SEED, skus: withSkus(['AL-2', '별칭 둘', null, null, null]), codes: [...SEED_CODES, ['SC-AL2', 'AL-2', 1]] } },
  { file: 'sku-good-unknown-columns.csv', kind: 'sku', catalog: { ...SEED, skus: withSkus(['UN-1', '알 수 없는 열', null, null, null]) }, summary: { unknownColumns: ['비고', 'memo'] } },
  {
    file: 'sku-good-code-format.csv',
    kind: 'sku',
    catalog: { ...SEED, skus: withSkus([CODE_50, '오십 자', null, null, null], ['a_b-C9', '섞인 문자', null, null, null], ['Z', '한 글자', null, null, null], ['007', '앞 영', null, null, null]) },
  },
  {
    file: 'sku-good-name-text.csv',
    kind: 'sku',
    catalog: { ...SEED, skus: withSkus(['NM-1', NAME_200, null, null, null], ['NM-2', 'Ｔシャツ\u3000白', null, null, null], ['NM-3', '줄1\n줄2', 'S  /  M', null, null], ['NM-4', '=1+2 컵', '+red', null, null], ['NM-5', NAME_200_ASTRAL, null, null, null]) },
  },
  {
    file: 'sku-good-quantity.csv',
    kind: 'sku',
    catalog: {
      ...SEED,
      skus: withSkus(['QT-1', '기본 수량', null, null, null], ['QT-2', '멀티팩', null, null, null], ['QT-3', '최대', null, null, null], ['QT-4', '공백', null, null, null]),
      codes: [...SEED_CODES, ['SC-Q1', 'QT-1', 1], ['SC-Q2', 'QT-2', 6], ['SC-Q3', 'QT-3', 999999], ['SC-Q4', 'QT-4', 3]],
    },
  },
  {
    file: 'sku-good-bundle.csv',
    kind: 'sku',
    catalog: { ...SEED, skus: withSkus(['BD-1', '세트 구성 1', null, null, null], ['BD-2', '세트 구성 2', null, null, null]), codes: [...SEED_CODES, ['BUNDLE-1', 'BD-1', 1], ['BUNDLE-1', 'BD-2', 2], ['BUNDLE-1', 'SOCK-1', 1]] },
    summary: { changes: { skus: { inserted: 2, updated: 0, unchanged: 1 }, seller_codes: { inserted: 3, updated: 0, unchanged: 0 } } },
  },
  {
    file: 'sku-good-seller-code.csv',
    kind: 'sku',
    catalog: {
      ...SEED,
      skus: withSkus(['SC-1', '코드 없음', null, null, null], ['SC-2', '소문자', null, null, null], ['SC-3', '대문자', null, null, null], ['SC-4', '선행 영', null, null, null], ['SC-5', '공식 같은', null, null, null]),
      codes: [...SEED_CODES, ['abc', 'SC-2', 1], ['ABC', 'SC-3', 1], ['0012', 'SC-4', 1], ['-PROMO', 'SC-5', 1]],
    },
  },
  {
    file: 'sku-good-option-barcode.csv',
    kind: 'sku',
    catalog: { ...SEED, skus: withSkus(['OB-1', '옵션 없음', null, null, null], ['OB-2', '바코드 영', '색상:빨강\n사이즈:L', '0088012345678', null], ['OB-3', '날짜 모양', '2024-01-02', '1.50', null]) },
  },
  {
    file: 'sku-good-update.csv',
    kind: 'sku',
    catalog: { ...SEED, skus: [['SOCK-1', '양말 (새 이름)', '그레이', null, null], ...SEED_SKUS.slice(1)] },
    summary: { changes: { skus: { inserted: 0, updated: 1, unchanged: 1 }, seller_codes: { inserted: 0, updated: 0, unchanged: 1 } } },
  },
  { file: 'sku-good-row-numbers.csv', kind: 'sku', catalog: { ...SEED, skus: withSkus(['RN-1', '여러\n줄', null, null, null], ['RN-2', '다음', null, null, null]) }, summary: { rows: 2 } },
  {
    file: 'sku-good-typed.xlsx',
    kind: 'sku',
    catalog: {
      ...SEED,
      skus: withSkus(['654321', '숫자 코드', '빨강 / L', '8801234567890', null], ['0099', '앞 영', null, '0088012345678', null], ['XL-5', '다섯째 행', null, null, null]),
      codes: [...SEED_CODES, ['0099', '654321', 2], ['123450', '0099', 3], ['=SUM(A1)', 'XL-5', 1]],
    },
    summary: { sheet: 'Sheet1', rows: 3 },
  },
  // name + option sheets
  { file: 'names-good-english.csv', kind: 'names', catalog: { ...SEED, names: [...SEED_NAMES, ['rakuten', 'Towel', 'Color:Blue', 'SOCK-1', 1], ['naver', '머그컵', '', 'CUP-1', 1]] } },
  {
    file: 'names-good-korean.csv',
    kind: 'names',
    catalog: {
      ...SEED,
      names: [
        ...SEED_NAMES,
        ['rakuten', '몰 이름 1', '', 'SOCK-1', 1],
        ['rakuten', '몰 이름 2', '', 'SOCK-1', 1],
        ['rakuten', '몰 이름 3', '', 'SOCK-1', 1],
        ['rakuten', '몰 이름 4', '', 'SOCK-1', 1],
        ['naver', '몰 이름 5', '', 'CUP-1', 1],
        ['naver', '몰 이름 6', '', 'CUP-1', 1],
        ['naver', '몰 이름 7', '', 'CUP-1', 1],
        ['naver', '몰 이름 8', '', 'CUP-1', 1],
      ],
    },
  },
  {
    file: 'names-good-exact-text.csv',
    kind: 'names',
    catalog: {
      ...SEED,
      names: [
        ...SEED_NAMES,
        ['rakuten', 'Tシャツ', 'S', 'SOCK-1', 1],
        ['rakuten', 'Ｔシャツ', 'S', 'CUP-1', 1],
        ['rakuten', 'tシャツ', 'S', '0012', 1],
        ['rakuten', 'T シャツ', 'S', '123450', 1],
        ['rakuten', 'T\u3000シャツ', 's', 'SOCK-1', 1],
        ['rakuten', '【送料無料】タオル', 'カラー:ピンク\nサイズ:25cm', 'CUP-1', 1],
        ['rakuten', '=HYPERLINK("x")', '@home', '0012', 1],
      ],
    },
  },
  { file: 'names-good-empty-option.csv', kind: 'names', catalog: { ...SEED, names: [...SEED_NAMES, ['rakuten', '옵션 없음', '', 'SOCK-1', 1], ['rakuten', '공백 옵션', '', 'CUP-1', 1]] } },
  { file: 'names-good-no-option-column.csv', kind: 'names', catalog: { ...SEED, names: [...SEED_NAMES, ['naver', '옵션 열 없음', '', 'CUP-1', 1]] } },
  {
    file: 'names-good-bundle.csv',
    kind: 'names',
    catalog: { ...SEED, names: [...SEED_NAMES, ['rakuten', '세트', 'A', 'SOCK-1', 2], ['rakuten', '세트', 'A', 'CUP-1', 1], ['rakuten', 'タオル セット', 'カラー:白', 'SOCK-1', 3]] },
    summary: { changes: { name_mappings: { inserted: 3, updated: 0, unchanged: 0 } } },
  },
  {
    file: 'names-good-stored-key.csv',
    kind: 'names',
    catalog: { ...SEED, names: [['rakuten', '타월 세트', 'カラー:白', 'SOCK-1', 2]] },
    summary: { changes: { name_mappings: { inserted: 0, updated: 1, unchanged: 0 } } },
  },
  // stock sheets
  { file: 'stock-good.csv', kind: 'stock', catalog: { ...SEED, skus: onHand({ 'SOCK-1': 0, 'CUP-1': 120, '0012': 999999999 }) }, summary: { changes: { on_hand: { inserted: 0, updated: 3, unchanged: 0 } } } },
  { file: 'stock-good-korean.csv', kind: 'stock', catalog: { ...SEED, skus: onHand({ 'SOCK-1': 5, 'CUP-1': 7 }) } },
  { file: 'stock-good-aliases.csv', kind: 'stock', catalog: { ...SEED, skus: onHand({ 'SOCK-1': 3 }) }, summary: { unknownColumns: ['비고'] } },
  { file: 'stock-good-japanese.csv', kind: 'stock', catalog: { ...SEED, skus: onHand({ '0012': 1 }) } },
  { file: 'stock-good-typed.xlsx', kind: 'stock', catalog: { ...SEED, skus: onHand({ '123450': 7, '0012': 3, 'SOCK-1': 0 }) } },
];

const BAD: Array<{ file: string; kind: Kind; issues: Issue[] }> = [
  // SKU sheets: cells
  {
    file: 'sku-bad-code-format.csv',
    kind: 'sku',
    issues: [
      [2, 'sku_code', 'invalid_format', 'BAD CODE'],
      [3, 'sku_code', 'invalid_format', '코드-1'],
      [4, 'sku_code', 'invalid_format', 'A.1'],
      [5, 'sku_code', 'invalid_format', 'ＡＢＣ'],
      [6, 'sku_code', 'too_long', CODE_51],
    ],
  },
  {
    file: 'sku-bad-required.csv',
    kind: 'sku',
    issues: [
      [2, 'sku_code', 'required', ''],
      [3, 'sku_name', 'required', ''],
      [4, 'sku_name', 'required', ''],
      [5, 'sku_code', 'required', ''],
      [5, 'sku_name', 'required', ''],
    ],
  },
  { file: 'sku-bad-name-too-long.csv', kind: 'sku', issues: [[2, 'sku_name', 'too_long', NAME_201]] },
  {
    file: 'sku-bad-quantity.csv',
    kind: 'sku',
    issues: [
      [2, 'quantity', 'invalid_quantity', '0'],
      [3, 'quantity', 'invalid_quantity', '-1'],
      [4, 'quantity', 'invalid_quantity', '1.5'],
      [5, 'quantity', 'invalid_quantity', 'two'],
      [6, 'quantity', 'invalid_quantity', '1,000'],
      [7, 'quantity', 'invalid_quantity', '1000000'],
      [8, 'quantity', 'invalid_quantity', '２'],
      [9, 'quantity', 'invalid_quantity', '1e2'],
    ],
  },
  { file: 'sku-bad-row-numbers.csv', kind: 'sku', issues: [[5, 'sku_code', 'invalid_format', 'RB 2']] },
  {
    file: 'sku-bad-typed.xlsx',
    kind: 'sku',
    issues: [
      [2, 'seller_code', 'invalid_format', '2024-01-02'],
      [3, 'sku_name', 'invalid_format', '#N/A'],
      [4, 'option_name', 'invalid_format', 'TRUE'],
      [5, 'quantity', 'invalid_quantity', '1.5'],
      [6, 'quantity', 'invalid_quantity', '0'],
      [7, 'sku_code', 'invalid_format', '1.5'],
    ],
  },
  // SKU sheets: across rows and against what is stored
  { file: 'sku-bad-duplicate.csv', kind: 'sku', issues: [[4, 'quantity', 'duplicate', '2']] },
  {
    file: 'sku-bad-conflict.csv',
    kind: 'sku',
    issues: [
      [3, 'sku_name', 'conflict', '이름 둘'],
      [4, 'option_name', 'conflict', '파랑'],
      [5, 'barcode', 'conflict', '222'],
      [8, 'sku_name', 'conflict', '대소문자 X'],
    ],
  },
  { file: 'sku-bad-seller-code-conflict.csv', kind: 'sku', issues: [[2, 'seller_code', 'seller_code_conflict', 'SET-OLD']] },
  { file: 'sku-bad-seller-code-added-component.csv', kind: 'sku', issues: [[3, 'seller_code', 'seller_code_conflict', 'SET-OLD']] },
  // SKU sheets: header
  { file: 'sku-bad-no-header.csv', kind: 'sku', issues: [[1, '', 'no_header', '']] },
  { file: 'sku-bad-blank-first-row.csv', kind: 'sku', issues: [[1, '', 'no_header', '']] },
  { file: 'sku-bad-missing-column.csv', kind: 'sku', issues: [[1, 'sku_name', 'missing_column', '']] },
  {
    file: 'sku-bad-missing-columns.csv',
    kind: 'sku',
    issues: [
      [1, 'sku_code', 'missing_column', ''],
      [1, 'sku_name', 'missing_column', ''],
    ],
  },
  { file: 'sku-bad-header-case.csv', kind: 'sku', issues: [[1, 'sku_code', 'missing_column', '']] },
  {
    file: 'sku-bad-duplicate-column.csv',
    kind: 'sku',
    issues: [
      [1, 'SKU코드, sku_code', 'duplicate_column', ''],
      [1, '상품명, SKU명', 'duplicate_column', ''],
    ],
  },
  { file: 'sku-bad-no-data.csv', kind: 'sku', issues: [[2, '', 'no_data', '']] },
  // name + option sheets
  {
    file: 'names-bad-mall.csv',
    kind: 'names',
    issues: [
      [2, 'mall', 'invalid_format', 'amazon'],
      [3, 'mall', 'required', ''],
      [4, 'mall', 'invalid_format', 'Rakuten Ichiba'],
      [5, 'mall', 'invalid_format', 'ラクテン'],
    ],
  },
  {
    file: 'names-bad-required.csv',
    kind: 'names',
    issues: [
      [2, 'product_name', 'required', ''],
      [3, 'product_name', 'required', ''],
      [4, 'sku_code', 'required', ''],
    ],
  },
  {
    file: 'names-bad-sku-code.csv',
    kind: 'names',
    issues: [
      [2, 'sku_code', 'unknown_sku', 'NOPE-1'],
      [3, 'sku_code', 'unknown_sku', 'OTHER-1'],
      [4, 'sku_code', 'unknown_sku', 'sock-1'],
      [5, 'sku_code', 'invalid_format', 'SOCK 1'],
    ],
  },
  {
    file: 'names-bad-quantity.csv',
    kind: 'names',
    issues: [
      [2, 'quantity', 'invalid_quantity', '0'],
      [3, 'quantity', 'invalid_quantity', 'x'],
      [4, 'quantity', 'invalid_quantity', '2.0'],
    ],
  },
  { file: 'names-bad-duplicate.csv', kind: 'names', issues: [[4, 'quantity', 'duplicate', '3']] },
  { file: 'names-bad-conflict.csv', kind: 'names', issues: [[2, 'sku_code', 'conflict', 'CUP-1']] },
  { file: 'names-bad-missing-column.csv', kind: 'names', issues: [[1, 'product_name', 'missing_column', '']] },
  { file: 'names-bad-missing-mall.csv', kind: 'names', issues: [[1, 'mall', 'missing_column', '']] },
  // stock sheets
  {
    file: 'stock-bad-on-hand.csv',
    kind: 'stock',
    issues: [
      [2, 'on_hand', 'invalid_quantity', '-1'],
      [3, 'on_hand', 'invalid_quantity', '1.5'],
      [4, 'on_hand', 'invalid_quantity', 'abc'],
      [5, 'on_hand', 'required', ''],
      [6, 'on_hand', 'invalid_quantity', '1000000000'],
      [7, 'on_hand', 'invalid_quantity', '1,000'],
    ],
  },
  {
    file: 'stock-bad-unknown-sku.csv',
    kind: 'stock',
    issues: [
      [2, 'sku_code', 'unknown_sku', 'NOPE-1'],
      [3, 'sku_code', 'unknown_sku', 'OTHER-1'],
      [4, 'sku_code', 'unknown_sku', 'sock-1'],
    ],
  },
  { file: 'stock-bad-duplicate.csv', kind: 'stock', issues: [[4, 'on_hand', 'duplicate', '3']] },
  { file: 'stock-bad-missing-column.csv', kind: 'stock', issues: [[1, 'on_hand', 'missing_column', '']] },
  { file: 'stock-bad-no-header.csv', kind: 'stock', issues: [[1, '', 'no_header', '']] },
  {
    file: 'stock-bad-typed.xlsx',
    kind: 'stock',
    issues: [
      [2, 'on_hand', 'invalid_format', '#REF!'],
      [3, 'on_hand', 'invalid_quantity', '2.5'],
      [4, 'on_hand', 'invalid_format', '2024-01-02'],
      [5, 'on_hand', 'invalid_quantity', '10000000000'],
    ],
  },
];


describe.each(dialects())('catalog sheet rules of design.md §4a, one fixture each, on %s', (dialect) => {
  let t: TestDb;
  let deps: PipelineDeps;
  let sellers = 0;
  const k = () => t.db.knex;

  /** A seller of its own with the seeded catalog. */
  async function seededSeller(): Promise<Seller> {
    const seller = await insertSeller(k(), `rules-${++sellers}`, null, NOW);
    const ids = await insertSkus(k(), seller.id, SEED_SKUS.map(([skuCode, skuName]) => ({ skuCode, skuName, optionName: null, barcode: null })), NOW);
    await insertSkuCodes(k(), seller.id, [{ sellerCode: 'SET-OLD', skuId: ids.get('SOCK-1')!, quantity: 1 }], NOW);
    await insertNameMappings(k(), seller.id, [{ mall: 'rakuten', productName: '타월 세트', optionText: 'カラー:白', skuId: ids.get('SOCK-1')!, quantity: 1 }], NOW);
    return seller;
  }

  async function catalogOf(sellerId: number): Promise<Catalog> {
    const skus = (await k()('skus').where('seller_id', sellerId)) as Array<{ sku_code: string; sku_name: string; option_name: string | null; barcode: string | null; on_hand: number | null }>;
    const codes = (await k()('sku_codes').join('skus', 'skus.id', 'sku_codes.sku_id').where('sku_codes.seller_id', sellerId).select('sku_codes.seller_code', 'skus.sku_code', 'sku_codes.quantity')) as Array<{ seller_code: string; sku_code: string; quantity: number }>;
    const names = (await k()('name_mappings').join('skus', 'skus.id', 'name_mappings.sku_id').where('name_mappings.seller_id', sellerId).select('name_mappings.mall', 'name_mappings.product_name', 'name_mappings.option_text', 'skus.sku_code', 'name_mappings.quantity')) as Array<{
      mall: string;
      product_name: string;
      option_text: string;
      sku_code: string;
      quantity: number;
    }>;
    return {
      skus: sorted(skus.map((r): SkuRow => [r.sku_code, r.sku_name, r.option_name, r.barcode, r.on_hand === null ? null : Number(r.on_hand)])),
      codes: sorted(codes.map((r): CodeRow => [r.seller_code, r.sku_code, Number(r.quantity)])),
      names: sorted(names.map((r): NameRow => [r.mall, r.product_name, r.option_text, r.sku_code, Number(r.quantity)])),
    };
  }

  beforeAll(async () => {
    ({ t, deps } = await pipelineFixture(dialect));
    deps = { ...deps, now: () => NOW };
    const other = await insertSeller(k(), 'other', null, NOW);
    const otherIds = await insertSkus(k(), other.id, [{ skuCode: 'OTHER-1', skuName: '남의 SKU', optionName: null, barcode: null }], NOW);
    await insertSkuCodes(k(), other.id, [{ sellerCode: 'SET-OLD', skuId: otherIds.get('OTHER-1')!, quantity: 1 }], NOW);
    await insertNameMappings(k(), other.id, [{ mall: 'rakuten', productName: '타월 세트', optionText: 'カラー:白', skuId: otherIds.get('OTHER-1')!, quantity: 1 }], NOW);
  });
  afterAll(async () => t.drop());

  test.each(GOOD)('$file is accepted and stored exactly', async ({ file, kind, catalog, summary }) => {
    const seller = await seededSeller();
    const result = await importers[kind](deps, seller, rule(file), { dryRun: false });
    expect(result).toMatchObject({ dryRun: false, ...summary });
    expect(await catalogOf(seller.id)).toEqual({ skus: sorted(catalog.skus), codes: sorted(catalog.codes), names: sorted(catalog.names) });
  });

  test.each(BAD)('$file is refused with every issue, nothing written', async ({ file, kind, issues }) => {
    const seller = await seededSeller();
    const before = await everything(k());
    expect(await issuesOf(importers[kind](deps, seller, rule(file), { dryRun: false }))).toEqual(issues);
    expect(await everything(k())).toEqual(before);
  });
});
