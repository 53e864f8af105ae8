import crypto from 'node:crypto';
import fs from 'node:fs';
import { SheetError, type SheetIssue } from '../../lib/errors.js';
import type { ColumnSpec } from '../../mappings/columns.js';
import { readHeader, type HeaderMap } from '../../mappings/header.js';
import { readSheet, type SheetRow } from '../../mappings/sheet-reader.js';
import { isBlankRow, validateRow, type CellRule, type ParsedRow } from '../../mappings/sheet-rows.js';

/** A sheet read and checked row by row, before any cross-row or database check. */
export interface ValidatedSheet<K extends string, R> {
  header: HeaderMap<K>;
  /** The valid rows, already typed (invalid ones are in `issues`). */
  rows: R[];
  issues: SheetIssue[];
  /** Data rows read (blank rows not counted). */
  rowCount: number;
  sha256: string;
}

/** @throws SheetError (`invalid_file`) when the path is missing, a folder, or unreadable. */
function checkReadable(file: string, displayName: string): void {
  const refuse = (message: string): never => {
    throw new SheetError(displayName, [{ row: 0, column: '', value: '', reason: 'invalid_file', message }]);
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return refuse(code === 'ENOENT' || code === 'ENOTDIR' ? `no such file: ${file}` : `cannot read ${file} (${code ?? (err as Error).message})`);
  }
  if (stat.isDirectory()) refuse(`${file} is a folder, not a sheet file`);
  if (!stat.isFile()) refuse(`${file} is not a regular file`);
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    refuse(`cannot read ${file}: permission denied`);
  }
}

/** SHA-256 of a file's bytes, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Streams a sheet, reads its header and validates every data row (design.md §4a). Row problems are
 * collected, not thrown, so every error of the sheet is reported at once.
 *
 * @param toRow turns a valid row's values into the kind's typed row (kept instead of the raw values).
 * @param onRow called after each data row (progress display).
 * @throws SheetError for file-level problems (`invalid_file`), header problems (`no_header`,
 *   `missing_column`, `duplicate_column`) and a sheet without data rows (`no_data`).
 */
export async function validateSheet<K extends string, R>(
  file: string,
  displayName: string,
  specs: readonly ColumnSpec<K>[],
  rules: Record<K, CellRule>,
  toRow: (parsed: ParsedRow<K>) => R,
  onRow?: (rowNumber: number) => void,
): Promise<ValidatedSheet<K, R>> {
  checkReadable(file, displayName);
  let header: HeaderMap<K> | undefined;
  const rows: R[] = [];
  const issues: SheetIssue[] = [];
  let rowCount = 0;
  let first = true;
  for await (const sheetRow of readSheet(file, displayName) as AsyncGenerator<SheetRow>) {
    if (first) {
      first = false;
      const h = readHeader(sheetRow, specs);
      if ('issues' in h) throw new SheetError(displayName, h.issues);
      header = h.header;
      continue;
    }
    if (isBlankRow(sheetRow)) continue;
    rowCount++;
    const result = validateRow(sheetRow, header!, specs, rules);
    if (Array.isArray(result)) issues.push(...result);
    else rows.push(toRow(result));
    onRow?.(sheetRow.row);
  }
  if (first) {
    throw new SheetError(displayName, [{ row: 1, column: '', value: '', reason: 'no_header', message: 'the sheet is empty: row 1 must be the header' }]);
  }
  if (rowCount === 0) {
    throw new SheetError(displayName, [{ row: 2, column: '', value: '', reason: 'no_data', message: 'the sheet has a header but no data rows' }]);
  }
  return { header: header!, rows, issues, rowCount, sha256: await fileSha256(file) };
}
