import { z } from 'zod';
import type { SheetIssue } from '../lib/errors.js';
import { STOCK_COLUMNS, SHIPMENT_COLUMNS, type ShipmentColumnKey, type StockColumnKey } from './columns.js';
import type { HeaderMap } from './header.js';
import { cellRules, type CellRule, type ParsedRow } from './sheet-rows.js';
import { parseOffsetTime, kstDayStart } from '../lib/time.js';

/** One row of a stock sheet: the warehouse's absolute count of a SKU (design.md §4a). */
export const StockSheetRow = z.object({
  sku_code: z.string().max(50, 'at most 50 characters').regex(/^[A-Za-z0-9_-]+$/, 'only letters A–Z a–z, digits, - and _ are allowed'),
  on_hand: z.string().regex(/^\d{1,9}$/, 'must be a whole number of at least 0').transform(Number),
});
export type StockSheetRow = z.infer<typeof StockSheetRow> & { row: number };

export const STOCK_RULES: Record<StockColumnKey, CellRule> = cellRules(StockSheetRow, { on_hand: 'invalid_quantity' });

/** Parses `shipped_at`: a date (00:00 KST), a date cell's ISO text, or an ISO time with offset. */
function shippedAt(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      return kstDayStart(text);
    } catch {
      return undefined;
    }
  }
  // A date cell comes as `YYYY-MM-DDThh:mm:ss.sssZ` (Excel's wall time read as UTC): its date is meant, in KST.
  const cellDate = /^(\d{4}-\d{2}-\d{2})T00:00:00(\.000)?Z$/.exec(text);
  if (cellDate) return kstDayStart(cellDate[1]!);
  return parseOffsetTime(text);
}

/** One row of a shipment sheet: a tracking number and the parcel it belongs to (design.md §4a). */
export const ShipmentSheetRow = z.object({
  tracking_number: z.string().max(64, 'at most 64 characters').regex(/^[A-Za-z0-9-]+$/, 'only letters, digits and - are allowed'),
  fulfillment_order_id: z.string().regex(/^(\d{1,12})?$/, 'must be the number of a fulfillment order').transform((v) => (v === '' ? null : Number(v))),
  mall_order_id: z.string().max(64, 'at most 64 characters').transform((v) => (v === '' ? null : v)),
  mall_package_id: z.string().max(64, 'at most 64 characters').transform((v) => (v === '' ? null : v)),
  carrier: z.string().max(32, 'at most 32 characters').regex(/^[A-Za-z0-9_-]*$/, 'must be a carrier code (e.g. QXPRESS, 1000)').transform((v) => (v === '' ? null : v)),
  shipped_at: z
    .string()
    .transform((v, ctx) => {
      if (v === '') return null;
      const d = shippedAt(v);
      if (!d) {
        ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD or a time with offset' });
        return z.NEVER;
      }
      return d;
    }),
});
export type ShipmentSheetRow = z.infer<typeof ShipmentSheetRow> & { row: number };

export const SHIPMENT_RULES: Record<ShipmentColumnKey, CellRule> = cellRules<ShipmentColumnKey>(ShipmentSheetRow, {}, ['shipped_at']);

export { STOCK_COLUMNS, SHIPMENT_COLUMNS };

export function toStockRow(p: ParsedRow<StockColumnKey>): StockSheetRow {
  return { ...(p.values as Omit<StockSheetRow, 'row'>), row: p.row };
}

export function toShipmentRow(p: ParsedRow<ShipmentColumnKey>): ShipmentSheetRow {
  return { ...(p.values as Omit<ShipmentSheetRow, 'row'>), row: p.row };
}

/** The same SKU twice with different counts is a `duplicate`. */
export function crossCheckStockRows(rows: StockSheetRow[], header: HeaderMap<StockColumnKey>): SheetIssue[] {
  const first = new Map<string, StockSheetRow>();
  const issues: SheetIssue[] = [];
  for (const r of rows) {
    const prev = first.get(r.sku_code);
    if (!prev) first.set(r.sku_code, r);
    else if (prev.on_hand !== r.on_hand) {
      issues.push({ row: r.row, column: header.label.on_hand ?? 'on_hand', value: String(r.on_hand), reason: 'duplicate', message: `SKU ${r.sku_code} is already counted in row ${prev.row} as ${prev.on_hand}` });
    }
  }
  return issues;
}
