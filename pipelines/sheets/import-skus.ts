import path from 'node:path';
import type { Knex } from 'knex';
import { findCodeComponents, findSkusByCode, insertSkuCodes, insertSkus, updateComponentQuantity, updateSku, type Component, type SkuWrite } from '../../data/stores/catalog.js';
import type { Seller } from '../../data/stores/sellers.js';
import { SheetError, type SheetIssue } from '../../lib/errors.js';
import { SKU_COLUMNS, SKU_RULES, crossCheckSkuRows, toSkuRow, type SkuSheetRow } from '../../mappings/sku-sheet.js';
import type { HeaderMap } from '../../mappings/header.js';
import type { SkuColumnKey } from '../../mappings/columns.js';
import type { PipelineDeps } from '../deps.js';
import { requireSeller } from './apply.js';
import { applySheet, rejectSheet, type ChangeCounts, type ImportSummary } from './apply.js';
import { validateSheet } from './validate-sheet.js';

/** Headers only a name + option sheet has. */
const NAME_SHEET_ONLY = ['mall', '쇼핑몰', 'option_text', '옵션값', 'product_name'];

/**
 * A name + option sheet also has a 상품명 column, so it would read as a SKU sheet and rename SKUs
 * after marketplace titles: refused with a sentence saying which command takes it.
 *
 * @throws SheetError (`invalid_file`).
 */
function refuseNameSheet(name: string, unknownHeaders: string[]): void {
  const found = unknownHeaders.filter((h) => NAME_SHEET_ONLY.includes(h));
  if (found.length > 0) {
    throw new SheetError(name, [{ row: 1, column: found.join(', '), value: '', reason: 'invalid_file', message: `this looks like a name + option sheet (columns ${found.join(', ')}); import it with \`mallbridge mappings import\`` }]);
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/**
 * `seller_code_conflict`: a seller code already stored with another set of SKUs than this sheet
 * gives it. A sheet adds or updates components; it never silently re-points a code that orders
 * already map through.
 */
export function codeConflicts(rows: SkuSheetRow[], stored: Map<string, Component[]>, header: HeaderMap<SkuColumnKey>, sellerCode: string): SheetIssue[] {
  const issues: SheetIssue[] = [];
  const column = header.label.seller_code ?? 'seller_code';
  const byCode = new Map<string, SkuSheetRow[]>();
  for (const r of rows) if (r.seller_code !== null) byCode.set(r.seller_code, [...(byCode.get(r.seller_code) ?? []), r]);
  for (const [code, codeRows] of byCode) {
    const existing = stored.get(code);
    if (!existing || existing.length === 0) continue;
    const storedSkus = new Set(existing.map((c) => c.skuCode));
    const sheetSkus = new Set(codeRows.map((r) => r.sku_code));
    if (sameSet(storedSkus, sheetSkus)) continue;
    const was = [...storedSkus].join(', ');
    const offending = codeRows.filter((r) => !storedSkus.has(r.sku_code));
    for (const r of offending.length ? offending : [codeRows[0]!]) {
      issues.push({
        row: r.row,
        column,
        value: code,
        reason: 'seller_code_conflict',
        message: `seller ${sellerCode} already maps code ${code} to ${was}; this sheet gives it ${[...sheetSkus].join(', ')} — a code keeps its SKUs (use a new code, or fix the sheet)`,
      });
    }
  }
  return issues;
}

async function writeSkus(trx: Knex.Transaction, sellerId: number, rows: SkuSheetRow[], now: Date): Promise<Record<string, ChangeCounts>> {
  const skuCounts: ChangeCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const codeCounts: ChangeCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const firstBySku = new Map<string, SkuWrite>();
  for (const r of rows) {
    const prev = firstBySku.get(r.sku_code);
    // An empty optional cell leaves the stored value as it is (nothing is deleted that the sheet does not mention).
    firstBySku.set(r.sku_code, {
      skuCode: r.sku_code,
      skuName: r.sku_name,
      optionName: prev?.optionName ?? r.option_name,
      barcode: prev?.barcode ?? r.barcode,
    });
  }
  const stored = await findSkusByCode(trx, sellerId, firstBySku.keys());
  const inserts: SkuWrite[] = [];
  for (const sku of firstBySku.values()) {
    const old = stored.get(sku.skuCode);
    if (!old) {
      inserts.push(sku);
      continue;
    }
    const next = { ...sku, optionName: sku.optionName ?? old.optionName, barcode: sku.barcode ?? old.barcode };
    if (old.skuName === next.skuName && old.optionName === next.optionName && old.barcode === next.barcode) skuCounts.unchanged++;
    else {
      await updateSku(trx, old.id, next, now);
      skuCounts.updated++;
    }
  }
  const newIds = await insertSkus(trx, sellerId, inserts, now);
  skuCounts.inserted = inserts.length;
  const skuId = (code: string) => newIds.get(code) ?? stored.get(code)!.id;

  const pairs = new Map<string, SkuSheetRow>();
  for (const r of rows) if (r.seller_code !== null) pairs.set(`${r.seller_code}\u0000${r.sku_code}`, pairs.get(`${r.seller_code}\u0000${r.sku_code}`) ?? r);
  const components = await findCodeComponents(trx, sellerId, [...pairs.values()].map((r) => r.seller_code!));
  const codeInserts: Array<{ sellerCode: string; skuId: number; quantity: number }> = [];
  for (const r of pairs.values()) {
    const existing = components.get(r.seller_code!)?.find((c) => c.skuCode === r.sku_code);
    if (!existing) codeInserts.push({ sellerCode: r.seller_code!, skuId: skuId(r.sku_code), quantity: r.quantity });
    else if (existing.quantity !== r.quantity) {
      await updateComponentQuantity(trx, 'sku_codes', existing.mappingId, r.quantity, now);
      codeCounts.updated++;
    } else codeCounts.unchanged++;
  }
  await insertSkuCodes(trx, sellerId, codeInserts, now);
  codeCounts.inserted = codeInserts.length;
  return { skus: skuCounts, seller_codes: codeCounts };
}

/**
 * `mallbridge skus import <file> --seller S [--dry-run]` (design.md §4a): validate the whole
 * sheet (rows, cross-row checks, codes already stored), then apply it in one transaction — or
 * report every error and apply nothing.
 *
 * @throws SheetError with every issue (exit 2; the upload is recorded as rejected).
 */
export async function importSkuSheet(deps: PipelineDeps, sellerOrNull: Seller | null, file: string, options: { dryRun: boolean; onRow?: (row: number) => void }): Promise<ImportSummary> {
  const seller = requireSeller(sellerOrNull);
  const name = path.basename(file);
  const sheet = await validateSheet(file, name, SKU_COLUMNS, SKU_RULES, toSkuRow, options.onRow);
  refuseNameSheet(name, sheet.header.unknown);
  const rows = sheet.rows;
  const issues = [...sheet.issues, ...crossCheckSkuRows(rows, sheet.header)];
  const sellerCodes = rows.map((r) => r.seller_code).filter((c): c is string => c !== null);
  const stored = await findCodeComponents(deps.db.knex, seller.id, sellerCodes);
  issues.push(...codeConflicts(rows, stored, sheet.header, seller.code));
  const meta = { kind: 'skus' as const, sellerId: seller.id, file: name, sha256: sheet.sha256, rows: sheet.rowCount };
  if (issues.length > 0) return rejectSheet(deps, meta, issues);
  return applySheet(deps, { ...meta, dryRun: options.dryRun, unknownColumns: sheet.header.unknown, sheet: sheet.sheet, warnings: sheet.warnings }, (trx, now) => writeSkus(trx, seller.id, rows, now));
}
