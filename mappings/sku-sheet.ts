import { z } from 'zod';
import type { SheetIssue } from '../lib/errors.js';
import { SKU_COLUMNS, type SkuColumnKey } from './columns.js';
import type { HeaderMap } from './header.js';
import { cellRules, type CellRule, type ParsedRow } from './sheet-rows.js';

const optionalText = (max: number) => z.string().max(max, `at most ${max} characters`).transform((v) => (v === '' ? null : v));

/** Quantity: a positive whole number; empty means 1 (design.md §4a). */
export const QuantityCell = z
  .string()
  .transform((v) => (v === '' ? '1' : v))
  .pipe(z.string().regex(/^\d{1,6}$/, 'must be a whole number from 1 to 999999'))
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1'));

/** One row of a SKU sheet after validation (design.md §4a). */
export const SkuSheetRow = z.object({
  sku_code: z.string().max(50, 'at most 50 characters').regex(/^[A-Za-z0-9_-]+$/, 'only letters A–Z a–z, digits, - and _ are allowed'),
  sku_name: z.string().max(200, 'at most 200 characters'),
  option_name: optionalText(500),
  seller_code: optionalText(400),
  quantity: QuantityCell,
  barcode: optionalText(100),
});
export type SkuSheetRow = z.infer<typeof SkuSheetRow> & { row: number };

/** The per-column rules of a SKU sheet. */
export const SKU_RULES: Record<SkuColumnKey, CellRule> = cellRules(SkuSheetRow, { quantity: 'invalid_quantity' });

export { SKU_COLUMNS };

/** Turns validated values into a typed row. */
export function toSkuRow(parsed: ParsedRow<SkuColumnKey>): SkuSheetRow {
  return { ...(parsed.values as Omit<SkuSheetRow, 'row'>), row: parsed.row };
}

/**
 * Cross-row checks inside one SKU sheet (design.md §4a): one SKU code with two names (or two
 * option names or barcodes) is a `conflict`; the same seller code + SKU again with another
 * quantity is a `duplicate`. The first occurrence wins; later rows are reported.
 */
export function crossCheckSkuRows(rows: SkuSheetRow[], header: HeaderMap<SkuColumnKey>): SheetIssue[] {
  const issues: SheetIssue[] = [];
  const label = (k: SkuColumnKey) => header.label[k] ?? k;
  const firstBySku = new Map<string, SkuSheetRow>();
  const firstByPair = new Map<string, SkuSheetRow>();
  for (const r of rows) {
    const first = firstBySku.get(r.sku_code);
    if (!first) firstBySku.set(r.sku_code, r);
    else {
      if (first.sku_name !== r.sku_name) {
        issues.push({ row: r.row, column: label('sku_name'), value: r.sku_name, reason: 'conflict', message: `SKU ${r.sku_code} is named 「${first.sku_name}」 in row ${first.row}; one SKU has one name` });
      }
      for (const k of ['option_name', 'barcode'] as const) {
        if (first[k] !== null && r[k] !== null && first[k] !== r[k]) {
          issues.push({ row: r.row, column: label(k), value: r[k], reason: 'conflict', message: `SKU ${r.sku_code} has ${k} 「${first[k]}」 in row ${first.row}` });
        }
      }
    }
    if (r.seller_code !== null) {
      const key = `${r.seller_code}\u0000${r.sku_code}`;
      const pair = firstByPair.get(key);
      if (!pair) firstByPair.set(key, r);
      else if (pair.quantity !== r.quantity) {
        issues.push({ row: r.row, column: label('quantity'), value: String(r.quantity), reason: 'duplicate', message: `seller code ${r.seller_code} → SKU ${r.sku_code} is already in row ${pair.row} with quantity ${pair.quantity}` });
      }
    }
  }
  return issues;
}
