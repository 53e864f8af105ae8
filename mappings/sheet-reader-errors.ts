/**
 * File-level sheet problems. Readers deep inside a format throw {@link SheetFileProblem} (they do
 * not know the seller's file name); `readSheet` turns it into the project's `SheetError` with one
 * `invalid_file` issue on row 0.
 */
import { SheetError } from '../lib/errors.js';

/** Said whenever a file has to be saved again: the two formats every seller's Excel can write. */
export const SAVE_AS_HINT =
  'save it in Excel as .xlsx (Excel 통합 문서) without a password, or as CSV UTF-8';

/** The whole file is unusable; `message` is a sentence telling the seller how to fix it. */
export class SheetFileProblem extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SheetFileProblem';
  }
}

/** The `SheetError` for a file-level problem: one `invalid_file` issue on row 0. */
export function invalidFile(displayName: string, message: string): SheetError {
  return new SheetError(displayName, [{ row: 0, column: '', value: '', reason: 'invalid_file', message }]);
}
