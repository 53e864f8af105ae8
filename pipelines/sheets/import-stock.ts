import path from 'node:path';
import { findSkusByCode, setOnHand } from '../../data/stores/catalog.js';
import type { Seller } from '../../data/stores/sellers.js';
import type { SheetIssue } from '../../lib/errors.js';
import { STOCK_COLUMNS, STOCK_RULES, crossCheckStockRows, toStockRow } from '../../mappings/warehouse-sheets.js';
import type { PipelineDeps } from '../deps.js';
import { requireSeller } from './apply.js';
import { applySheet, rejectSheet, type ChangeCounts, type ImportSummary } from './apply.js';
import { validateSheet } from './validate-sheet.js';

/**
 * `mallbridge stock import <file> --seller S` (design.md §4a, §6): the warehouse's absolute
 * counts (`sku_code`, `on_hand`), validated like any sheet and applied all-or-nothing. This is
 * where `on_hand` comes from; the next `stock:sync` pushes what changed.
 *
 * @throws SheetError with every issue (exit 2; nothing applied).
 */
export async function importStockSheet(deps: PipelineDeps, sellerOrNull: Seller | null, file: string, options: { dryRun: boolean; onRow?: (row: number) => void }): Promise<ImportSummary> {
  const seller = requireSeller(sellerOrNull);
  const name = path.basename(file);
  const sheet = await validateSheet(file, name, STOCK_COLUMNS, STOCK_RULES, toStockRow, options.onRow);
  const rows = sheet.rows;
  const known = await findSkusByCode(deps.db.knex, seller.id, rows.map((r) => r.sku_code));
  const issues: SheetIssue[] = [...sheet.issues, ...crossCheckStockRows(rows, sheet.header)];
  for (const r of rows) {
    if (!known.has(r.sku_code)) issues.push({ row: r.row, column: sheet.header.label.sku_code ?? 'sku_code', value: r.sku_code, reason: 'unknown_sku', message: `SKU ${r.sku_code} is not registered for seller ${seller.code}` });
  }
  const meta = { kind: 'stock' as const, sellerId: seller.id, file: name, sha256: sheet.sha256, rows: sheet.rowCount };
  if (issues.length > 0) return rejectSheet(deps, meta, issues);
  return applySheet(deps, { ...meta, dryRun: options.dryRun, unknownColumns: sheet.header.unknown, sheet: sheet.sheet, warnings: sheet.warnings }, async (trx, now) => {
    const counts: ChangeCounts = { inserted: 0, updated: 0, unchanged: 0 };
    const stored = await findSkusByCode(trx, seller.id, rows.map((r) => r.sku_code));
    const seen = new Set<string>();
    for (const r of rows) {
      if (seen.has(r.sku_code)) continue;
      seen.add(r.sku_code);
      const sku = stored.get(r.sku_code)!;
      if (sku.onHand === r.on_hand) counts.unchanged++;
      else {
        await setOnHand(trx, sku.id, r.on_hand, now);
        counts.updated++;
      }
    }
    return { on_hand: counts };
  });
}
