/**
 * Reads the first visible worksheet of an xlsx file as rows of typed cells, streamed: memory holds
 * the shared-string table and one chunk of rows, never the whole sheet. The zip walk and the
 * choice of sheet are SafeWorkbookReader's (xlsx-workbook-reader.ts); the sheet XML is parsed by
 * WorksheetXmlParser (xlsx-sheet-parser.ts).
 */
import { createReadStream } from 'node:fs';
import type { ReadOptions, SheetRow } from './sheet-reader-cells.js';
import { decodeXmlChunks } from './xlsx-decode.js';
import { UnpackBudget } from './xlsx-limits.js';
import { WorksheetXmlParser } from './xlsx-sheet-parser.js';
import { SafeWorkbookReader } from './xlsx-workbook-reader.js';

/**
 * Streams the non-blank rows of the first visible worksheet (workbook order) of the xlsx at
 * `filePath`; its size `fileSize` sets how much its parts may unpack to (xlsx-limits.ts).
 * `listen.onSheet` is told that sheet's name (and the other visible ones') before the first row;
 * `listen.onOtherSheets` the other visible worksheets holding anything, after the last. Throws
 * `SheetFileProblem` when the workbook has no readable worksheet, a part is damaged, the parts
 * read unpack to more than the file's budget, or a cell holds more than Excel allows; errors of
 * the zip itself (unzipper) and of exceljs's parsers propagate for the caller to word.
 * Stopping early (break, return, error) closes the file and removes temp files.
 */
export async function* readXlsx(
  filePath: string,
  fileSize: number,
  listen: Pick<ReadOptions, 'onSheet' | 'onOtherSheets'> = {},
): AsyncGenerator<SheetRow> {
  const budget = new UnpackBudget(fileSize);
  const reader = new SafeWorkbookReader(createReadStream(filePath), budget);
  try {
    for await (const { value: source } of reader.parse()) {
      const first = reader.firstSheet();
      if ('name' in first) listen.onSheet?.(first.name, reader.otherSheetNames());
      const parser = new WorksheetXmlParser(reader.context());
      for await (const text of decodeXmlChunks(source.chunks, 'worksheet')) {
        yield* parser.write(text);
      }
      yield* parser.end();
    }
    listen.onOtherSheets?.(reader.otherSheets());
  } finally {
    await reader.close();
  }
}
