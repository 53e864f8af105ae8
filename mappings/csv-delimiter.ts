/**
 * Which delimiter a CSV upload uses, decided from its header line only: comma (Excel's "CSV"),
 * tab (Excel's "Unicode text", .tsv) or semicolon (Excel in locales with a decimal comma).
 */

/** The delimiters recognised, in order of preference on a tie. */
export type CsvDelimiter = ',' | '\t' | ';';

const CANDIDATES: readonly CsvDelimiter[] = [',', '\t', ';'];

/**
 * Where the header line ends in `text` (the index of its line break, outside quotes), or
 * `undefined` when the text seen so far holds no complete line.
 */
export function headerLineEnd(text: string): number | undefined {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return i;
  }
  return undefined;
}

/**
 * The delimiter of a header line: the candidate that occurs most often outside quotes (comma on a
 * tie, and when none occurs: a one-column sheet).
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: CsvDelimiter = ',';
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}
