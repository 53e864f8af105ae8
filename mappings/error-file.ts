import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { SheetIssue } from '../lib/errors.js';
import { escapeCell } from '../lib/spreadsheet-escape.js';

const HEADERS = ['row', 'column', 'value', 'reason', 'message'] as const;

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes a sheet's errors for the seller (design.md §8): one row per error with `row`, `column`,
 * `value`, `reason`, `message`; xlsx or CSV (UTF-8 with BOM) by the file's extension. Formula-like
 * text is escaped.
 *
 * @returns the path written.
 */
export async function writeErrorFile(file: string, issues: SheetIssue[]): Promise<string> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const rows = issues.map((i) => [String(i.row), i.column, i.value, i.reason, i.message].map(escapeCell));
  if (file.toLowerCase().endsWith('.csv')) {
    const lines = [HEADERS.join(','), ...rows.map((r) => r.map(csvField).join(','))];
    fs.writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
    return file;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false });
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
