import path from 'node:path';
import { findFulfillmentOrderById, findFulfillmentOrdersByMallOrderId, type FulfillmentOrder } from '../../data/stores/fulfillment.js';
import { findShipmentsByNumber, findShipmentsOf } from '../../data/stores/shipments.js';
import { findShopById, type Shop } from '../../data/stores/shops.js';
import type { SheetIssue } from '../../lib/errors.js';
import { SHIPMENT_COLUMNS, SHIPMENT_RULES, toShipmentRow, type ShipmentSheetRow } from '../../mappings/warehouse-sheets.js';
import type { PipelineDeps } from '../deps.js';
import { carrierOf, markShipped } from '../exports/ship.js';
import { applySheet, rejectSheet, type ChangeCounts, type ImportSummary } from './apply.js';
import { validateSheet } from './validate-sheet.js';

/** Finds the one parcel a row names, or says why not. */
async function parcelOf(deps: PipelineDeps, r: ShipmentSheetRow): Promise<FulfillmentOrder | string> {
  const conn = deps.db.knex;
  if (r.fulfillment_order_id !== null) {
    const fo = await findFulfillmentOrderById(conn, r.fulfillment_order_id);
    if (!fo) return `no fulfillment order ${r.fulfillment_order_id}`;
    if (r.mall_order_id !== null && fo.mallOrderId !== r.mall_order_id) return `fulfillment order ${fo.id} belongs to order ${fo.mallOrderId}, not ${r.mall_order_id}`;
    return fo;
  }
  if (r.mall_order_id === null) return 'give fulfillment_order_id or mall_order_id';
  const fos = await findFulfillmentOrdersByMallOrderId(conn, r.mall_order_id, r.mall_package_id ?? undefined);
  if (fos.length === 0) return `no parcel for order ${r.mall_order_id}${r.mall_package_id ? ` package ${r.mall_package_id}` : ''}`;
  if (fos.length > 1) return `order ${r.mall_order_id} has ${fos.length} parcels (packages ${fos.map((f) => f.mallPackageId).join(', ')}): add mall_package_id`;
  return fos[0]!;
}

/**
 * `mallbridge shipments import <file>` (design.md §4a, §5): tracking numbers from the warehouse —
 * the moment a parcel is received or shipped. Each row names one `instructed` parcel (by
 * fulfillment order id, or marketplace order id + package); all rows are checked first and the
 * sheet is applied all-or-nothing. A parcel becomes `shipped` and its stock is decremented once,
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
  let unchanged = 0;
  for (const r of rows) {
    const found = await parcelOf(deps, r);
    if (typeof found === 'string') {
      issues.push({ row: r.row, column: label(r.fulfillment_order_id !== null ? 'fulfillment_order_id' : 'mall_order_id'), value: String(r.fulfillment_order_id ?? r.mall_order_id ?? ''), reason: 'invalid_format', message: found });
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
    numberRows.set(r.tracking_number, { row: r, parcel: found.id });
    parcelRows.set(found.id, r);
    plan.push({ row: r, fo: found, shop: (await findShopById(deps.db.knex, found.shopId))! });
  }
  const meta = { kind: 'shipments' as const, sellerId: null, file: name, sha256: sheet.sha256, rows: sheet.rowCount };
  if (issues.length > 0) return rejectSheet(deps, meta, issues);
  return applySheet(deps, { ...meta, dryRun: options.dryRun, unknownColumns: sheet.header.unknown }, async (trx, now) => {
    const counts: ChangeCounts = { inserted: 0, updated: 0, unchanged };
    for (const p of plan) {
      const shipped = await markShipped(trx, p.fo, { trackingNumber: p.row.tracking_number, carrier: p.row.carrier ?? carrierOf(p.shop), source: 'import', shippedAt: p.row.shipped_at ?? now }, now);
      if (shipped) counts.inserted++;
      else counts.unchanged++;
    }
    return { shipments: counts };
  });
}
