import type { SheetIssue } from '../lib/errors.js';
import type { ColumnSpec } from './columns.js';
import type { SheetRow } from './sheet-reader.js';

/** Where each known column sits, the header text the seller wrote for it, and what was ignored. */
export interface HeaderMap<K extends string> {
  /** Column index (0 = A) of each known column found. */
  index: Partial<Record<K, number>>;
  /** The header text as written in the sheet, for messages and error files. */
  label: Partial<Record<K, string>>;
  /** Header texts that name no known column (ignored, named in the summary). */
  unknown: string[];
}

/**
 * Reads the header (row 1, design.md §4a) against the column specs.
 *
 * @returns the map, or the header errors: `no_header` (nothing recognisable; the message lists the
 *   expected headers), `missing_column` (one per required column), `duplicate_column` (one per
 *   column named twice). Header errors stop before rows are read.
 */
export function readHeader<K extends string>(first: SheetRow | undefined, specs: readonly ColumnSpec<K>[]): { header: HeaderMap<K> } | { issues: SheetIssue[] } {
  const expected = specs.map((s) => `${s.key} (${s.aliases.filter((a) => a !== s.key).join(' / ')})`).join(', ');
  if (!first || first.row !== 1) {
    return { issues: [{ row: 1, column: '', value: '', reason: 'no_header', message: `row 1 must be the header; expected headers: ${expected}` }] };
  }
  const header: HeaderMap<K> = { index: {}, label: {}, unknown: [] };
  const seen = new Map<K, string[]>();
  first.cells.forEach((cell, i) => {
    const text = cell.kind === 'empty' ? '' : cell.text.trim();
    if (!text) return;
    const spec = specs.find((s) => s.aliases.includes(text));
    if (!spec) {
      if (!header.unknown.includes(text)) header.unknown.push(text);
      return;
    }
    seen.set(spec.key, [...(seen.get(spec.key) ?? []), text]);
    if (header.index[spec.key] === undefined) {
      header.index[spec.key] = i;
      header.label[spec.key] = text;
    }
  });
  if (seen.size === 0) {
    return { issues: [{ row: 1, column: '', value: '', reason: 'no_header', message: `no known column header in row 1; expected headers: ${expected}` }] };
  }
  const issues: SheetIssue[] = [];
  for (const [key, texts] of seen) {
    if (texts.length > 1) {
      issues.push({ row: 1, column: texts.join(', '), value: '', reason: 'duplicate_column', message: `the column ${key} is named ${texts.length} times (${texts.join(', ')}); keep one` });
    }
  }
  for (const spec of specs) {
    if (spec.required && !seen.has(spec.key)) {
      issues.push({ row: 1, column: spec.aliases[0]!, value: '', reason: 'missing_column', message: `the required column ${spec.key} (${spec.aliases.join(' / ')}) is missing` });
    }
  }
  return issues.length ? { issues } : { header };
}
