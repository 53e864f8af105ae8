import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { SheetIssue } from '../lib/errors.js';
import { escapeCell } from '../lib/spreadsheet-escape.js';
import { ERROR_LIST_COLUMNS } from './columns.js';
import { readSheet, type SheetCell } from './sheet-reader.js';

const ERROR_COLUMN = '오류 (errors)';

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(cell: SheetCell | undefined): string {
  return !cell || cell.kind === 'empty' ? '' : cell.text;
}

/** One error in the error column: the column as written, then the message (unless it already starts with it). */
function errorNote(i: SheetIssue): string {
  return i.column && !i.message.startsWith(i.column) ? `${i.column}: ${i.message}` : i.message;
}

/**
 * The seller's own rows again, as read, with one more column holding the errors of each row —
 * the sheet to fix in place and upload again (the extra column is ignored on import). Rows keep
 * their numbers, so the error list points at the same rows. Skipped when the file cannot be read
 * (file-level errors have no rows to show).
 */
async function writeAnnotatedRows(workbook: ExcelJS.stream.xlsx.WorkbookWriter, source: string, issues: SheetIssue[]): Promise<void> {
  const byRow = new Map<number, string[]>();
  for (const i of issues) byRow.set(i.row, [...(byRow.get(i.row) ?? []), errorNote(i)]);
  const rows: Array<{ row: number; cells: string[] }> = [];
  try {
    // Collected first so that an unreadable file leaves no half-written sheet behind.
    for await (const r of readSheet(source)) rows.push({ row: r.row, cells: r.cells.map(cellText) });
  } catch {
    return;
  }
  if (rows.length === 0) return;
  const width = Math.max(...rows.map((r) => r.cells.length));
  const sheet = workbook.addWorksheet('sheet with errors', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [...Array.from({ length: width }, () => ({ width: 18 })), { width: 60 }];
  let next = 1;
  for (const r of rows) {
    for (; next < r.row; next++) sheet.addRow([]).commit();
    const errors = r.row === 1 ? ERROR_COLUMN : (byRow.get(r.row) ?? []).join('\n');
    // Plain string cells, not escaped: a string cell is never evaluated, and this sheet is imported
    // again, so `-PROMO-1` must come back as `-PROMO-1` (an apostrophe would become part of it).
    const values = [...r.cells, ...Array<string>(width - r.cells.length).fill(''), errors];
    const added = sheet.addRow(values);
    if (r.row === 1) added.font = { bold: true };
    else if (errors) added.getCell(width + 1).font = { color: { argb: 'FFC00000' } };
    added.commit();
    next = r.row + 1;
  }
  sheet.commit();
}

/**
 * Writes a sheet's errors for the seller (design.md §8): one row per error with `row`, `column`,
 * `value`, `reason`, `message`; xlsx or CSV (UTF-8 with BOM) by the file's extension. An xlsx also
 * gets, as its first sheet, the seller's own rows with an error column when `source` (the refused
 * file) can be read.
 *
 * Formula-like text (design.md §4a): in the xlsx every value is a string cell, which Excel never
 * evaluates, so it is written unchanged and imports again unchanged. In the CSV, where a
 * spreadsheet would evaluate `=…`, it gets a leading apostrophe (lib/spreadsheet-escape.ts); the
 * CSV reader takes exactly that apostrophe off again (csv-reader.ts).
 *
 * @returns the path written.
 * @throws Error when the folder does not exist or the file cannot be written.
 */
export async function writeErrorFile(file: string, issues: SheetIssue[], source?: string): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new Error(`the folder ${dir} does not exist`);
  const rows = issues.map((i) => [String(i.row), i.column, i.value, i.reason, i.message]);
  if (file.toLowerCase().endsWith('.csv')) {
    const lines = [ERROR_LIST_COLUMNS.join(','), ...rows.map((r) => r.map((v) => csvField(escapeCell(v))).join(','))];
    fs.writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
    return file;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  if (source) await writeAnnotatedRows(workbook, source, issues);
  const sheet = workbook.addWorksheet('errors', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'row', key: 'row', width: 8 },
    { header: 'column', key: 'column', width: 24 },
    { header: 'value', key: 'value', width: 30 },
    { header: 'reason', key: 'reason', width: 22 },
    { header: 'message', key: 'message', width: 80 },
  ];
  for (const [i, r] of rows.entries()) sheet.addRow([issues[i]!.row, ...r.slice(1)]).commit();
  sheet.commit();
  await workbook.commit();
  return file;
}
