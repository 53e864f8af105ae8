import type { z } from 'zod';
import type { SheetErrorReason, SheetIssue } from '../lib/errors.js';
import { cellText } from './cell-text.js';
import type { ColumnSpec } from './columns.js';
import type { HeaderMap } from './header.js';
import type { SheetRow } from './sheet-reader.js';

/** How one column's cell text is checked: its zod schema and the reason a failure gets. */
export interface CellRule {
  schema: z.ZodType;
  /** Reason for a failing value (`invalid_quantity` for quantities); too-long text is always `too_long`. */
  reason: SheetErrorReason;
  /** A date cell is a value here (e.g. `shipped_at`), given to the schema as its ISO text. */
  acceptsDate?: boolean;
}

/**
 * The cell rules of a sheet kind, from its row schema: each column's own zod schema, failures
 * reported as `invalid_format` unless `reasons` says otherwise (quantities: `invalid_quantity`).
 */
export function cellRules<K extends string>(schema: z.ZodObject<Record<K, z.ZodType>>, reasons: Partial<Record<K, SheetErrorReason>> = {}, dateColumns: K[] = []): Record<K, CellRule> {
  const shape = schema.shape as Record<K, z.ZodType>;
  return Object.fromEntries(Object.entries<z.ZodType>(shape).map(([key, s]) => [key, { schema: s, reason: reasons[key as K] ?? 'invalid_format', acceptsDate: dateColumns.includes(key as K) }])) as Record<K, CellRule>;
}

/** A validated row: the Excel row number and the parsed values by column key. */
export interface ParsedRow<K extends string> {
  row: number;
  values: Record<K, unknown>;
}

/**
 * Validates one data row against the column rules: empty required cells are `required`, cells
 * Excel turned into dates, errors or logical values are `invalid_format`, the rest goes through
 * each column's zod schema. Missing optional columns read as ''.
 *
 * @returns the parsed values, or the issues of this row (all of them).
 */
export function validateRow<K extends string>(
  sheetRow: SheetRow,
  header: HeaderMap<K>,
  specs: readonly ColumnSpec<K>[],
  rules: Record<K, CellRule>,
): ParsedRow<K> | SheetIssue[] {
  const issues: SheetIssue[] = [];
  const values = {} as Record<K, unknown>;
  for (const spec of specs) {
    const index = header.index[spec.key];
    const column = header.label[spec.key] ?? spec.key;
    const cell = index === undefined ? undefined : sheetRow.cells[index];
    const read = cell?.kind === 'date' && rules[spec.key].acceptsDate ? { ok: true as const, text: cell.text } : cellText(cell);
    if (!read.ok) {
      issues.push({ row: sheetRow.row, column, value: read.value, reason: 'invalid_format', message: read.message });
      continue;
    }
    if (read.text === '' && spec.required) {
      issues.push({ row: sheetRow.row, column, value: '', reason: 'required', message: `${column} is required` });
      continue;
    }
    const result = rules[spec.key].schema.safeParse(read.text);
    if (result.success) {
      values[spec.key] = result.data;
    } else {
      const issue = result.error.issues[0]!;
      const reason: SheetErrorReason = issue.code === 'too_big' ? 'too_long' : rules[spec.key].reason;
      issues.push({ row: sheetRow.row, column, value: read.text, reason, message: `${column}: ${issue.message}` });
    }
  }
  return issues.length ? issues : { row: sheetRow.row, values };
}

/** True when every cell of the row is empty (or whitespace): such rows are skipped. */
export function isBlankRow(row: SheetRow): boolean {
  return row.cells.every((c) => c.kind === 'empty' || (c.kind === 'text' && c.text.trim() === ''));
}
