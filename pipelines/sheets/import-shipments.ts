import path from 'node:path';
import { findFulfillmentOrderById, findFulfillmentOrdersByMallOrderId, type FulfillmentOrder } from '../../data/stores/fulfillment.js';
import { findShipmentsByNumber, findShipmentsOf } from '../../data/stores/shipments.js';
import { findShopById, shopLabel, type Shop } from '../../data/stores/shops.js';
import type { SheetErrorReason, SheetIssue } from '../../lib/errors.js';
import { SHIPMENT_COLUMNS, SHIPMENT_RULES, shippedAtProblem, shippedAtText, toShipmentRow, type ShipmentSheetRow } from '../../mappings/warehouse-sheets.js';
import type { PipelineDeps } from '../deps.js';
import { carrierOf, carrierProblem, markShipped } from '../exports/ship.js';
import { applySheet, rejectSheet, type ChangeCounts, type ImportSummary } from './apply.js';
import { validateSheet } from './validate-sheet.js';

/** Why a row names no single parcel: the reason, the column at fault and a sentence. */
interface ParcelProblem {
  reason: SheetErrorReason;
  column: 'fulfillment_order_id' | 'mall_order_id' | 'mall_package_id';
  message: string;
}

/** Finds the one parcel a row names, or says why not. */
async function parcelOf(deps: PipelineDeps, r: ShipmentSheetRow): Promise<FulfillmentOrder | ParcelProblem> {
  const conn = deps.db.knex;
  if (r.fulfillment_order_id !== null) {
    const fo = await findFulfillmentOrderById(conn, r.fulfillment_order_id);
    if (!fo) return { reason: 'unknown_order', column: 'fulfillment_order_id', message: `there is no fulfillment order ${r.fulfillment_order_id}` };
    if (r.mall_order_id !== null && fo.mallOrderId !== r.mall_order_id) return { reason: 'conflict', column: 'fulfillment_order_id', message: `fulfillment order ${fo.id} belongs to order ${fo.mallOrderId}, not ${r.mall_order_id}` };
    if (r.mall_package_id !== null && fo.mallPackageId !== r.mall_package_id) return { reason: 'conflict', column: 'fulfillment_order_id', message: `fulfillment order ${fo.id} is package ${fo.mallPackageId} of order ${fo.mallOrderId}, not package ${r.mall_package_id}` };
    return fo;
  }
  if (r.mall_order_id === null) return { reason: 'required', column: 'mall_order_id', message: 'give fulfillment_order_id or mall_order_id' };
  const fos = await findFulfillmentOrdersByMallOrderId(conn, r.mall_order_id, r.mall_package_id ?? undefined);
  if (fos.length === 0) {
    const what = `order ${r.mall_order_id}${r.mall_package_id ? ` package ${r.mall_package_id}` : ''}`;
    return { reason: 'unknown_order', column: r.mall_package_id ? 'mall_package_id' : 'mall_order_id', message: `${what} is not known: no pulled order has it (check the number, or run mallbridge run orders:pull first)` };
  }
  if (fos.length > 1) return { reason: 'required', column: 'mall_package_id', message: `order ${r.mall_order_id} has ${fos.length} parcels (packages ${fos.map((f) => f.mallPackageId).join(', ')}): add mall_package_id` };
  return fos[0]!;
}

/**
 * `mallbridge shipments import <file>` (design.md §4a, §5): tracking numbers from the warehouse —
 * the moment a parcel is received or shipped. Each row names one `instructed` parcel (by
 * fulfillment order id, or marketplace order id + package); all rows are checked first and the
 * sheet is applied all-or-nothing. `shipped_at` is KST when it has no offset, and may be neither
 * more than a day ahead nor more than two years back. A parcel becomes `shipped` and its stock is decremented once,
 * whether the invoice or the import came first; a number already recorded for that parcel changes
 * nothing.
 *
 * @throws SheetError with every issue (exit 2; nothing applied).
 */
export async function importShipmentSheet(deps: PipelineDeps, _seller: unknown, file: string, options: { dryRun: boolean; onRow?: (row: number) => void }): Promise<ImportSummary> {
  const name = path.basename(file);
  const sheet = await validateSheet(file, name, SHIPMENT_COLUMNS, SHIPMENT_RULES, toShipmentRow, options.onRow);
  const rows = sheet.rows;
  const label = (k: keyof ShipmentSheetRow) => sheet.header.label[k as never] ?? k;
  const issues: SheetIssue[] = [...sheet.issues];
  const taken = await findShipmentsByNumber(deps.db.knex, rows.map((r) => r.tracking_number));
  const plan: Array<{ row: ShipmentSheetRow; fo: FulfillmentOrder; shop: Shop }> = [];
  const numberRows = new Map<string, { row: ShipmentSheetRow; parcel: number }>();
  const parcelRows = new Map<number, ShipmentSheetRow>();
  const now = deps.now();
  let unchanged = 0;
  for (const r of rows) {
    if (r.shipped_at !== null) {
      const problem = shippedAtProblem(r.shipped_at, now);
      if (problem) issues.push({ row: r.row, column: label('shipped_at'), value: shippedAtText(r.shipped_at), reason: 'invalid_format', message: problem });
    }
    const found = await parcelOf(deps, r);
    if ('reason' in found) {
      issues.push({ row: r.row, column: label(found.column), value: String(r[found.column] ?? ''), reason: found.reason, message: found.message });
      continue;
    }
    const conflict = (reason: 'conflict' | 'duplicate', message: string) => issues.push({ row: r.row, column: label('tracking_number'), value: r.tracking_number, reason, message });
    const recorded = taken.get(r.tracking_number);
    if (recorded) {
      // Importing a number already recorded for this parcel changes nothing.
      if (recorded.fulfillmentOrderId === found.id) unchanged++;
      else conflict('conflict', `tracking number ${r.tracking_number} already belongs to fulfillment order ${recorded.fulfillmentOrderId}`);
      continue;
    }
    const sameNumber = numberRows.get(r.tracking_number);
    if (sameNumber) {
      if (sameNumber.parcel !== found.id) conflict('duplicate', `tracking number ${r.tracking_number} is also given in row ${sameNumber.row.row} for another parcel`);
      continue;
    }
    const sameParcel = parcelRows.get(found.id);
    if (sameParcel) {
      conflict('duplicate', `row ${sameParcel.row} already gives this parcel tracking number ${sameParcel.tracking_number}`);
      continue;
    }
    const existing = await findShipmentsOf(deps.db.knex, [found.id]);
    if (existing.length > 0) {
      conflict('conflict', `fulfillment order ${found.id} already has tracking number ${existing.map((e) => e.trackingNumber).join(', ')}`);
      continue;
    }
    if (found.status !== 'instructed') {
      conflict('conflict', `fulfillment order ${found.id} is ${found.status}${found.holdReason ? ` (${found.holdReason})` : ''}, not instructed: resolve it before recording a shipment`);
      continue;
    }
    const shop = (await findShopById(deps.db.knex, found.shopId))!;
    const badCarrier = r.carrier !== null ? carrierProblem(shop.mall, r.carrier) : undefined;
    if (badCarrier) {
      issues.push({ row: r.row, column: label('carrier'), value: r.carrier!, reason: 'invalid_format', message: `${badCarrier}; fulfillment order ${found.id} is of ${shopLabel(shop)}` });
      continue;
    }
    numberRows.set(r.tracking_number, { row: r, parcel: found.id });
    parcelRows.set(found.id, r);
    plan.push({ row: r, fo: found, shop });
  }
  const meta = { kind: 'shipments' as const, sellerId: null, file: name, sha256: sheet.sha256, rows: sheet.rowCount };
  if (issues.length > 0) return rejectSheet(deps, meta, issues);
  return applySheet(deps, { ...meta, dryRun: options.dryRun, unknownColumns: sheet.header.unknown, sheet: sheet.sheet, warnings: sheet.warnings }, async (trx, now) => {
    const counts: ChangeCounts = { inserted: 0, updated: 0, unchanged };
    for (const p of plan) {
      const shipped = await markShipped(trx, p.fo, { trackingNumber: p.row.tracking_number, carrier: p.row.carrier ?? carrierOf(p.shop), source: 'import', shippedAt: p.row.shipped_at ?? now }, now);
      if (shipped) counts.inserted++;
      else counts.unchanged++;
    }
    return { shipments: counts };
  });
}
