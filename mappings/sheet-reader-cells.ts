/**
 * The shapes every sheet reader produces (design.md §4a): one row of typed cells per non-blank
 * row, numbered as Excel shows it. Readers for each format (xlsx-reader.ts, csv-reader.ts) build
 * cells with the helpers below so both formats agree on what "empty" and "text" mean.
 */

/**
 * One cell as the seller's file stores it. Nothing is guessed back: a date stays a date, an error
 * stays an error, and the validation layer decides what each column accepts.
 */
export type SheetCell =
  | { kind: 'empty' }
  /** Strings: shared, inline, rich text (runs joined), formula string results, CSV fields. */
  | { kind: 'text'; text: string }
  /** `text` is what a person sees for a code: integers as plain digits, others in plain decimals. */
  | { kind: 'number'; value: number; text: string }
  /** `text` is `TRUE` or `FALSE`, as Excel shows it. */
  | { kind: 'boolean'; value: boolean; text: string }
  /** Excel stores the cell as a date (a date number format); `text` is the ISO date/time. */
  | { kind: 'date'; text: string }
  /** A formula whose cached result is an error: `#N/A`, `#REF!`, `#VALUE!`… */
  | { kind: 'error'; text: string };

/** One non-blank row: `row` is the number Excel shows (header = 1); `cells[0]` is column A. */
export interface SheetRow {
  row: number;
  cells: SheetCell[];
  /** Set when the reader found the row itself broken (CSV: values past the header's last column): a sentence that refuses the row, and the row as written. */
  problem?: { message: string; value: string };
}

/** Another visible worksheet of an xlsx than the one read: its name, its non-blank rows below row 1, row 1's texts. */
export interface OtherSheet {
  name: string;
  /** Non-blank rows below row 1; `undefined` when the sheet could not be read. */
  rows: number | undefined;
  /** The trimmed texts of row 1 (empty when row 1 is blank). */
  header: string[];
}

/** Limits on one upload (design.md §11), and what an xlsx tells about its worksheets. */
export interface ReadOptions {
  /** Largest file accepted, in bytes. Default 50 MB. */
  maxBytes?: number;
  /** Most non-blank rows accepted, header included. Default 200 000. */
  maxRows?: number;
  /** xlsx only, before the first row: the worksheet read (the first visible one) and the names of the other visible ones. */
  onSheet?: (sheet: string, otherVisible: string[]) => void;
  /** xlsx only, after the last row: the other visible worksheets that hold anything (they are not read). */
  onOtherSheets?: (others: OtherSheet[]) => void;
}

/** The limits of {@link ReadOptions} with the defaults filled in. */
export interface ReadLimits {
  maxBytes: number;
  maxRows: number;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 200_000;

/** Fills in the default limits; a limit that is not a positive number is a programming error. */
export function readLimits(options: ReadOptions = {}): ReadLimits {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (!(maxBytes > 0) || !(maxRows > 0)) {
    throw new RangeError(`readSheet limits must be positive (maxBytes ${maxBytes}, maxRows ${maxRows})`);
  }
  return { maxBytes, maxRows };
}

export const EMPTY_CELL: SheetCell = Object.freeze({ kind: 'empty' });

/** CRLF and lone CR become LF; nothing else in the text is touched. */
export function normaliseLineBreaks(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** A text cell, or the empty cell for `''` (Excel shows an empty string as an empty cell). */
export function textCell(text: string): SheetCell {
  return text === '' ? EMPTY_CELL : { kind: 'text', text: normaliseLineBreaks(text) };
}

/**
 * Finishes a row's cells: drops trailing empty cells and returns `undefined` when nothing is
 * left (a blank row, which readers skip while keeping its number).
 */
export function finishCells(cells: SheetCell[]): SheetCell[] | undefined {
  let end = cells.length;
  while (end > 0 && cells[end - 1]?.kind === 'empty') end--;
  if (end === 0) return undefined;
  if (end < cells.length) cells.length = end;
  return cells;
}
