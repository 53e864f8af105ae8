/**
 * A worksheet part (`xl/worksheets/sheetN.xml`) → rows of typed cells, streamed. Replaces
 * exceljs 4.4's WorksheetReader, which keeps only the last run of inline rich text, lets inline
 * phonetic readings replace the text, decodes entities twice (`&amp;lt;` came back as `<`) and
 * turns cached formula errors (`t="e"`) into NaN.
 *
 * Cell types (`t`): `s` shared string, `inlineStr` (`<is>`, runs joined, `<rPh>` ignored), `str`
 * formula string result, `b` boolean, `e` error, `d` ISO date, `n`/none number (a date when its
 * style has a date format). A formula's cell is its cached `<v>`, typed the same way. Cells and
 * rows without an `r` attribute take the next position.
 */
import { SaxesParser } from 'saxes';
import { EMPTY_CELL, finishCells, textCell } from './sheet-reader-cells.js';
import type { SheetCell, SheetRow } from './sheet-reader-cells.js';
import { SheetFileProblem } from './sheet-reader-errors.js';
import { cellTooLong, EXCEL_MAX_CELL_CHARS, MAX_CELL_XML_CHARS, saxPendingChars, saxSlices } from './xlsx-limits.js';
import { localName } from './xlsx-shared-strings.js';
import { columnIndex, columnLetters, decodeOoxmlEscapes, excelSerialToIso, MAX_COLUMNS, numberText } from './xlsx-values.js';

/** What a worksheet needs from the rest of the workbook. */
export interface WorkbookContext {
  sharedStrings: readonly string[];
  /** Whether cell style `s` (an index into cellXfs) has a date or time number format. */
  isDateStyle(styleIndex: number): boolean;
  date1904: boolean;
}

interface OpenCell {
  col: number;
  ref: string;
  type: string;
  style: number;
  hasFormula: boolean;
  value: string | undefined; // <v>
  inline: string | undefined; // <is>
}

/**
 * Push parser: `write()` decoded XML text, get back the rows completed by it; `close()` at the end.
 * Blank rows (no cell with a value) are not returned. Throws {@link SheetFileProblem} on malformed
 * XML or cells Excel could not have written.
 */
export class WorksheetXmlParser {
  private readonly sax = new SaxesParser({ xmlns: false, position: false });
  private done: SheetRow[] = [];
  private inSheetData = false;
  private rowNumber = 0;
  private cells: SheetCell[] | undefined;
  private lastCol = -1;
  private cell: OpenCell | undefined;
  private capture: 'v' | 't' | undefined;
  private inInline = false;
  private phonetic = 0;

  constructor(private readonly ctx: WorkbookContext) {
    this.sax.on('opentag', (node) => this.open(localName(node.name), node.attributes, node.isSelfClosing));
    this.sax.on('closetag', (node) => this.close(localName(node.name), node.isSelfClosing));
    this.sax.on('text', (text) => this.text(text));
    this.sax.on('cdata', (text) => this.text(text));
  }

  /**
   * Feeds decoded XML; returns the non-blank rows it completed. Fed in slices so that a cell's
   * text is refused once it passes Excel's limit, before saxes has gathered it whole.
   */
  write(xml: string): SheetRow[] {
    for (const slice of saxSlices(xml)) {
      this.guard(() => this.sax.write(slice));
      this.checkPending();
    }
    return this.take();
  }

  /** What saxes holds, with what the open cell already has, stays within one cell's most. */
  private checkPending(): void {
    const cell = this.cell;
    const held = saxPendingChars(this.sax) + (cell?.value?.length ?? 0) + (cell?.inline?.length ?? 0);
    if (held <= MAX_CELL_XML_CHARS) return;
    if (cell) throw this.tooLong(cell);
    throw new SheetFileProblem(
      `The worksheet holds more than ${MAX_CELL_XML_CHARS.toLocaleString('en-US')} characters outside any cell ` +
        `(after row ${this.rowNumber}); the file looks damaged. Open it in Excel and save it again as .xlsx.`,
    );
  }

  private tooLong(cell: OpenCell): SheetFileProblem {
    return cellTooLong(cell.ref, this.rowNumber, columnLetters(cell.col));
  }

  /** Ends the document; returns any rows still pending. */
  end(): SheetRow[] {
    this.guard(() => this.sax.close());
    return this.take();
  }

  private take(): SheetRow[] {
    const rows = this.done;
    if (rows.length) this.done = [];
    return rows;
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof SheetFileProblem) throw err;
      throw new SheetFileProblem(
        `The worksheet is not well-formed XML (${(err as Error).message}); the file looks damaged. ` +
          'Open it in Excel and save it again as .xlsx.',
        { cause: err },
      );
    }
  }

  private open(name: string, attrs: Record<string, string>, selfClosing: boolean): void {
    switch (name) {
      case 'sheetData':
        this.inSheetData = !selfClosing;
        return;
      case 'row':
        if (!this.inSheetData) return;
        this.rowNumber = attrs.r !== undefined ? positiveInt(attrs.r, 'row number') : this.rowNumber + 1;
        this.cells = [];
        this.lastCol = -1;
        return;
      case 'c': {
        if (!this.cells) return;
        const ref = attrs.r;
        let col = this.lastCol + 1;
        if (ref !== undefined) {
          const parsed = columnIndex(ref);
          if (parsed === undefined) throw new SheetFileProblem(`Row ${this.rowNumber} has a cell with a bad reference "${ref}"; the file looks damaged. Open it in Excel and save it again as .xlsx.`);
          col = parsed;
        }
        if (col >= MAX_COLUMNS) throw new SheetFileProblem(`Row ${this.rowNumber} has more than ${MAX_COLUMNS} columns, more than Excel allows; the file looks damaged.`);
        this.lastCol = col;
        this.cell = {
          col,
          ref: ref ?? `${columnLetters(col)}${this.rowNumber}`,
          type: attrs.t ?? 'n',
          style: attrs.s !== undefined ? Number.parseInt(attrs.s, 10) : 0,
          hasFormula: false,
          value: undefined,
          inline: undefined,
        };
        return;
      }
    }
    const cell = this.cell;
    if (!cell) return;
    switch (name) {
      case 'f':
        cell.hasFormula = true;
        return;
      case 'v':
        cell.value = '';
        this.capture = selfClosing ? undefined : 'v';
        return;
      case 'is':
        cell.inline = '';
        this.inInline = !selfClosing;
        this.phonetic = 0;
        return;
      case 'rPh':
        if (this.inInline && !selfClosing) this.phonetic++;
        return;
      case 't':
        if (this.inInline && this.phonetic === 0 && !selfClosing) this.capture = 't';
        return;
    }
  }

  private text(text: string): void {
    const cell = this.cell;
    if (!cell || !this.capture) return;
    if (this.capture === 'v') cell.value += text;
    else cell.inline += text;
    if ((cell.value?.length ?? 0) + (cell.inline?.length ?? 0) > MAX_CELL_XML_CHARS) throw this.tooLong(cell);
  }

  private close(name: string, selfClosing: boolean): void {
    switch (name) {
      case 'v':
      case 't':
        this.capture = undefined;
        return;
      case 'rPh':
        if (this.inInline && !selfClosing) this.phonetic--;
        return;
      case 'is':
        this.inInline = false;
        return;
      case 'c':
        if (this.cell && this.cells) {
          const value = this.cellValue(this.cell);
          if (value.kind === 'text' && value.text.length > EXCEL_MAX_CELL_CHARS) throw this.tooLong(this.cell);
          if (value.kind !== 'empty') {
            const cells = this.cells;
            while (cells.length < this.cell.col) cells.push(EMPTY_CELL);
            cells[this.cell.col] = value;
          }
        }
        this.cell = undefined;
        this.capture = undefined;
        return;
      case 'row':
        if (this.cells) {
          const cells = finishCells(this.cells);
          if (cells) this.done.push({ row: this.rowNumber, cells });
        }
        this.cells = undefined;
        return;
      case 'sheetData':
        this.inSheetData = false;
        return;
    }
  }

  private cellValue(cell: OpenCell): SheetCell {
    const { value } = cell;
    switch (cell.type) {
      case 's': {
        if (value === undefined || value.trim() === '') return EMPTY_CELL;
        const index = Number(value);
        const text = Number.isInteger(index) ? this.ctx.sharedStrings[index] : undefined;
        if (text === undefined) {
          throw new SheetFileProblem(
            `Cell ${cell.ref} refers to shared string ${value.trim()}, which the workbook does not have; the file looks damaged. ` +
              'Open it in Excel and save it again as .xlsx.',
          );
        }
        return textCell(text);
      }
      case 'inlineStr':
        return textCell(decodeOoxmlEscapes(cell.inline ?? value ?? ''));
      case 'str':
        return value === undefined ? EMPTY_CELL : textCell(decodeOoxmlEscapes(value));
      case 'b': {
        if (value === undefined || value.trim() === '') return EMPTY_CELL;
        const flag = value.trim() === '1' || value.trim().toLowerCase() === 'true';
        return { kind: 'boolean', value: flag, text: flag ? 'TRUE' : 'FALSE' };
      }
      case 'e':
        return value === undefined || value === '' ? EMPTY_CELL : { kind: 'error', text: value.trim() };
      case 'd':
        return value === undefined || value.trim() === '' ? EMPTY_CELL : { kind: 'date', text: value.trim() };
      default: {
        // 'n' and absent; a formula without a cached value (never calculated) has nothing to show.
        if (value === undefined || value.trim() === '') return EMPTY_CELL;
        const number = Number(value);
        if (!Number.isFinite(number)) {
          throw new SheetFileProblem(
            `Cell ${cell.ref} is stored as a number but holds "${value.slice(0, 40)}"; the file looks damaged. ` +
              'Open it in Excel and save it again as .xlsx.',
          );
        }
        if (this.ctx.isDateStyle(cell.style)) return { kind: 'date', text: excelSerialToIso(number, this.ctx.date1904) };
        return { kind: 'number', value: number, text: numberText(number) };
      }
    }
  }
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    throw new SheetFileProblem(`The worksheet has a bad ${what} "${text}"; the file looks damaged. Open it in Excel and save it again as .xlsx.`);
  }
  return n;
}
