/**
 * Every column and row rule of design.md §4a, one committed fixture per rule
 * (tests/fixtures/sheets/rules/, built by tests/fixtures/sheets/build.ts from rules.ts), imported
 * through the real pipelines. A good fixture: what the database holds afterwards. A broken one:
 * every issue (row, column, reason, value) and a database left exactly as it was.
 *
 * Each SKU, name + option and stock fixture is imported for a seller of its own, seeded with SKUs
 * SOCK-1 (양말), CUP-1 (컵), 0012 (제로 코드), 123450 (숫자 코드), seller code SET-OLD → SOCK-1 and
 * the rakuten key 타월 세트 / カラー:白 → SOCK-1; seller `other` owns OTHER-1 and the same code and
 * key (for OTHER-1), which must not count. Shipment fixtures name the parcels created in beforeAll
 * (fulfillment orders 1–14); good ones each ship their own, broken ones name 6, 7 and 9–14 only.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertNameMappings, insertSkuCodes, insertSkus } from '../../data/stores/catalog.js';
import { createFulfillmentOrder } from '../../data/stores/fulfillment.js';
import { insertSeller, type Seller } from '../../data/stores/sellers.js';
import { insertShipment } from '../../data/stores/shipments.js';
import { SheetError, type SheetErrorReason } from '../../lib/errors.js';
import { fromDbTime } from '../../lib/time.js';
import type { ImportSummary } from '../../pipelines/sheets/apply.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importShipmentSheet } from '../../pipelines/sheets/import-shipments.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { importStockSheet } from '../../pipelines/sheets/import-stock.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture, sandboxShop } from '../helpers/pipeline.js';

const RULES = fileURLToPath(new URL('../fixtures/sheets/rules/', import.meta.url));
const NOW = new Date('2025-03-05T00:00:00.000Z'); // 2025-03-05 09:00 KST

type Issue = [row: number, column: string, reason: SheetErrorReason, value: string];
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

/** Parcels created in beforeAll, in this order (ids 1–14): [shop, mall order, package, status]. */
const PARCELS: Array<[mall: 'naver' | 'rakuten', mallOrderId: string, packageId: string, status: 'instructed' | 'confirmed' | 'shipped']> = [
  ['naver', 'N-1001', '', 'instructed'], // 1: ship-good-by-id
  ['naver', 'N-1002', '', 'instructed'], // 2: ship-good-by-mall-order
  ['rakuten', 'R-2001', '1', 'instructed'], // 3: ship-good-package
  ['rakuten', 'R-2001', '2', 'instructed'], // 4: ship-good-package
  ['rakuten', 'R-2002', '1', 'instructed'], // 5: ship-good-by-mall-order
  ['naver', 'N-1003', '', 'confirmed'], // 6: not instructed yet
  ['naver', 'N-1004', '', 'shipped'], // 7: shipped with OLD-7
  ['naver', 'N-1005', '', 'instructed'], // 8: ship-good-typed
  ['naver', 'N-2001', '', 'instructed'], // 9–12: only named by broken fixtures
  ['naver', 'N-2002', '', 'instructed'],
  ['rakuten', 'R-3001', '1', 'instructed'],
  ['rakuten', 'R-3001', '2', 'instructed'],
  ['rakuten', 'R-4001', '1', 'instructed'], // 13–14: ship-bad-package-mismatch
  ['rakuten', 'R-4001', '2', 'instructed'],
];
const OLD_7: ShipmentRow = [7, 'OLD-7', 'QXPRESS', 'invoice', '2025-03-01T00:00:00.000Z'];

type ShipmentRow = [fulfillmentOrderId: number, trackingNumber: string, carrier: string | null, source: string, shippedAt: string | null];

const GOOD_SHIPMENTS: Array<{ file: string; parcels: Array<[id: number, status: string]>; shipments: ShipmentRow[]; summary?: Partial<ImportSummary> }> = [
  { file: 'ship-good-by-id.csv', parcels: [[1, 'shipped']], shipments: [[1, '0001234567', 'CJ', 'import', '2025-03-04T00:58:00.000Z']] },
  {
    file: 'ship-good-by-mall-order.csv',
    parcels: [[2, 'shipped'], [5, 'shipped']],
    // No carrier: the shop's default (Naver QXPRESS, Rakuten 1000); no shipped_at: now; a date alone: 00:00 KST.
    shipments: [[2, 'TRK-2', 'QXPRESS', 'import', '2025-03-05T00:00:00.000Z'], [5, 'TRK-5', '1000', 'import', '2025-03-03T15:00:00.000Z']],
  },
  {
    file: 'ship-good-package.csv',
    parcels: [[3, 'shipped'], [4, 'shipped']],
    // Row 4 repeats row 2 exactly: the same number for the same parcel is no error and is recorded once.
    shipments: [[3, 'JP-3', '1001', 'import', '2025-03-04T09:30:00.000Z'], [4, 'JP-4', '1000', 'import', '2025-03-04T09:30:15.000Z']],
    summary: { rows: 3, changes: { shipments: { inserted: 2, updated: 0, unchanged: 0 } } },
  },
  { file: 'ship-good-already-recorded.csv', parcels: [[7, 'shipped']], shipments: [OLD_7], summary: { changes: { shipments: { inserted: 0, updated: 0, unchanged: 1 } } } },
  { file: 'ship-good-typed.xlsx', parcels: [[8, 'shipped']], shipments: [[8, '123456789012', 'QXPRESS', 'import', '2025-03-04T03:00:00.000Z']] },
];

const BAD_SHIPMENTS: Array<{ file: string; issues: Issue[] }> = [
  {
    file: 'ship-bad-tracking.csv',
    issues: [
      [2, 'tracking_number', 'required', ''],
      [3, 'tracking_number', 'invalid_format', 'TRK 1'],
      [4, 'tracking_number', 'too_long', 'T'.repeat(65)],
      [5, 'tracking_number', 'invalid_format', 'TRK/2'],
    ],
  },
  {
    file: 'ship-bad-order-ref.csv',
    issues: [
      [2, 'mall_order_id', 'required', ''],
      [3, 'fulfillment_order_id', 'unknown_order', '999'],
      [4, 'fulfillment_order_id', 'invalid_format', 'abc'],
      [5, 'mall_order_id', 'unknown_order', 'NO-SUCH'],
      [6, 'fulfillment_order_id', 'conflict', '9'],
      [7, 'mall_package_id', 'required', ''],
      [8, 'mall_package_id', 'unknown_order', '9'],
      [9, 'mall_package_id', 'unknown_order', '1'],
    ],
  },
  {
    file: 'ship-bad-carrier.csv',
    issues: [
      [2, 'carrier', 'invalid_format', 'CJ 대한통운'],
      [3, 'carrier', 'too_long', 'C'.repeat(33)],
    ],
  },
  {
    file: 'ship-bad-shipped-at.csv',
    issues: [
      [2, 'shipped_at', 'invalid_format', '2025/03/04'],
      [3, 'shipped_at', 'invalid_format', '2025-13-01'],
      [4, 'shipped_at', 'invalid_format', '2030-01-01 00:00 KST'],
      [5, 'shipped_at', 'invalid_format', '2020-01-01 10:00 KST'],
    ],
  },
  {
    file: 'ship-bad-duplicates.csv',
    issues: [
      [3, 'tracking_number', 'duplicate', 'DU-1'],
      [4, 'tracking_number', 'duplicate', 'DU-2'],
      [5, 'tracking_number', 'conflict', 'OLD-7'],
      [6, 'tracking_number', 'conflict', 'DU-3'],
      [7, 'tracking_number', 'conflict', 'DU-4'],
    ],
  },
  { file: 'ship-bad-missing-column.csv', issues: [[1, 'tracking_number', 'missing_column', '']] },
];

/** Tuples in a fixed order, so the expectation need not follow insertion order. */
function sorted<T extends ReadonlyArray<unknown>>(rows: readonly T[]): T[] {
  const key = (r: T) => JSON.stringify(r);
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

async function issuesOf(work: Promise<unknown>): Promise<Issue[]> {
  try {
    await work;
  } catch (err) {
    if (err instanceof SheetError) return err.issues.map((i) => [i.row, i.column, i.reason, i.value]);
    throw err;
  }
  throw new Error('the sheet was accepted');
}

describe.each(dialects())('sheet rules of design.md §4a, one fixture each, on %s', (dialect) => {
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

  /** Every table a sheet import may write, row by row (upload_batches aside: a refusal is recorded there). */
  async function everything(): Promise<unknown> {
    const tables = ['sellers', 'skus', 'sku_codes', 'name_mappings', 'fulfillment_orders', 'fulfillment_order_events', 'shipments', 'export_items'];
    return Object.fromEntries(await Promise.all(tables.map(async (name) => [name, await k()(name).orderBy('id')])));
  }

  async function shipmentsOf(ids: number[]): Promise<ShipmentRow[]> {
    const rows = (await k()('shipments').whereIn('fulfillment_order_id', ids).orderBy('fulfillment_order_id')) as Array<{ fulfillment_order_id: number; tracking_number: string; carrier: string | null; source: string; shipped_at: unknown }>;
    return rows.map((r) => [Number(r.fulfillment_order_id), r.tracking_number, r.carrier, r.source, fromDbTime(r.shipped_at)?.toISOString() ?? null]);
  }

  beforeAll(async () => {
    ({ t, deps } = await pipelineFixture(dialect));
    deps = { ...deps, now: () => NOW };
    const other = await insertSeller(k(), 'other', null, NOW);
    const otherIds = await insertSkus(k(), other.id, [{ skuCode: 'OTHER-1', skuName: '남의 SKU', optionName: null, barcode: null }], NOW);
    await insertSkuCodes(k(), other.id, [{ sellerCode: 'SET-OLD', skuId: otherIds.get('OTHER-1')!, quantity: 1 }], NOW);
    await insertNameMappings(k(), other.id, [{ mall: 'rakuten', productName: '타월 세트', optionText: 'カラー:白', skuId: otherIds.get('OTHER-1')!, quantity: 1 }], NOW);
    const shop = {
      naver: await sandboxShop(deps, { seller: 'ship', mall: 'naver', shopId: 'ns-1', baseUrl: 'http://127.0.0.1:9/', credentials: {} }),
      rakuten: await sandboxShop(deps, { seller: 'ship', mall: 'rakuten', shopId: 'rs-1', baseUrl: 'http://127.0.0.1:9/', credentials: {} }),
    };
    const recipient = { name: '받는 분', phone: '010-0000-0000', postalCode: '04524', address1: '서울', address2: '', country: 'KR' };
    for (const [i, [mall, mallOrderId, mallPackageId, status]] of PARCELS.entries()) {
      const { id } = await createFulfillmentOrder(k(), { shopId: shop[mall].id, mallOrderId, mallPackageId, recipient, orderedAt: null }, [], NOW);
      if (id !== i + 1) throw new Error(`parcel ${mallOrderId}/${mallPackageId} got id ${id}, the fixtures name it ${i + 1}`);
      await k()('fulfillment_orders').where({ id }).update({ status });
    }
    await insertShipment(k(), { fulfillmentOrderId: 7, trackingNumber: 'OLD-7', carrier: 'QXPRESS', source: 'invoice', shippedAt: new Date(OLD_7[4]!) }, NOW);
  });
  afterAll(async () => t.drop());

  test.each(GOOD)('$file is accepted and stored exactly', async ({ file, kind, catalog, summary }) => {
    const seller = await seededSeller();
    const result = await importers[kind](deps, seller, path.join(RULES, file), { dryRun: false });
    expect(result).toMatchObject({ dryRun: false, ...summary });
    expect(await catalogOf(seller.id)).toEqual({ skus: sorted(catalog.skus), codes: sorted(catalog.codes), names: sorted(catalog.names) });
  });

  test.each(BAD)('$file is refused with every issue, nothing written', async ({ file, kind, issues }) => {
    const seller = await seededSeller();
    const before = await everything();
    expect(await issuesOf(importers[kind](deps, seller, path.join(RULES, file), { dryRun: false }))).toEqual(issues);
    expect(await everything()).toEqual(before);
  });

  test.each(GOOD_SHIPMENTS)('$file ships its parcels', async ({ file, parcels, shipments, summary }) => {
    const result = await importShipmentSheet(deps, null, path.join(RULES, file), { dryRun: false });
    expect(result).toMatchObject({ dryRun: false, ...summary });
    const ids = parcels.map(([id]) => id);
    const statuses = (await k()('fulfillment_orders').whereIn('id', ids).orderBy('id').select('id', 'status')) as Array<{ id: number; status: string }>;
    expect(statuses.map((r) => [Number(r.id), r.status])).toEqual(parcels);
    expect(await shipmentsOf(ids)).toEqual(shipments);
  });

  test.each(BAD_SHIPMENTS)('$file is refused with every issue, nothing written', async ({ file, issues }) => {
    const before = await everything();
    expect(await issuesOf(importShipmentSheet(deps, null, path.join(RULES, file), { dryRun: false }))).toEqual(issues);
    expect(await everything()).toEqual(before);
  });

  // A row naming parcel 13 (R-4001 package 1) by id and package 2 by mall_package_id.
  test('ship-bad-package-mismatch.csv: fulfillment_order_id and mall_package_id naming two parcels is a conflict', async () => {
    const before = await everything();
    expect(await issuesOf(importShipmentSheet(deps, null, path.join(RULES, 'ship-bad-package-mismatch.csv'), { dryRun: true }))).toEqual([[2, 'fulfillment_order_id', 'conflict', '13']]);
    expect(await everything()).toEqual(before);
  });
});
