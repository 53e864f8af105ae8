import path from 'node:path';
import type { Knex } from 'knex';
import { findNameComponents, findSkusByCode, insertNameMappings, nameKeyId, updateComponentQuantity, type Component, type NameMappingWrite } from '../../data/stores/catalog.js';
import type { Seller } from '../../data/stores/sellers.js';
import type { SheetIssue } from '../../lib/errors.js';
import type { Mall } from '../../lib/errors.js';
import type { NameColumnKey } from '../../mappings/columns.js';
import type { HeaderMap } from '../../mappings/header.js';
import { NAME_COLUMNS, NAME_RULES, crossCheckNameRows, nameRowKey, toNameRow, type NameSheetRow } from '../../mappings/name-sheet.js';
import type { PipelineDeps } from '../deps.js';
import { requireSeller } from './apply.js';
import { applySheet, rejectSheet, type ChangeCounts, type ImportSummary } from './apply.js';
import { validateSheet } from './validate-sheet.js';

function keyOf(r: NameSheetRow) {
  return { productName: r.product_name, optionText: r.option_text };
}

async function storedByMall(conn: Knex | Knex.Transaction, sellerId: number, rows: NameSheetRow[]): Promise<Map<string, Component[]>> {
  const out = new Map<string, Component[]>();
  for (const mall of ['naver', 'rakuten'] as Mall[]) {
    const ofMall = rows.filter((r) => r.mall === mall);
    if (ofMall.length === 0) continue;
    const found = await findNameComponents(conn, sellerId, mall, ofMall.map(keyOf));
    for (const [k, v] of found) out.set(`${mall}:${k}`, v);
  }
  return out;
}

function storedKey(r: NameSheetRow): string {
  return `${r.mall}:${nameKeyId(keyOf(r))}`;
}

/** `unknown_sku` for SKU codes the seller has not registered, `conflict` for keys stored with other SKUs. */
function catalogIssues(rows: NameSheetRow[], known: Set<string>, stored: Map<string, Component[]>, header: HeaderMap<NameColumnKey>, sellerCode: string): SheetIssue[] {
  const issues: SheetIssue[] = [];
  const skuColumn = header.label.sku_code ?? 'sku_code';
  for (const r of rows) {
    if (!known.has(r.sku_code)) {
      issues.push({ row: r.row, column: skuColumn, value: r.sku_code, reason: 'unknown_sku', message: `SKU ${r.sku_code} is not registered for seller ${sellerCode}; import it with a SKU sheet first` });
    }
  }
  const byKey = new Map<string, NameSheetRow[]>();
  for (const r of rows) byKey.set(nameRowKey(r), [...(byKey.get(nameRowKey(r)) ?? []), r]);
  for (const keyRows of byKey.values()) {
    const existing = stored.get(storedKey(keyRows[0]!));
    if (!existing || existing.length === 0) continue;
    const storedSkus = new Set(existing.map((c) => c.skuCode));
    const sheetSkus = new Set(keyRows.map((r) => r.sku_code));
    if (storedSkus.size === sheetSkus.size && [...storedSkus].every((s) => sheetSkus.has(s))) continue;
    const offending = keyRows.filter((r) => !storedSkus.has(r.sku_code));
    for (const r of offending.length ? offending : [keyRows[0]!]) {
      issues.push({ row: r.row, column: skuColumn, value: r.sku_code, reason: 'conflict', message: `this product name + option text is already mapped to ${[...storedSkus].join(', ')}; a key keeps its SKUs` });
    }
  }
  return issues;
}

async function writeNames(trx: Knex.Transaction, sellerId: number, rows: NameSheetRow[], now: Date): Promise<Record<string, ChangeCounts>> {
  const counts: ChangeCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const skus = await findSkusByCode(trx, sellerId, rows.map((r) => r.sku_code));
  const stored = await storedByMall(trx, sellerId, rows);
  const seen = new Set<string>();
  const inserts: NameMappingWrite[] = [];
  for (const r of rows) {
    const id = `${storedKey(r)}:${r.sku_code}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const existing = stored.get(storedKey(r))?.find((c) => c.skuCode === r.sku_code);
    if (!existing) inserts.push({ mall: r.mall, productName: r.product_name, optionText: r.option_text, skuId: skus.get(r.sku_code)!.id, quantity: r.quantity });
    else if (existing.quantity !== r.quantity) {
      await updateComponentQuantity(trx, 'name_mappings', existing.mappingId, r.quantity, now);
      counts.updated++;
    } else counts.unchanged++;
  }
  await insertNameMappings(trx, sellerId, inserts, now);
  counts.inserted = inserts.length;
  return { name_mappings: counts };
}

/**
 * `mallbridge mappings import <file> --seller S [--dry-run]`: the name + option sheet
 * (design.md §4a). Texts are stored exactly (trimmed around, line breaks as `\n`, nothing else).
 *
 * @throws SheetError with every issue (exit 2; the upload is recorded as rejected).
 */
export async function importNameSheet(deps: PipelineDeps, sellerOrNull: Seller | null, file: string, options: { dryRun: boolean; onRow?: (row: number) => void }): Promise<ImportSummary> {
  const seller = requireSeller(sellerOrNull);
  const name = path.basename(file);
  const sheet = await validateSheet(file, name, NAME_COLUMNS, NAME_RULES, toNameRow, options.onRow);
  const rows = sheet.rows;
  const known = new Set((await findSkusByCode(deps.db.knex, seller.id, rows.map((r) => r.sku_code))).keys());
  const stored = await storedByMall(deps.db.knex, seller.id, rows);
  const issues = [...sheet.issues, ...crossCheckNameRows(rows, sheet.header), ...catalogIssues(rows, known, stored, sheet.header, seller.code)];
  const meta = { kind: 'mappings' as const, sellerId: seller.id, file: name, sha256: sheet.sha256, rows: sheet.rowCount };
  if (issues.length > 0) return rejectSheet(deps, meta, issues);
  return applySheet(deps, { ...meta, dryRun: options.dryRun, unknownColumns: sheet.header.unknown, sheet: sheet.sheet, warnings: sheet.warnings }, (trx, now) => writeNames(trx, seller.id, rows, now));
}
