import type { SheetCell } from './sheet-reader.js';

/** A cell read as text for a text column, or the reason it cannot be. */
export type CellText = { ok: true; text: string } | { ok: false; message: string; value: string };

/**
 * Reads a cell as the text a seller sees (design.md §4a): strings as stored, numbers as their
 * plain digits, trimmed of surrounding whitespace as a whole and nothing else. What Excel did to a
 * cell is not guessed back: a date or an error result is refused with a sentence.
 */
export function cellText(cell: SheetCell | undefined): CellText {
  if (!cell || cell.kind === 'empty') return { ok: true, text: '' };
  switch (cell.kind) {
    case 'text':
      return { ok: true, text: cell.text.trim() };
    case 'number':
      return { ok: true, text: cell.text.trim() };
    case 'date':
      return { ok: false, value: cell.text, message: `Excel stored this cell as a date (${cell.text}); format the column as text (텍스트) and type the value again` };
    case 'error':
      return { ok: false, value: cell.text, message: `the cell's formula gives the error ${cell.text}; fix the formula or type the value` };
    case 'boolean':
      return { ok: false, value: cell.text, message: `Excel stored this cell as the logical value ${cell.text}; format the column as text and type the value again` };
  }
}
