import { z } from 'zod';
import type { SheetIssue } from '../lib/errors.js';
import { NAME_COLUMNS, type NameColumnKey } from './columns.js';
import type { HeaderMap } from './header.js';
import { cellRules, type CellRule, type ParsedRow } from './sheet-rows.js';
import { QuantityCell } from './sku-sheet.js';

const MALL_NAMES: Record<string, 'naver' | 'rakuten'> = {
  naver: 'naver',
  네이버: 'naver',
  스마트스토어: 'naver',
  smartstore: 'naver',
  rakuten: 'rakuten',
  라쿠텐: 'rakuten',
  楽天: 'rakuten',
  楽天市場: 'rakuten',
};

/** One row of a name + option sheet after validation (design.md §4a). Texts are kept exactly. */
export const NameSheetRow = z.object({
  mall: z
    .string()
    .transform((v) => MALL_NAMES[v.toLowerCase()])
    .pipe(z.enum(['naver', 'rakuten'], { error: 'must be rakuten (라쿠텐, 楽天) or naver (네이버)' })),
  product_name: z.string().max(4000, 'at most 4000 characters'),
  option_text: z.string().max(12000, 'at most 12000 characters'),
  sku_code: z.string().max(50, 'at most 50 characters').regex(/^[A-Za-z0-9_-]+$/, 'only letters A–Z a–z, digits, - and _ are allowed'),
  quantity: QuantityCell,
});
export type NameSheetRow = z.infer<typeof NameSheetRow> & { row: number };

/** The per-column rules of a name + option sheet. */
export const NAME_RULES: Record<NameColumnKey, CellRule> = cellRules(NameSheetRow, { quantity: 'invalid_quantity' });

export { NAME_COLUMNS };

/** Turns validated values into a typed row (line breaks already `\n`: the reader normalises them). */
export function toNameRow(parsed: ParsedRow<NameColumnKey>): NameSheetRow {
  return { ...(parsed.values as Omit<NameSheetRow, 'row'>), row: parsed.row };
}

/** The exact key of a name row: mall, product name, option text. */
export function nameRowKey(r: Pick<NameSheetRow, 'mall' | 'product_name' | 'option_text'>): string {
  return `${r.mall}\u0000${r.product_name}\u0000${r.option_text}`;
}

/** Cross-row checks: the same key + SKU again with another quantity is a `duplicate`. */
export function crossCheckNameRows(rows: NameSheetRow[], header: HeaderMap<NameColumnKey>): SheetIssue[] {
  const issues: SheetIssue[] = [];
  const first = new Map<string, NameSheetRow>();
  for (const r of rows) {
    const key = `${nameRowKey(r)}\u0000${r.sku_code}`;
    const prev = first.get(key);
    if (!prev) first.set(key, r);
    else if (prev.quantity !== r.quantity) {
      issues.push({ row: r.row, column: header.label.quantity ?? 'quantity', value: String(r.quantity), reason: 'duplicate', message: `this product name + option text → SKU ${r.sku_code} is already in row ${prev.row} with quantity ${prev.quantity}` });
    }
  }
  return issues;
}
