/**
 * The one entry point for reading a seller's sheet (design.md §4a, §11): the content decides the
 * format (xlsx or CSV), the name only has to agree with it, and rows stream out as typed cells
 * numbered as Excel shows them. Header detection, aliases and validation sit on top of this.
 */
import { basename } from 'node:path';
import { SheetError } from '../lib/errors.js';
import { readCsv } from './csv-reader.js';
import { readerFor, readHead } from './file-kind.js';
import { readLimits } from './sheet-reader-cells.js';
import type { ReadOptions, SheetRow } from './sheet-reader-cells.js';
import { invalidFile, SheetFileProblem } from './sheet-reader-errors.js';
import { readXlsx } from './xlsx-reader.js';

export type { OtherSheet, ReadOptions, SheetCell, SheetRow } from './sheet-reader-cells.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS } from './sheet-reader-cells.js';

/**
 * Sniffs the content of `filePath` (not its name), then streams its rows: for an xlsx the first
 * visible worksheet in workbook order, for CSV every record. Blank rows are not yielded but keep
 * their numbers; each `SheetRow.cells[i]` is column i (0 = A), trailing empty cells dropped.
 *
 * Text is returned exactly as stored: no trimming, no Unicode normalisation, no width or case
 * folding; only line breaks are normalised to `\n` and OOXML `_xHHHH_` escapes decoded.
 *
 * `displayName` is the seller's file name (default: the base name of `filePath`); it is checked
 * against the content and named in errors. Limits: `maxBytes` (default 50 MB), `maxRows`
 * (default 200 000 non-blank rows, header included). For an xlsx, `onSheet` and `onOtherSheets`
 * tell which worksheet is read and which other visible ones hold data (they are not read).
 * A CSV row with values past the header's last column carries a `problem` (see csv-reader.ts).
 *
 * @throws SheetError with one `invalid_file` issue (row 0) whose message tells the seller how to
 *   fix the file: larger than `maxBytes`; more rows than `maxRows`; empty; an .xls or
 *   password-protected workbook (OLE2); a name contradicting the content (.xlsx that is not a zip,
 *   .csv that is a zip or binary); an xlsx without a worksheet or damaged; CSV bytes invalid in
 *   their encoding or a quote never closed. File-system errors (missing file…) are thrown as they are.
 */
export async function* readSheet(filePath: string, displayName?: string, options?: ReadOptions): AsyncGenerator<SheetRow> {
  const name = displayName ?? basename(filePath);
  const limits = readLimits(options);
  const file = await readHead(filePath);
  if (file.size > limits.maxBytes) {
    throw invalidFile(
      name,
      `The file is larger than the ${sizeText(limits.maxBytes)} limit (${file.size.toLocaleString('en-US')} bytes); ` +
        'split it into smaller files.',
    );
  }
  let kind: 'xlsx' | 'csv';
  try {
    kind = readerFor(file, name);
  } catch (err) {
    throw asSheetError(err, name, 'csv');
  }
  const rows = kind === 'xlsx' ? readXlsx(filePath, file.size, { onSheet: options?.onSheet, onOtherSheets: options?.onOtherSheets }) : readCsv(filePath);
  let count = 0;
  try {
    for (;;) {
      let next: IteratorResult<SheetRow>;
      try {
        next = await rows.next();
      } catch (err) {
        throw asSheetError(err, name, kind);
      }
      if (next.done) return;
      if (++count > limits.maxRows) {
        throw invalidFile(
          name,
          `The sheet has more than ${limits.maxRows.toLocaleString('en-US')} rows, the most one upload may have; ` +
            'split it into smaller files.',
        );
      }
      yield next.value;
    }
  } finally {
    await rows.return(undefined);
  }
}

/**
 * Words a failure for the seller. Our own problems carry their sentence; an xlsx the zip or XML
 * layer cannot read is damaged (its message kept for support). File-system errors pass through.
 */
function asSheetError(err: unknown, name: string, kind: 'xlsx' | 'csv'): unknown {
  if (err instanceof SheetError) return err;
  if (err instanceof SheetFileProblem) return invalidFile(name, err.message);
  if (kind === 'xlsx' && isError(err) && err.message === 'FILE_ENDED') {
    return invalidFile(
      name,
      'The workbook ends too early: the file is incomplete (an interrupted download or upload?). ' +
        'Download or save it again as .xlsx (Excel 통합 문서), or as CSV UTF-8.',
    );
  }
  if (kind === 'xlsx' && isError(err) && !isSystemError(err)) {
    return invalidFile(
      name,
      `The workbook could not be read; it looks damaged (${err.message}). ` +
        'Open it in Excel and save it again as .xlsx (Excel 통합 문서), or as CSV UTF-8.',
    );
  }
  return err;
}

/** Duck-typed: errors from Node's internals (zlib, streams) may belong to another realm. */
function isError(err: unknown): err is Error {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string';
}

function isSystemError(err: Error): boolean {
  return typeof (err as { syscall?: unknown }).syscall === 'string';
}

function sizeText(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Math.round(mb * 10) / 10} MB` : `${bytes.toLocaleString('en-US')}-byte`;
}
