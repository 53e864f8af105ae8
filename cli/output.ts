import { SheetError, type SheetIssue } from '../lib/errors.js';
import { errorText } from '../lib/error-text.js';

/** Prints `value` as one JSON object (`--json`) or the human text. */
export function emit(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/** A plain text table: columns padded to the widest cell (East Asian wide characters count double). */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1), 0);
  const widths = headers.map((h, i) => Math.max(width(h), ...text.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - width(c)))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/**
 * One line per sheet issue: `row 5, column 상품명 (required): 상품명 is required`; past `limit`, a
 * line saying how many more and where they all are (`errorFile`) or how to get them.
 */
export function formatIssues(issues: SheetIssue[], limit = 200, errorFile?: string): string {
  const lines = issues.slice(0, limit).map((i) => {
    const where = i.row > 0 ? `row ${i.row}${i.column ? `, column ${i.column}` : ''}` : 'file';
    const value = i.value ? ` [${i.value.length > 60 ? `${i.value.slice(0, 60)}…` : i.value}]` : '';
    return `  ${where} (${i.reason})${value}: ${i.message}`;
  });
  if (issues.length > limit) {
    lines.push(`  … and ${issues.length - limit} more (${errorFile ? `all ${issues.length} are in ${errorFile}` : 'write them all with --errors-out F'})`);
  }
  return lines.join('\n');
}

/** The text of an error for stderr; sheet errors list their issues. */
export function describeError(err: unknown): string {
  if (err instanceof SheetError) return `${err.message}\n${formatIssues(err.issues, undefined, err.errorFile)}`;
  return errorText(err);
}
