import { z } from 'zod';
import type { SheetIssue } from '../lib/errors.js';
import { STOCK_COLUMNS, SHIPMENT_COLUMNS, type ShipmentColumnKey, type StockColumnKey } from './columns.js';
import type { HeaderMap } from './header.js';
import { cellRules, type CellRule, type ParsedRow } from './sheet-rows.js';
import { kstDayStart, parseOffsetTime, toKstIsoMillis } from '../lib/time.js';

/** The largest `on_hand` a stock sheet may give (nine digits, far beyond any warehouse). */
export const MAX_ON_HAND = 999_999_999;

/** One row of a stock sheet: the warehouse's absolute count of a SKU (design.md §4a). */
export const StockSheetRow = z.object({
  sku_code: z.string().max(50, 'at most 50 characters').regex(/^[A-Za-z0-9_-]+$/, 'only letters A–Z a–z, digits, - and _ are allowed'),
  on_hand: z.string().transform((v, ctx) => {
    if (!/^\d+$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'must be a whole number of at least 0' });
      return z.NEVER;
    }
    const n = Number(v);
    if (n > MAX_ON_HAND) {
      ctx.addIssue({ code: 'custom', message: `${v} is more than ${MAX_ON_HAND.toLocaleString('en-US')}, the largest count accepted` });
      return z.NEVER;
    }
    return n;
  }),
});
export type StockSheetRow = z.infer<typeof StockSheetRow> & { row: number };

export const STOCK_RULES: Record<StockColumnKey, CellRule> = cellRules(StockSheetRow, { on_hand: 'invalid_quantity' });

/** `YYYY-MM-DD`, optionally with `HH:mm[:ss[.fff]]` after a space or `T`, and no offset. */
const KST_WALL_CLOCK = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?$/;

/**
 * Parses `shipped_at` (design.md §3: warehouse times are KST, stored UTC): a date (00:00 KST), a
 * date and time without an offset read as KST wall-clock time (what a warehouse sheet writes, and
 * what an Excel date or date-time cell holds: the reader gives it as `YYYY-MM-DD[THH:mm:ss]`), or
 * an ISO time with an offset.
 */
export function parseShippedAt(text: string): Date | undefined {
  const m = KST_WALL_CLOCK.exec(text);
  if (!m) return parseOffsetTime(text);
  const [, day, h, mi, sec = '00', frac = ''] = m;
  if (h === undefined) {
    try {
      return kstDayStart(day!);
    } catch {
      return undefined;
    }
  }
  return parseOffsetTime(`${day}T${h}:${mi}:${sec}${frac}+09:00`);
}

const DAY_MS = 86_400_000;
/** How far back a shipment may be dated: two years (as far as the marketplaces keep orders). */
const MAX_SHIPPED_AGE_DAYS = 730;

/** `2025-03-04 09:58 KST`: how a `shipped_at` is shown in messages. */
export function shippedAtText(d: Date): string {
  return `${toKstIsoMillis(d).slice(0, 16).replace('T', ' ')} KST`;
}

/**
 * Why a parsed `shipped_at` cannot be right, or undefined: more than a day after `now` (a typo or
 * a planned date), or more than two years before it.
 */
export function shippedAtProblem(at: Date, now: Date): string | undefined {
  if (at.getTime() > now.getTime() + DAY_MS) {
    return `${shippedAtText(at)} is in the future (more than a day after now, ${shippedAtText(now)}); give the time the parcel left the warehouse`;
  }
  if (at.getTime() < now.getTime() - MAX_SHIPPED_AGE_DAYS * DAY_MS) {
    return `${shippedAtText(at)} is more than 2 years ago; check the year`;
  }
  return undefined;
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
      const d = parseShippedAt(v);
      if (!d) {
        ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD or a date and time YYYY-MM-DD HH:mm[:ss] (KST), or a time with an offset (2025-03-04T09:58:00+09:00)' });
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
