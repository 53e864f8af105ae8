/**
 * Zip-bomb and oversized-cell guards of the xlsx reader. Both count as the bytes and characters
 * arrive, so a refusal costs the memory of one chunk, never of the thing refused.
 *
 * Unpacked size. Every part the reader reads (rels, workbook, styles, shared strings, worksheets)
 * is counted in bytes as it comes out of the inflater, against one budget per file:
 * `min(max(100 × file size, 64 MB), 1 GB)`. Measured on the big-sheet fixture
 * (tests/fixtures/sheets/big-sheet.ts, dense Korean/Japanese text, exceljs writer):
 *
 * | sheet                                | file    | unpacked | ratio |
 * |--------------------------------------|---------|----------|-------|
 * | 100 000 rows, shared strings         | 2.7 MB  | 24.6 MB  | 9.1×  |
 * | 100 000 rows, texts in the sheet XML | 2.5 MB  | 25.1 MB  | 10.3× |
 * | 200 000 rows (the row limit), shared | 5.5 MB  | 49.9 MB  | 9.1×  |
 *
 * Real workbooks compress about 5–20×, so 100× leaves ten times room, and the 64 MB floor lets
 * through any small file (2.5× the 100 000-row sheet whatever its ratio). The 1 GB ceiling is
 * reached only from a 10 MB file; 200 000 rows of 50 columns stay below it.
 *
 * Cell text. Excel holds at most 32 767 characters in a cell (and in a shared string). saxes 5
 * gathers a text node whole before handing it over, so the parsers feed it in slices and look at
 * what it holds between slices ({@link saxPendingChars}); in the XML a character may take up to
 * 7 (`_xHHHH_`), so the raw cap is 7 × 32 767 and the exact cap is checked once decoded.
 */
import type { SaxesParser } from 'saxes';
import { SheetFileProblem } from './sheet-reader-errors.js';
import type { ByteChunks } from './xlsx-decode.js';

const MB = 1024 * 1024;
export const UNPACK_RATIO = 100;
export const UNPACK_FLOOR_BYTES = 64 * MB;
export const UNPACK_CEILING_BYTES = 1024 * MB;

/** Excel's own limit on one cell's text, in UTF-16 code units (what JavaScript's `length` counts). */
export const EXCEL_MAX_CELL_CHARS = 32_767;
/** The most XML characters one cell's (or shared string's) text may take before decoding. */
export const MAX_CELL_XML_CHARS = EXCEL_MAX_CELL_CHARS * 7 + 64;
/** Largest piece of text handed to saxes at once: bounds what it holds between checks. */
const SAX_SLICE_CHARS = 64 * 1024;

/** The most bytes the parts of an xlsx of `fileSize` bytes may unpack to. */
export function unpackLimit(fileSize: number): number {
  return Math.min(Math.max(fileSize * UNPACK_RATIO, UNPACK_FLOOR_BYTES), UNPACK_CEILING_BYTES);
}

/** The file unpacks to more than its {@link UnpackBudget}: always fatal, never noted and skipped. */
export class UnpackTooLarge extends SheetFileProblem {
  constructor(limit: number, fileSize: number) {
    super(
      `The sheet is too large when unpacked (more than ${sizeText(limit)} from a ${sizeText(fileSize)} file): ` +
        'it may be damaged or built to exhaust memory; save it again from Excel or split it.',
    );
    this.name = 'UnpackTooLarge';
  }
}

/** One file's budget of unpacked bytes, shared by every part read from it. */
export class UnpackBudget {
  private used = 0;

  constructor(
    readonly fileSize: number,
    readonly limit: number = unpackLimit(fileSize),
  ) {}

  /** Passes `chunks` on, counting their bytes; throws {@link UnpackTooLarge} on the chunk that passes the limit. */
  async *count(chunks: ByteChunks): AsyncGenerator<Buffer | Uint8Array | string> {
    for await (const chunk of chunks) {
      this.used += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      if (this.used > this.limit) throw new UnpackTooLarge(this.limit, this.fileSize);
      yield chunk;
    }
  }
}

/** The sentence for a cell whose text is longer than Excel allows. */
export function cellTooLong(ref: string, row: number, column: string): SheetFileProblem {
  return new SheetFileProblem(
    `Cell ${ref} (row ${row}, column ${column}) holds more than ${EXCEL_MAX_CELL_CHARS.toLocaleString('en-US')} characters, ` +
      "Excel's own limit; the file looks damaged. Open it in Excel and save it again as .xlsx.",
  );
}

/** The sentence for a shared string (1-based, as counted in the file) longer than Excel allows. */
export function sharedStringTooLong(index: number): SheetFileProblem {
  return new SheetFileProblem(
    `Shared string ${index.toLocaleString('en-US')} of the workbook holds more than ` +
      `${EXCEL_MAX_CELL_CHARS.toLocaleString('en-US')} characters, Excel's own limit; the file looks damaged. ` +
      'Open it in Excel and save it again as .xlsx.',
  );
}

/** `xml` in pieces of at most 64 K characters (saxes carries a surrogate pair cut between two). */
export function* saxSlices(xml: string): Generator<string> {
  if (xml.length <= SAX_SLICE_CHARS) {
    yield xml;
    return;
  }
  for (let at = 0; at < xml.length; at += SAX_SLICE_CHARS) yield xml.slice(at, at + SAX_SLICE_CHARS);
}

/**
 * Characters saxes 5 holds and has not handed over yet: the text node, comment, CDATA, attribute
 * value or name being read, and an entity. Its fields are private in the typings; saxes is pinned
 * (package.json) and tests/unit/xlsx-limits.test.ts covers them.
 */
export function saxPendingChars(sax: SaxesParser): number {
  const inner = sax as unknown as { text?: string; name?: string; entity?: string };
  return (inner.text?.length ?? 0) + (inner.name?.length ?? 0) + (inner.entity?.length ?? 0);
}

function sizeText(bytes: number): string {
  if (bytes >= MB) return `${Math.round((bytes / MB) * 10) / 10} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
