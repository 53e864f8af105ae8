/**
 * Writes the sample sheets the demo imports (samples/*.xlsx), filled as a seller would: Korean
 * headers, a note column mallbridge ignores, codes typed as text. Regenerate with
 * `npm run build && node dist/samples/build.js`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository's samples/ folder (this file runs from dist/samples/). */
export const SAMPLES_DIR = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../../samples' : '.');

/** SKU sheet rows: SKU코드, 상품명, 옵션명, 판매자 정의 코드, 수량, 바코드, 비고. */
export const SAMPLE_SKU_ROWS: Array<[string, string, string, string, number | '', string, string]> = [
  ['TS-BLK-M', '테스트 면 티셔츠', '블랙 / M', 'TS-BLK-M', 1, '8801234000011', ''],
  ['TS-BLK-L', '테스트 면 티셔츠', '블랙 / L', 'TS-BLK-L', 1, '8801234000028', ''],
  ['TS-WHT-M', '테스트 면 티셔츠', '화이트 / M', 'TS-WHT-M', 1, '8801234000035', ''],
  ['MUG-01', '스마일 머그컵 350ml', '', 'MUG-001', 1, '8801234000103', ''],
  ['SOCK-GRY', '데일리 양말 그레이', '', 'SOCK-3P', 3, '8801234000202', '3켤레 묶음 = 같은 SKU 3개'],
  ['MUG-01', '스마일 머그컵 350ml', '', 'GIFTSET-A', 1, '', '선물세트 A 구성품'],
  ['SOCK-GRY', '데일리 양말 그레이', '', 'GIFTSET-A', 2, '', '선물세트 A 구성품'],
  ['GIFT-BOX', '선물 상자', '', 'GIFTSET-A', 1, '', '선물세트 A 구성품'],
  ['TEA-GREEN', '静岡県産 緑茶ティーバッグ 50包', '', 'TEA-001', 1, '4901234567894', '楽天 商品番号'],
  ['CAP-BLK-M', 'ベーシックキャップ', 'ブラック / M', 'CAP01bm', 1, '', '楽天 システム連携用SKU番号'],
  ['CAP-RED-M', 'ベーシックキャップ', 'レッド / M', 'CAP01rm', 1, '', '楽天 旧 商品番号+子番号'],
  ['TOWEL-01', '今治タオル フェイスタオル', '', 'TOWEL-SET', 2, '', '楽天 ギフトセット'],
  ['TOWEL-02', '今治タオル バスタオル', '', 'TOWEL-SET', 1, '', '楽天 ギフトセット'],
  ['HANKY-PNK', 'ふわふわ タオルハンカチ', 'ピンク 25cm', '', '', '', '상품명+옵션으로 매핑'],
  ['HANKY-BLU', 'ふわふわ タオルハンカチ', 'ブルー 25cm', '', '', '', '상품명+옵션으로 매핑'],
];

/** Name + option sheet rows: 쇼핑몰, 상품명, 옵션값, SKU코드, 수량. */
export const SAMPLE_NAME_ROWS: Array<[string, string, string, string, number]> = [
  ['rakuten', '【送料無料】ふわふわ タオルハンカチ 綿100%', 'カラー:ピンク\nサイズ:25cm', 'HANKY-PNK', 1],
  ['rakuten', '【送料無料】ふわふわ タオルハンカチ 綿100%', 'カラー:ブルー\nサイズ:25cm', 'HANKY-BLU', 1],
];

/** The warehouse's stock counts (CSV as a WMS exports it): sku_code, on_hand. */
export const SAMPLE_STOCK_ROWS: Array<[string, number]> = [
  ['TS-BLK-M', 40], ['TS-BLK-L', 25], ['TS-WHT-M', 0], ['MUG-01', 120], ['SOCK-GRY', 300], ['GIFT-BOX', 15],
  ['TEA-GREEN', 80], ['CAP-BLK-M', 12], ['CAP-RED-M', 3], ['TOWEL-01', 60], ['TOWEL-02', 20], ['HANKY-PNK', 50], ['HANKY-BLU', 0],
];

async function write(file: string, headers: string[], rows: Array<Array<string | number>>, widths: number[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(headers).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach((c, i) => {
    c.width = widths[i] ?? 16;
    c.numFmt = '@';
  });
  ws.getColumn(3).alignment = { wrapText: true };
  await wb.xlsx.writeFile(file);
}

/** Writes the sample sheets into `dir`. */
export async function writeSamples(dir = SAMPLES_DIR): Promise<{ skus: string; names: string; stock: string }> {
  const skus = path.join(dir, 'demo-skus.xlsx');
  const names = path.join(dir, 'demo-name-mappings.xlsx');
  const stock = path.join(dir, 'demo-stock.csv');
  fs.writeFileSync(stock, ['sku_code,on_hand', ...SAMPLE_STOCK_ROWS.map(([c, n]) => `${c},${n}`)].join('\r\n') + '\r\n');
  await write(skus, ['SKU코드', '상품명', '옵션명', '판매자 정의 코드', '수량', '바코드', '비고'], SAMPLE_SKU_ROWS, [14, 32, 14, 20, 8, 16, 28]);
  await write(names, ['쇼핑몰', '상품명', '옵션값', 'SKU코드', '수량'], SAMPLE_NAME_ROWS, [10, 44, 24, 14, 8]);
  return { skus, names, stock };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const out = await writeSamples();
  process.stdout.write(`wrote ${out.skus}\nwrote ${out.names}\nwrote ${out.stock}\n`);
}
