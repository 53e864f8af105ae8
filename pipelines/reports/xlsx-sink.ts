import fs from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { escapeCell } from '../../lib/spreadsheet-escape.js';
import { discard, kstWallClock, partialPath, publish } from './sink-files.js';
import type { Cell, Column, ListDef, ReportSink } from './model.js';

/** Excel's last row is 1 048 576: one header row and this many data rows per sheet. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

/** Bytes of sheet XML allowed to wait for the compressor before the writer pauses. */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** The buffered side of a Node stream (readable-stream 2 has no `writableLength`). */
interface PendingStream {
  _writableState?: { length: number };
  once(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

/**
 * exceljs 4.4 writes each sheet's XML into a buffer (StreamBuf) that hands it on to the zip
 * through a PassThrough without honouring `write()`'s return value, so rows produced faster than
 * zlib compresses them pile up in that PassThrough (about 0.8 KB a row: a million rows would hold
 * most of a gigabyte). This finds that PassThrough, to wait for it; undefined if a later exceljs
 * is built otherwise (then the writer only yields to the event loop between batches).
 */
function pendingOf(sheet: ExcelJS.Worksheet): PendingStream | undefined {
  const buf = (sheet as unknown as { _stream?: { pipes?: PendingStream[] } })._stream;
  const pipe = buf?.pipes?.[0];
  return pipe && typeof pipe._writableState?.length === 'number' ? pipe : undefined;
}

/** Resolves on 'drain' or 'close' (a stream closed by an error never drains). */
function drained(stream: PendingStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.removeListener('drain', done);
      stream.removeListener('close', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
  });
}

/**
 * Writes the report as one xlsx workbook with exceljs's streaming writer: a sheet per list, in the
 * order written, each with a bold frozen header row, an auto filter over its rows, the list's
 * column widths, KST times as date cells (`yyyy-mm-dd hh:mm:ss`), and formula-like text escaped.
 * No shared strings and every row committed as it comes, so memory does not grow with the rows;
 * between batches the writer waits for the file to drain. A list longer than a sheet continues
 * on `<list> (2)`, `<list> (3)`…
 */
export class XlsxSink implements ReportSink {
  private readonly tmp: string;
  private readonly out: fs.WriteStream;
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private current: { list: ListDef; sheet: ExcelJS.Worksheet; part: number; inSheet: number; rows: number; styles: Array<Partial<ExcelJS.Style>> } | undefined;
  private failed: unknown;

  constructor(
    private readonly file: string,
    private readonly maxRowsPerSheet = XLSX_MAX_DATA_ROWS,
  ) {
    this.tmp = partialPath(file);
    this.out = fs.createWriteStream(this.tmp);
    this.out.on('error', (err) => (this.failed = err));
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: this.out, useSharedStrings: false, useStyles: true });
  }

  private addSheet(list: ListDef, part: number): ExcelJS.Worksheet {
    const sheet = this.workbook.addWorksheet(part === 1 ? list.name : `${list.name} (${part})`, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = list.columns.map((c: Column) => ({ header: c.header, width: c.width, ...(c.type === 'time' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}) }));
    sheet.getRow(1).font = { bold: true };
    return sheet;
  }

  async begin(list: ListDef): Promise<void> {
    // One style object per column, shared by its cells: exceljs caches a style by object identity,
    // so a shared object is looked up once instead of serialised for every cell (half the time).
    const styles = list.columns.map((c) => (c.type === 'time' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {}));
    this.current = { list, sheet: this.addSheet(list, 1), part: 1, inSheet: 0, rows: 0, styles };
  }

  async rows(rows: Cell[][]): Promise<void> {
    if (this.failed) throw this.failed;
    const c = this.current!;
    const columns = c.list.columns;
    for (const r of rows) {
      if (c.inSheet >= this.maxRowsPerSheet) {
        this.closeSheet();
        c.part++;
        c.sheet = this.addSheet(c.list, c.part);
        c.inSheet = 0;
      }
      const values = r.map((v, i) => (v instanceof Date ? kstWallClock(v) : typeof v === 'string' && columns[i]!.type === 'text' ? escapeCell(v) : v));
      const row = c.sheet.addRow(values);
      row.eachCell((cell, i) => {
        cell.style = c.styles[i - 1]!;
      });
      row.commit();
      c.inSheet++;
      c.rows++;
    }
    await this.drain();
  }

  /** Lets the zip and the file catch up, so rows do not pile up in memory ahead of the disk. */
  private async drain(): Promise<void> {
    const pending = this.current ? pendingOf(this.current.sheet) : undefined;
    if (pending && pending._writableState!.length > MAX_PENDING_BYTES) await drained(pending);
    else await new Promise((resolve) => setImmediate(resolve));
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  private closeSheet(): void {
    const c = this.current!;
    c.sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1 + c.inSheet, column: c.list.columns.length } };
    c.sheet.commit();
  }

  async end(): Promise<number> {
    this.closeSheet();
    const n = this.current!.rows;
    this.current = undefined;
    await this.drain();
    return n;
  }

  async finish(): Promise<string[]> {
    await this.workbook.commit();
    if (!this.out.writableFinished) await once(this.out, 'finish');
    if (this.failed) throw this.failed;
    return publish([{ tmp: this.tmp, file: this.file }]);
  }

  async abort(): Promise<void> {
    // Detach exceljs's zip (archiver) first: left piped, it may still write into the destroyed
    // file stream a moment later and throw "Cannot call writev after a stream was destroyed".
    const zip = (this.workbook as unknown as { zip?: NodeJS.ReadableStream & { abort?: () => void } }).zip;
    if (zip) {
      zip.on('error', () => undefined);
      zip.unpipe(this.out);
      zip.abort?.();
    }
    if (!this.out.closed) {
      // Not events.once: it rejects when the destroyed stream reports its dropped writes.
      const closed = new Promise<void>((resolve) => this.out.once('close', () => resolve()));
      this.out.destroy();
      await closed;
    }
    discard([this.tmp]);
  }
}
