import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { escapeCell } from '../../lib/spreadsheet-escape.js';
import { toKstIsoMillis } from '../../lib/time.js';

/** One row of a shipping instruction: one SKU line of one parcel. */
export interface InstructionRow {
  batchId: number;
  fulfillmentOrderId: number;
  mall: string;
  shop: string;
  mallOrderId: string;
  mallPackageId: string;
  mallLineId: string;
  recipientName: string;
  recipientPhone: string;
  postalCode: string;
  address1: string;
  address2: string;
  country: string;
  skuCode: string;
  skuName: string;
  optionName: string;
  barcode: string;
  quantity: number;
  orderedAt: Date | null;
}

const COLUMNS: Array<[keyof InstructionRow, string, number]> = [
  ['batchId', 'batch', 8],
  ['fulfillmentOrderId', 'fulfillment_order_id', 12],
  ['mall', 'mall', 9],
  ['shop', 'shop', 16],
  ['mallOrderId', 'mall_order_id', 28],
  ['mallPackageId', 'mall_package_id', 14],
  ['mallLineId', 'mall_line_id', 20],
  ['recipientName', 'recipient_name', 16],
  ['recipientPhone', 'recipient_phone', 16],
  ['postalCode', 'postal_code', 10],
  ['address1', 'address1', 36],
  ['address2', 'address2', 30],
  ['country', 'country', 8],
  ['skuCode', 'sku_code', 14],
  ['skuName', 'sku_name', 30],
  ['optionName', 'option_name', 16],
  ['barcode', 'barcode', 16],
  ['quantity', 'quantity', 9],
  ['orderedAt', 'ordered_at (KST)', 24],
];

function cell(row: InstructionRow, key: keyof InstructionRow): string | number {
  const v = row[key];
  if (v instanceof Date) return toKstIsoMillis(v);
  if (typeof v === 'number') return v;
  return escapeCell(v ?? '');
}

function csvField(v: string | number): string {
  const t = String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/**
 * Writes one instruction batch for the warehouse as CSV (UTF-8 with BOM) and xlsx, one row per
 * SKU line with order, recipient and address. Written to a temporary name and renamed, so a file
 * that exists is complete.
 */
export async function writeInstructionFiles(csvPath: string, xlsxPath: string, rows: InstructionRow[]): Promise<void> {
  fs.mkdirSync(path.dirname(csvPath), { recursive: true });
  const csv = [COLUMNS.map(([, h]) => h).join(','), ...rows.map((r) => COLUMNS.map(([k]) => csvField(cell(r, k))).join(','))];
  fs.writeFileSync(`${csvPath}.tmp`, `\uFEFF${csv.join('\r\n')}\r\n`, 'utf8');
  fs.renameSync(`${csvPath}.tmp`, csvPath);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: `${xlsxPath}.tmp`, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet('instructions', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map(([key, header, width]) => ({ key, header, width }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(COLUMNS.map(([k]) => cell(r, k))).commit();
  ws.commit();
  await wb.commit();
  fs.renameSync(`${xlsxPath}.tmp`, xlsxPath);
}
