import ExcelJS from 'exceljs';
import { SKU_COLUMNS } from './columns.js';

/** What each column of the SKU sheet means, in Korean and English (the template's notes). */
const NOTES: Record<(typeof SKU_COLUMNS)[number]['key'], { ko: string; en: string; width: number }> = {
  sku_code: { ko: '필수. 창고 SKU 코드. 영문·숫자·-·_ 만, 50자 이내.', en: 'Required. The warehouse SKU code: letters, digits, - and _, at most 50.', width: 16 },
  sku_name: { ko: '필수. 상품명 (200자 이내). 같은 SKU는 모든 행에서 같은 이름.', en: 'Required. Product name, at most 200 characters; one SKU has one name.', width: 30 },
  option_name: { ko: '선택. 옵션명 (색상/사이즈 등).', en: 'Optional. Option name (colour, size…).', width: 16 },
  seller_code: {
    ko: '선택. 쇼핑몰 주문에 찍히는 판매자 정의 코드 (네이버 옵션 관리 코드/판매자 상품 코드, 라쿠텐 システム連携用SKU番号/商品番号). 같은 코드를 여러 행에 쓰면 세트(묶음)가 됩니다.',
    en: "Optional. The seller code the marketplace prints on orders (Naver optionManageCode / sellerProductCode, Rakuten merchantDefinedSkuId / itemNumber). Rows sharing a code form a bundle.",
    width: 22,
  },
  quantity: { ko: '선택. 주문 1개당 출고할 이 SKU의 수량 (비우면 1). 예: 3개입 = 3.', en: 'Optional. Units of this SKU per ordered unit (empty = 1); a 3-pack is 3.', width: 8 },
  barcode: { ko: '선택. 바코드 (텍스트로 입력, 앞자리 0 유지).', en: 'Optional. Barcode (typed as text, leading zeros kept).', width: 18 },
};

/** Korean header of each column (the first alias that is not the English key). */
function koreanHeader(aliases: readonly string[], key: string): string {
  return aliases.find((a) => a !== key) ?? key;
}

/** Example rows: a single product, an option product (two options), a bundle and a multipack. */
const EXAMPLES: Array<Array<string | number>> = [
  ['MUG-01', '스마일 머그컵 350ml', '', 'MUG-001', 1, '8801234000103'],
  ['TS-BLK-M', '면 티셔츠', '블랙 / M', 'TS-BLK-M', 1, '8801234000011'],
  ['TS-BLK-L', '면 티셔츠', '블랙 / L', 'TS-BLK-L', 1, '8801234000028'],
  ['MUG-01', '스마일 머그컵 350ml', '', 'GIFTSET-A', 1, ''],
  ['SOCK-GRY', '데일리 양말 그레이', '', 'GIFTSET-A', 2, '8801234000202'],
  ['SOCK-GRY', '데일리 양말 그레이', '', 'SOCK-3P', 3, '8801234000202'],
];

/**
 * Writes the SKU sheet template (`mallbridge skus template`): a `SKU` sheet with the Korean
 * headers the importer reads (each with a note giving the English header that also works),
 * example rows for a single product, an option product and a bundle, columns formatted as text so
 * Excel keeps codes as typed, data validation on `수량` and `SKU코드`, and a `설명 (notes)` sheet.
 */
export async function writeSkuTemplate(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'mallbridge';
  const ws = wb.addWorksheet('SKU', { views: [{ state: 'frozen', ySplit: 1 }] });
  const headers = SKU_COLUMNS.map((c) => koreanHeader(c.aliases, c.key));
  ws.columns = SKU_COLUMNS.map((c, i) => ({ header: headers[i], key: c.key, width: NOTES[c.key].width, style: { numFmt: '@' } }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  SKU_COLUMNS.forEach((c, i) => {
    const cell = head.getCell(i + 1);
    cell.note = `${c.key} — ${NOTES[c.key].en}\n${NOTES[c.key].ko}`;
    if (c.required) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
  });
  for (const row of EXAMPLES) ws.addRow(row);
  const last = 5000;
  const codeCol = ws.getColumn('sku_code').letter;
  const qtyCol = ws.getColumn('quantity').letter;
  for (let r = 2; r <= last; r++) {
    ws.getCell(`${codeCol}${r}`).dataValidation = { type: 'textLength', operator: 'between', formulae: [1, 50], allowBlank: true, showErrorMessage: true, errorTitle: 'SKU코드', error: '1–50자: 영문, 숫자, -, _ / 1–50 characters: letters, digits, - and _' };
    ws.getCell(`${qtyCol}${r}`).dataValidation = { type: 'whole', operator: 'greaterThanOrEqual', formulae: [1], allowBlank: true, showErrorMessage: true, errorTitle: '수량', error: '1 이상의 정수 / a whole number of at least 1' };
  }
  const notes = wb.addWorksheet('설명 (notes)');
  notes.columns = [
    { header: '열 (column)', key: 'ko', width: 22 },
    { header: 'English header', key: 'en', width: 16 },
    { header: '다른 이름 (other accepted headers)', key: 'aliases', width: 40 },
    { header: '설명', key: 'noteKo', width: 70 },
    { header: 'Notes', key: 'noteEn', width: 70 },
  ];
  notes.getRow(1).font = { bold: true };
  SKU_COLUMNS.forEach((c, i) => notes.addRow({ ko: headers[i], en: c.key, aliases: c.aliases.join(', '), noteKo: NOTES[c.key].ko, noteEn: NOTES[c.key].en }));
  notes.addRow({});
  notes.addRow({ ko: '예시 행', noteKo: '2–7행은 예시입니다: 단품(MUG-01), 옵션 상품(TS-BLK-M, TS-BLK-L), 세트 GIFTSET-A(머그 1 + 양말 2), 3개입 SOCK-3P. 지우고 내 상품을 입력하세요.', noteEn: 'Rows 2–7 are examples: a single product, an option product, the bundle GIFTSET-A (1 mug + 2 socks) and the 3-pack SOCK-3P. Replace them with your products.' });
  notes.addRow({ ko: '규칙', noteKo: '첫 행이 머리글입니다. 열 순서는 자유, 모르는 열은 무시됩니다. 오류가 하나라도 있으면 아무것도 반영되지 않고 모든 오류가 행·열과 함께 표시됩니다.', noteEn: 'Row 1 is the header; columns in any order; unknown columns are ignored. A sheet with any error changes nothing, and every error is listed with its row and column.' });
  notes.eachRow((row) => (row.alignment = { wrapText: true, vertical: 'top' }));
  await wb.xlsx.writeFile(file);
}
