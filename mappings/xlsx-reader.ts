/**
 * Reads the first visible worksheet of an xlsx file as rows of typed cells, streamed: memory holds
 * the shared-string table and one chunk of rows, never the whole sheet. The zip walk and the
 * choice of sheet are SafeWorkbookReader's (xlsx-workbook-reader.ts); the sheet XML is parsed by
 * WorksheetXmlParser (xlsx-sheet-parser.ts).
 */
import { createReadStream } from 'node:fs';
import type { ReadLimits, ReadOptions, SheetRow } from './sheet-reader-cells.js';
import { decodeXmlChunks } from './xlsx-decode.js';
import { WorksheetXmlParser } from './xlsx-sheet-parser.js';
import { SafeWorkbookReader } from './xlsx-workbook-reader.js';

/**
 * How many characters one part may unpack to, per byte of the upload limit: a zip-bomb guard far
 * above what real sheets reach (XML compresses about 5–20×).
 */
const SHEET_CHARS_PER_BYTE = 40;
const SHARED_STRING_CHARS_PER_BYTE = 8;
const OTHER_PART_CHARS_PER_BYTE = 2;

/**
 * Streams the non-blank rows of the first visible worksheet (workbook order) of the xlsx at
 * `filePath`. `listen.onSheet` is told that sheet's name (and the other visible ones') before the
 * first row; `listen.onOtherSheets` the other visible worksheets holding anything, after the last.
 * Throws `SheetFileProblem` when the workbook has no readable worksheet or a part is damaged;
 * errors of the zip itself (unzipper) and of exceljs's parsers propagate for the caller to word.
 * Stopping early (break, return, error) closes the file and removes temp files.
 */
export async function* readXlsx(
  filePath: string,
  limits: ReadLimits,
  listen: Pick<ReadOptions, 'onSheet' | 'onOtherSheets'> = {},
): AsyncGenerator<SheetRow> {
  const sheetChars = limits.maxBytes * SHEET_CHARS_PER_BYTE;
  const reader = new SafeWorkbookReader(createReadStream(filePath), {
    sheet: sheetChars,
    sharedStrings: limits.maxBytes * SHARED_STRING_CHARS_PER_BYTE,
    other: limits.maxBytes * OTHER_PART_CHARS_PER_BYTE,
  });
  try {
    for await (const { value: source } of reader.parse()) {
      const first = reader.firstSheet();
      if ('name' in first) listen.onSheet?.(first.name, reader.otherSheetNames());
      const parser = new WorksheetXmlParser(reader.context());
      for await (const text of decodeXmlChunks(source.chunks, 'worksheet', sheetChars)) {
        yield* parser.write(text);
      }
      yield* parser.end();
    }
    listen.onOtherSheets?.(reader.otherSheets());
  } finally {
    await reader.close();
  }
}
