/**
 * Reads a CSV (or tab-separated "Unicode text") upload as rows of text cells, streamed through
 * csv-parse. Fields are never type-converted (`0012` and `2024-01-02` stay as written); a quoted
 * line break stays inside its field. Row numbers are record numbers as Excel shows them (header =
 * 1), blank records included; blank records are not yielded.
 *
 * Rows may be shorter than the header (the missing cells are empty), never longer: a row with a
 * value past the header's last column is yielded with a `problem` (a comma inside an unquoted
 * value shifted its columns), which refuses that row.
 *
 * One escape is undone: a field that is an apostrophe followed by `=`, `+`, `-` or `@` loses the
 * apostrophe. That is exactly what mallbridge's own CSV files write for such text
 * (lib/spreadsheet-escape.ts, so a spreadsheet does not evaluate it), and what a seller copies
 * back from them; Excel itself never writes it (saving as CSV drops a cell's quote prefix), so a
 * seller's `-PROMO-1` comes back as `-PROMO-1` either way.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { CsvError } from 'csv-parse';
import { detectDelimiter, headerLineEnd } from './csv-delimiter.js';
import type { CsvDelimiter } from './csv-delimiter.js';
import { decodeCsvBytes } from './csv-encoding.js';
import type { CsvEncoding } from './csv-encoding.js';
import { finishCells, textCell } from './sheet-reader-cells.js';
import type { SheetRow } from './sheet-reader-cells.js';
import { SheetFileProblem } from './sheet-reader-errors.js';

/** A header line longer than this is not looked at for a delimiter (comma is assumed). */
const HEADER_SCAN_CHARS = 1024 * 1024;
/** Longest record accepted: far beyond Excel's 32 767 characters per cell, short of memory trouble. */
const MAX_RECORD_CHARS = 4 * 1024 * 1024;

/** What was detected about a CSV file, for logs and tests. */
export interface CsvFormat {
  /** `ascii` when no byte above 0x7F came before the end of the header line (decided later). */
  encoding: CsvEncoding | 'ascii';
  delimiter: CsvDelimiter;
}

/**
 * Streams the non-blank records of the CSV at `filePath` as rows of `text`/`empty` cells.
 * `onFormat` is told the detected encoding and delimiter once the header line has been read.
 * Throws {@link SheetFileProblem} for bytes invalid in the detected encoding, a quote never closed,
 * or a record longer than {@link MAX_RECORD_CHARS}.
 */
export async function* readCsv(
  filePath: string,
  onFormat?: (format: CsvFormat) => void,
): AsyncGenerator<SheetRow> {
  let encoding: CsvEncoding | undefined;
  const text = decodeCsvBytes(createReadStream(filePath, { highWaterMark: 64 * 1024 }), (e) => {
    encoding = e;
  });
  const { delimiter, replay } = await sniffDelimiter(text);
  onFormat?.({ encoding: encoding ?? 'ascii', delimiter });

  const parser = parse({
    delimiter,
    // Any of CRLF, LF, CR ends a record, mixed in one file as Excel allows (csv-parse would
    // otherwise take the first one it meets and leave stray CRs in fields).
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARS,
    info: true,
  });
  const piped = pipeline(Readable.from(replay), parser);
  piped.catch(() => undefined); // the same error reaches the loop below through the parser
  try {
    let headerWidth: number | undefined;
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
      const cells = finishCells(record.map((field) => textCell(unescapeFormula(field))));
      if (info.records === 1) headerWidth = cells?.length ?? 0;
      if (!cells) continue;
      if (headerWidth !== undefined && info.records > 1 && cells.length > headerWidth) {
        yield { row: info.records, cells, problem: { message: tooManyFields(cells.length, headerWidth, delimiter), value: record.join(delimiter) } };
      } else {
        yield { row: info.records, cells };
      }
    }
  } catch (err) {
    throw isCsvError(err) ? csvProblem(err) : err;
  }
}

const ESCAPED_FORMULA = /^'[=+\-@]/;

/** `'=1+2` → `=1+2`: the apostrophe our own files put before formula-like text (nothing else). */
export function unescapeFormula(field: string): string {
  return ESCAPED_FORMULA.test(field) ? field.slice(1) : field;
}

const DELIMITER_NAMES: Record<CsvDelimiter, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

function tooManyFields(fields: number, headerFields: number, delimiter: CsvDelimiter): string {
  const name = DELIMITER_NAMES[delimiter];
  return (
    `row has ${fields} fields, the header ${headerFields}: a ${name} inside a value must be in double quotes ` +
    `(save the file from Excel as CSV UTF-8 to have that done), or give the extra column a header`
  );
}

/**
 * Reads decoded text until the header line is complete, picks the delimiter from it, and returns
 * an iterable that replays everything read so far followed by the rest.
 */
async function sniffDelimiter(text: AsyncGenerator<string>): Promise<{ delimiter: CsvDelimiter; replay: AsyncGenerator<string> }> {
  let head = '';
  let end: number | undefined;
  let exhausted = false;
  while (end === undefined && head.length < HEADER_SCAN_CHARS) {
    const next = await text.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    head += next.value;
    end = headerLineEnd(head);
  }
  const delimiter = detectDelimiter(head.slice(0, end ?? Math.min(head.length, HEADER_SCAN_CHARS)));
  async function* replay(): AsyncGenerator<string> {
    try {
      if (head) yield head;
      if (!exhausted) yield* text;
    } finally {
      await text.return(undefined);
    }
  }
  return { delimiter, replay: replay() };
}

/** csv-parse's errors carry a `CSV_…` code (matched by code, not class, across realms). */
function isCsvError(err: unknown): err is CsvError {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('CSV_');
}

function csvProblem(err: CsvError): SheetFileProblem {
  const line = typeof err.lines === 'number' ? err.lines : undefined;
  const where = line !== undefined ? ` (line ${line})` : '';
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new SheetFileProblem(
        `A quoted field is never closed${where}: a quote mark (") is missing, so the rest of the file would be one cell; ` +
          'fix that cell, or save the file again from Excel as CSV UTF-8.',
        { cause: err },
      );
    case 'CSV_MAX_RECORD_SIZE':
      return new SheetFileProblem(
        `A row is longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters${where}; a quote mark (") is probably missing. ` +
          'Fix that row, or save the file again from Excel as CSV UTF-8.',
        { cause: err },
      );
    default:
      return new SheetFileProblem(
        `The CSV file could not be read${where}: ${err.message}. Save it again from Excel as CSV UTF-8.`,
        { cause: err },
      );
  }
}
