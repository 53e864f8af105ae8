/**
 * Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets
 * a leading apostrophe wherever mallbridge writes a report or an error file (design.md §4a, §10),
 * so opening or editing the file never evaluates a seller's or a buyer's text.
 */
export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
