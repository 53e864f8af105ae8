import crypto from 'node:crypto';
import fs from 'node:fs';
import { SheetError, type SheetIssue } from '../../lib/errors.js';
import { ERROR_LIST_COLUMNS, type ColumnSpec } from '../../mappings/columns.js';
import { readHeader, type HeaderMap } from '../../mappings/header.js';
import { readSheet, type OtherSheet, type SheetRow } from '../../mappings/sheet-reader.js';
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
  /** The worksheet read (xlsx: the first visible one); null for CSV. */
  sheet: string | null;
  /** What the seller should know though nothing is wrong with a row: other worksheets not imported. */
  warnings: string[];
}

/** `의류 (120 rows)`: another worksheet as the summary names it. */
function otherSheetText(o: OtherSheet): string {
  if (o.rows === undefined) return `${o.name} (unreadable)`;
  if (o.rows === 0) return `${o.name} (row 1 only)`;
  return `${o.name} (${o.rows} ${o.rows === 1 ? 'row' : 'rows'})`;
}

/**
 * The warning for other visible worksheets holding data (only the first is read), or none. The
 * error list of our own error xlsx (its second sheet) is not the seller's data and is not named.
 */
export function otherSheetsWarning(others: OtherSheet[]): string[] {
  const isErrorList = (o: OtherSheet) => o.header.length === ERROR_LIST_COLUMNS.length && o.header.every((h, i) => h === ERROR_LIST_COLUMNS[i]);
  const named = others.filter((o) => !isErrorList(o));
  if (named.length === 0) return [];
  return [`only the first sheet is read: ${named.map(otherSheetText).join(', ')} ${named.length === 1 ? 'was' : 'were'} not imported`];
}

/** Names the worksheet looked at in a header error, so a seller whose data is on another sheet sees why. */
function inSheet(issue: SheetIssue, sheet: string | null, others: string[]): SheetIssue {
  if (sheet === null || issue.reason !== 'no_header') return issue;
  const more = others.length ? `; only the first sheet is read, so move the sheet with the data (${others.join(', ')}) to the front` : '';
  return { ...issue, message: `${issue.message} (sheet "${sheet}"${more})` };
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
 * A CSV row the reader found broken (values past the header) is one `invalid_format` issue. For an
 * xlsx the worksheet read is returned, and other visible worksheets holding data become a warning.
 *
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
  let sheet: string | null = null;
  let otherNames: string[] = [];
  let others: OtherSheet[] = [];
  const read = readSheet(file, displayName, {
    onSheet: (name, otherVisible) => {
      sheet = name;
      otherNames = otherVisible;
    },
    onOtherSheets: (o) => {
      others = o;
    },
  });
  for await (const sheetRow of read as AsyncGenerator<SheetRow>) {
    if (first) {
      first = false;
      const h = readHeader(sheetRow, specs);
      if ('issues' in h) throw new SheetError(displayName, h.issues.map((i) => inSheet(i, sheet, otherNames)));
      header = h.header;
      continue;
    }
    if (isBlankRow(sheetRow)) continue;
    rowCount++;
    if (sheetRow.problem) {
      issues.push({ row: sheetRow.row, column: '', value: sheetRow.problem.value, reason: 'invalid_format', message: sheetRow.problem.message });
      onRow?.(sheetRow.row);
      continue;
    }
    const result = validateRow(sheetRow, header!, specs, rules);
    if (Array.isArray(result)) issues.push(...result);
    else rows.push(toRow(result));
    onRow?.(sheetRow.row);
  }
  if (first) {
    throw new SheetError(displayName, [inSheet({ row: 1, column: '', value: '', reason: 'no_header', message: 'the sheet is empty: row 1 must be the header' }, sheet, otherNames)]);
  }
  if (rowCount === 0) {
    throw new SheetError(displayName, [{ row: 2, column: '', value: '', reason: 'no_data', message: 'the sheet has a header but no data rows' }]);
  }
  return { header: header!, rows, issues, rowCount, sha256: await fileSha256(file), sheet, warnings: otherSheetsWarning(others) };
}
