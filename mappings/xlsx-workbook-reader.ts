/**
 * exceljs 4.4's streaming WorkbookReader, subclassed so that its text decoding and its zip walk can
 * be trusted. What is kept from exceljs: the unzipper engine it uses, its parsers for
 * `xl/_rels/workbook.xml.rels`, `xl/workbook.xml` and `xl/styles.xml` (StyleManager), and
 * `utils.isDateFmt`. What is replaced, and why:
 *
 * - Decoding. exceljs decodes each zip chunk on its own, so a UTF-8 character cut by a chunk
 *   boundary becomes U+FFFD (issues #2063, #2084). Every part is decoded here by one streaming
 *   decoder (xlsx-decode.ts) and exceljs's parsers receive text (its `bufferToString` passes
 *   strings through).
 * - Shared strings: parsed here, runs joined and phonetic readings ignored (xlsx-shared-strings.ts).
 * - Worksheets: parsed by xlsx-sheet-parser.ts, not by exceljs's WorksheetReader.
 * - The zip walk (`parse`). exceljs's loses small last parts at random (xlsx-zip-entries.ts says
 *   why); Excel, LibreOffice and exceljs's own streaming writer all put small parts last. `parse`
 *   here walks the zip with {@link zipEntries} and reads the sheet wanted: the first visible
 *   worksheet in workbook order, straight from the zip when everything it depends on (rels,
 *   workbook.xml, styles, shared strings) has been seen, else from a temp file once the zip has
 *   ended (Excel writes sharedStrings.xml after the worksheets; LibreOffice writes workbook.xml last).
 *   The other visible worksheets are only counted (non-blank rows), so that the import can say
 *   what it did not read; hidden ones are skipped.
 * - Zip bombs. Every part read is counted in bytes as it leaves the inflater against one
 *   {@link UnpackBudget} for the whole file (xlsx-limits.ts); parts not read are never inflated.
 *
 * exceljs is pinned at 4.4.0; the methods used through `super` are its internals
 * (lib/stream/xlsx/workbook-reader.js) and are covered by tests/unit/xlsx-*.test.ts.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { SAVE_AS_HINT, SheetFileProblem } from './sheet-reader-errors.js';
import { decodeXmlChunks } from './xlsx-decode.js';
import type { ByteChunks } from './xlsx-decode.js';
import { UnpackTooLarge } from './xlsx-limits.js';
import type { UnpackBudget } from './xlsx-limits.js';
import { parseSharedStrings } from './xlsx-shared-strings.js';
import type { OtherSheet, SheetRow } from './sheet-reader-cells.js';
import { WorksheetXmlParser } from './xlsx-sheet-parser.js';
import type { WorkbookContext } from './xlsx-sheet-parser.js';
import { zipEntries } from './xlsx-zip-entries.js';
import type { ZipEntry } from './xlsx-zip-entries.js';

const require = createRequire(import.meta.url);
const requireFromExceljs = createRequire(require.resolve('exceljs'));
/** exceljs's way of reading a zip entry: pauses it, never destroys it (the zip goes on). */
const iterateStream = require('exceljs/lib/utils/iterate-stream.js') as (stream: NodeJS.ReadableStream) => ByteChunks;
const { isDateFmt } = require('exceljs/lib/utils/utils.js') as { isDateFmt(fmt: string): boolean };
/** The unzipper exceljs itself streams with. */
const unzipper = requireFromExceljs('unzipper') as { Parse(options: { forceStream: true }): NodeJS.ReadWriteStream & Readable };

/** Built-in number formats 27–36 and 50–58 are dates or times in Korean, Japanese and Chinese
 * Excel; exceljs's table has no single code for them, so its StyleManager gives no `numFmt`. */
const CJK_DATE_FORMAT_IDS = new Set([27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/;

interface Relationship {
  Id: string;
  Type?: string;
  Target: string;
}

interface SheetListEntry {
  name: string;
  state?: string;
  rId: string;
}

/** What exceljs's `parse` yields; here only `worksheet` events, carrying a {@link WorksheetSource}. */
export interface EngineEvent {
  eventType: 'worksheet';
  value: WorksheetSource;
}

/** The parts of exceljs 4.4's WorkbookReader this subclass relies on (not in its typings). */
interface ExcelJsWorkbookReader {
  workbookRels?: Relationship[];
  model?: { sheets?: SheetListEntry[] };
  styles: {
    model?: { styles?: Array<{ numFmtId?: number } | undefined> };
    getStyleModel(id: number): { numFmt?: unknown } | null;
  };
  parse(): AsyncGenerator<unknown>;
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseStyles(entry: NodeJS.ReadableStream): Promise<void>;
}

const WorkbookReaderEngine = ExcelJS.stream.xlsx.WorkbookReader as unknown as new (
  input: Readable,
  options: Record<string, string>,
) => ExcelJsWorkbookReader;

/** The worksheet part to read: its zip path and its bytes (the live zip entry or a temp file). */
export class WorksheetSource {
  constructor(
    readonly path: string,
    readonly chunks: ByteChunks,
  ) {}
}

/** What {@link SafeWorkbookReader.firstSheet} found: the part path and sheet name, or why there is none. */
export type FirstSheet = { path: string; name: string } | { problem: string };

/**
 * exceljs's WorkbookReader with safe decoding and a zip walk that loses no entry. Iterate
 * {@link parse} once: it yields one `worksheet` event, the first visible worksheet, then walks the
 * rest of the zip to count the rows of the other visible worksheets ({@link otherSheets}).
 * Call {@link close} when done (also after an error or an early stop).
 */
export class SafeWorkbookReader extends WorkbookReaderEngine {
  private readonly input: Readable;
  private readonly budget: UnpackBudget;
  private zip: Readable | undefined;
  private readonly dateStyles = new Map<number, boolean>();
  private strings: string[] | undefined;
  private stylesSeen = false;
  private date1904 = false;
  private tempDir: string | undefined;
  private readonly others = new Map<string, OtherSheet>();

  /** `input` is the xlsx file's byte stream; `budget` caps what the parts read may unpack to, together. */
  constructor(input: Readable, budget: UnpackBudget) {
    super(input, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'ignore' });
    this.input = input;
    this.budget = budget;
  }

  /**
   * Walks the zip and yields the first visible worksheet (workbook order) once, then counts the
   * rows of the other visible worksheets. Throws {@link SheetFileProblem} when the workbook lists
   * no worksheet or its part is missing; zip and XML errors of exceljs/unzipper propagate.
   */
  override async *parse(): AsyncGenerator<EngineEvent> {
    const zip = unzipper.Parse({ forceStream: true });
    this.zip = zip;
    this.input.on('error', (err) => zip.emit('error', err));
    this.input.pipe(zip);
    const keptAside = new Map<string, string>();
    let yielded = false;
    for await (const entry of zipEntries(zip)) {
      try {
        switch (entry.path) {
          case 'xl/_rels/workbook.xml.rels':
            await this._parseRels(entry);
            break;
          case 'xl/workbook.xml':
            await this._parseWorkbook(entry);
            break;
          case 'xl/styles.xml':
            await this._parseStyles(entry);
            break;
          case 'xl/sharedStrings.xml':
            this.strings = await parseSharedStrings(
              decodeXmlChunks(this.unpacked(entry), 'shared strings'),
            );
            break;
          default: {
            if (!WORKSHEET_PART.test(entry.path)) break;
            const role = this.roleOf(entry.path);
            if (role === 'skip') break;
            if (role !== 'unknown' && this.readyForWorksheets()) {
              if (role === 'first') {
                yield { eventType: 'worksheet', value: new WorksheetSource(entry.path, this.unpacked(entry)) };
                yielded = true;
              } else {
                await this.countOther(role.name, this.unpacked(entry));
              }
              break;
            }
            keptAside.set(entry.path, await this.keepAside(entry, keptAside.size));
          }
        }
      } finally {
        entry.autodrain();
      }
    }
    this.stylesSeen = true; // the zip has ended: a styles part that has not come will not come
    if (!yielded) {
      const first = this.firstSheet();
      if ('problem' in first) throw new SheetFileProblem(`${first.problem}; ${SAVE_AS_HINT}.`);
      const file = keptAside.get(first.path);
      if (!file) throw new SheetFileProblem(`The workbook's first worksheet (${first.path}) is missing from the file; ${SAVE_AS_HINT}.`);
      yield { eventType: 'worksheet', value: new WorksheetSource(first.path, createReadStream(file)) };
    }
    for (const [path, file] of keptAside) {
      const role = this.roleOf(path);
      if (typeof role === 'object' && !this.others.has(role.name)) await this.countOther(role.name, createReadStream(file));
    }
  }

  /**
   * The other visible worksheets that hold something, in workbook order; complete once
   * {@link parse} has ended. A sheet that could not be read is listed with `rows: undefined`.
   */
  otherSheets(): OtherSheet[] {
    return this.worksheets()
      .flatMap((w) => this.others.get(w.sheet.name) ?? [])
      .filter((o) => o.rows === undefined || o.rows > 0 || o.header.length > 0);
  }

  /**
   * Counts the non-blank rows of another visible worksheet; a damaged one is noted, not fatal, and
   * the rest of its bytes are still read through (and counted), so the zip goes on. Passing the
   * unpack budget is fatal.
   */
  private async countOther(name: string, chunks: ByteChunks): Promise<void> {
    const source = chunks[Symbol.asyncIterator]();
    const kept: ByteChunks = { [Symbol.asyncIterator]: () => ({ next: () => source.next() }) }; // not closed by a parse error
    const parser = new WorksheetXmlParser(this.context());
    const other: OtherSheet = { name, rows: 0, header: [] };
    const take = (rows: SheetRow[]) => {
      for (const r of rows) {
        if (r.row === 1) other.header = r.cells.map((c) => (c.kind === 'empty' ? '' : c.text.trim()));
        else other.rows! += 1;
      }
    };
    try {
      for await (const text of decodeXmlChunks(kept, 'worksheet')) take(parser.write(text));
      take(parser.end());
    } catch (err) {
      if (!(err instanceof SheetFileProblem) || err instanceof UnpackTooLarge) throw err;
      other.rows = undefined;
      for (let next = await source.next(); !next.done; next = await source.next());
    }
    this.others.set(name, other);
  }

  /** Stops reading the file and removes temp files. Safe to call more than once. */
  async close(): Promise<void> {
    this.input.destroy();
    this.zip?.destroy();
    const dir = this.tempDir;
    this.tempDir = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** The entry's bytes as they leave the inflater, counted against the unpack budget. */
  private unpacked(entry: NodeJS.ReadableStream): ByteChunks {
    return this.budget.count(iterateStream(entry));
  }

  private decoded(entry: NodeJS.ReadableStream, part: string): Readable {
    return Readable.from(decodeXmlChunks(this.unpacked(entry), part));
  }

  override async _parseRels(entry: NodeJS.ReadableStream): Promise<void> {
    await super._parseRels(this.decoded(entry, 'relationships'));
  }

  override async _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void> {
    let head = '';
    const text = decodeXmlChunks(this.unpacked(entry), 'workbook.xml');
    async function* watched(): AsyncGenerator<string> {
      for await (const chunk of text) {
        if (head.length < 65_536) head += chunk;
        yield chunk;
      }
    }
    await super._parseWorkbook(Readable.from(watched()));
    // exceljs reads date1904 only when it is "1"; OOXML also allows "true".
    this.date1904 = /<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*["'](?:1|true)["']/.test(head);
  }

  override async _parseStyles(entry: NodeJS.ReadableStream): Promise<void> {
    await super._parseStyles(this.decoded(entry, 'styles.xml'));
    this.dateStyles.clear();
    this.stylesSeen = true;
  }

  private async keepAside(entry: ZipEntry, n: number): Promise<string> {
    this.tempDir ??= await mkdtemp(join(tmpdir(), `mallbridge-xlsx-${process.pid}-`));
    const file = join(this.tempDir, `part${n}.xml`);
    const budget = this.budget;
    await pipeline(entry, (source: AsyncIterable<Buffer>) => budget.count(source), createWriteStream(file));
    return file;
  }

  /** Everything a worksheet depends on has been seen, so it can be read straight from the zip. */
  private readyForWorksheets(): boolean {
    return this.workbookRels !== undefined && this.model !== undefined && this.stylesSeen && this.strings !== undefined;
  }

  /**
   * What a worksheet part is to this reader: the sheet to read, another visible worksheet (to
   * count), one to skip (hidden, or not a listed worksheet), or unknown until workbook.xml and its
   * rels have been read.
   */
  private roleOf(path: string): 'first' | { name: string } | 'skip' | 'unknown' {
    if (this.workbookRels === undefined || this.model === undefined) return 'unknown';
    const first = this.firstSheet();
    if ('path' in first && first.path === path) return 'first';
    const other = this.worksheets().find((w) => w.path === path && w.visible);
    return other ? { name: other.sheet.name } : 'skip';
  }

  /** The worksheets workbook.xml lists, in workbook order, with their zip paths. */
  private worksheets(): Array<{ sheet: SheetListEntry; path: string; visible: boolean }> {
    if (!this.model || !this.workbookRels) return [];
    const rels = new Map(this.workbookRels.map((rel) => [rel.Id, rel]));
    return (this.model.sheets ?? []).flatMap((sheet) => {
      const rel = rels.get(sheet.rId);
      if (!rel || (rel.Type !== undefined && !rel.Type.endsWith('/worksheet'))) return [];
      return [{ sheet, path: partPath(rel.Target), visible: sheet.state !== 'hidden' && sheet.state !== 'veryHidden' }];
    });
  }

  /**
   * The first visible worksheet in workbook order (the first worksheet if none is visible), as its
   * zip path and name; or why there is none.
   */
  firstSheet(): FirstSheet {
    if (!this.model || !this.workbookRels) {
      return { problem: 'The file is a zip archive but not an Excel workbook (it has no workbook part)' };
    }
    const worksheets = this.worksheets();
    const first = worksheets.find((w) => w.visible) ?? worksheets[0];
    if (!first) return { problem: 'The workbook has no worksheet' };
    return { path: first.path, name: first.sheet.name };
  }

  /** The names of the visible worksheets other than the one read, in workbook order. */
  otherSheetNames(): string[] {
    const first = this.firstSheet();
    return this.worksheets()
      .filter((w) => w.visible && !('path' in first && w.path === first.path))
      .map((w) => w.sheet.name);
  }

  /** The context the worksheet parser needs; valid once {@link parse} has yielded. */
  context(): WorkbookContext {
    return {
      sharedStrings: this.strings ?? [],
      date1904: this.date1904,
      isDateStyle: (styleIndex) => this.isDateStyle(styleIndex),
    };
  }

  private isDateStyle(styleIndex: number): boolean {
    if (!Number.isInteger(styleIndex) || styleIndex < 0) return false;
    let isDate = this.dateStyles.get(styleIndex);
    if (isDate === undefined) {
      const numFmtId = this.styles.model?.styles?.[styleIndex]?.numFmtId;
      const numFmt = this.styles.getStyleModel(styleIndex)?.numFmt;
      isDate =
        typeof numFmt === 'string' ? isDateFmt(numFmt) : numFmtId !== undefined && CJK_DATE_FORMAT_IDS.has(Number(numFmtId));
      this.dateStyles.set(styleIndex, isDate);
    }
    return isDate;
  }
}

/** A workbook relationship target as a zip path: relative to `xl/`, or absolute from the root. */
function partPath(target: string): string {
  const raw = target.trim();
  const segments = (raw.startsWith('/') ? raw.slice(1) : `xl/${raw}`).split('/');
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
  }
  return out.join('/');
}
