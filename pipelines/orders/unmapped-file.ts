import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { escapeCell } from '../../lib/spreadsheet-escape.js';
import type { UnmappedLine } from './unmapped.js';

/**
 * Name + option misses as a name + option sheet to complete: the headers the importer reads
 * (쇼핑몰, 상품명, 옵션값, SKU코드) with SKU코드 left empty for the seller, then columns it ignores.
 */
const NAME_HEADERS = ['쇼핑몰', '상품명', '옵션값', 'SKU코드', '주문번호', '상품주문번호', '주문수량', '사유 (reason)', '제안 (suggestions)'];
/** Code misses: the code to add to a SKU sheet as 판매자 정의 코드, and where it was seen. */
const CODE_HEADERS = ['쇼핑몰 (mall)', '판매자 정의 코드 (code on the order)', '상품명 (product as ordered)', '옵션 (option as ordered)', '주문번호', '상품주문번호', '주문수량', '사유 (reason)', '제안 (suggestions)'];

function nameRow(l: UnmappedLine): Array<string | number> {
  return [l.mall, l.productName, l.optionText, '', l.mallOrderId, l.mallLineId, l.quantity, l.reason, l.suggestions.join('\n')];
}

function codeRow(l: UnmappedLine): Array<string | number> {
  return [l.mall, l.sellerCode ?? '', l.productName, l.optionText, l.mallOrderId, l.mallLineId, l.quantity, l.reason, l.suggestions.join('\n')];
}

function escaped(row: Array<string | number>): Array<string | number> {
  return row.map((v) => (typeof v === 'string' ? escapeCell(v) : v));
}

function csvField(v: string | number): string {
  const text = String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes the unmapped lines for the seller (`orders unmapped --out F`). xlsx: a first sheet of
 * name + option misses that imports as a name + option sheet once SKU코드 is filled in, and a
 * sheet of code misses to copy into a SKU sheet. CSV (UTF-8 with BOM): every line, one kind of row
 * after the other, with the name + option headers. Texts are written exactly (line breaks kept):
 * in xlsx as string cells; in CSV formula-like values are escaped with `'`, which the sheet
 * reader removes again on import.
 *
 * @throws Error when the folder does not exist.
 */
export async function writeUnmappedFile(file: string, lines: UnmappedLine[]): Promise<{ file: string; nameRows: number; codeRows: number }> {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new Error(`the folder ${dir} does not exist`);
  const byName = lines.filter((l) => l.reasonKind === 'name_not_registered');
  const byCode = lines.filter((l) => l.reasonKind !== 'name_not_registered');
  if (file.toLowerCase().endsWith('.csv')) {
    const rows = [NAME_HEADERS, ...byName.map(nameRow), ...byCode.map(nameRow)].map((r) => escaped(r).map(csvField).join(','));
    fs.writeFileSync(file, `\uFEFF${rows.join('\r\n')}\r\n`, 'utf8');
    return { file, nameRows: byName.length, codeRows: byCode.length };
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  for (const [title, headers, rows] of [
    ['name + option (상품명+옵션)', NAME_HEADERS, byName.map(nameRow)],
    ['codes (판매자 정의 코드)', CODE_HEADERS, byCode.map(codeRow)],
  ] as const) {
    const ws = wb.addWorksheet(title, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = headers.map((h, i) => ({ header: h, width: i === 1 || i === 2 ? 36 : i >= 7 ? 60 : 16, style: { alignment: { wrapText: true, vertical: 'top' as const } } }));
    ws.getRow(1).font = { bold: true };
    // Plain string cells (never evaluated by Excel): the seller fills this in and imports it, so
    // the texts must come back exactly, without an escape prefix.
    for (const r of rows) ws.addRow([...r]).commit();
    ws.commit();
  }
  await wb.commit();
  return { file, nameRows: byName.length, codeRows: byCode.length };
}
