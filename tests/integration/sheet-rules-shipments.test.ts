/**
 * Every column and row rule of design.md §4a for shipment sheets: one committed fixture per rule
 * (tests/fixtures/sheets/rules/), imported through the real pipeline. A good fixture: the parcels'
 * statuses and shipment rows afterwards. A broken one: every issue (row, column, reason, value) and
 * a database left exactly as it was. Fixtures name the parcels created in beforeAll (fulfillment
 * orders 1–14); good ones each ship their own, broken ones name 6, 7 and 9–14 only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFulfillmentOrder } from '../../data/stores/fulfillment.js';
import { insertShipment } from '../../data/stores/shipments.js';
import { fromDbTime } from '../../lib/time.js';
import type { ImportSummary } from '../../pipelines/sheets/apply.js';
import { importShipmentSheet } from '../../pipelines/sheets/import-shipments.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture, sandboxShop } from '../helpers/pipeline.js';
import { everything, issuesOf, NOW, rule, type Issue } from '../helpers/sheet-rules.js';

/** Parcels created in beforeAll, in this order (ids 1–14): [shop, mall order, package, status]. */
const PARCELS: Array<[mall: 'naver' | 'rakuten', mallOrderId: string, packageId: string, status: 'instructed' | 'confirmed' | 'shipped']> = [
  ['naver', 'N-1001', '', 'instructed'], // 1: ship-good-by-id
  ['naver', 'N-1002', '', 'instructed'], // 2: ship-good-by-mall-order
  ['rakuten', 'R-2001', '1', 'instructed'], // 3: ship-good-package
  ['rakuten', 'R-2001', '2', 'instructed'], // 4: ship-good-package
  ['rakuten', 'R-2002', '1', 'instructed'], // 5: ship-good-by-mall-order
  ['naver', 'N-1003', '', 'confirmed'], // 6: not instructed yet
  ['naver', 'N-1004', '', 'shipped'], // 7: shipped with OLD-7
  ['naver', 'N-1005', '', 'instructed'], // 8: ship-good-typed
  ['naver', 'N-2001', '', 'instructed'], // 9–12: only named by broken fixtures
  ['naver', 'N-2002', '', 'instructed'],
  ['rakuten', 'R-3001', '1', 'instructed'],
  ['rakuten', 'R-3001', '2', 'instructed'],
  ['rakuten', 'R-4001', '1', 'instructed'], // 13–14: ship-bad-package-mismatch
  ['rakuten', 'R-4001', '2', 'instructed'],
];
const OLD_7: ShipmentRow = [7, 'OLD-7', 'QXPRESS', 'invoice', '2025-03-01T00:00:00.000Z'];

type ShipmentRow = [fulfillmentOrderId: number, trackingNumber: string, carrier: string | null, source: string, shippedAt: string | null];

const GOOD_SHIPMENTS: Array<{ file: string; parcels: Array<[id: number, status: string]>; shipments: ShipmentRow[]; summary?: Partial<ImportSummary> }> = [
  { file: 'ship-good-by-id.csv', parcels: [[1, 'shipped']], shipments: [[1, '0001234567', 'CJ', 'import', '2025-03-04T00:58:00.000Z']] },
  {
    file: 'ship-good-by-mall-order.csv',
    parcels: [[2, 'shipped'], [5, 'shipped']],
    // No carrier: the shop's default (Naver QXPRESS, Rakuten 1000); no shipped_at: now; a date alone: 00:00 KST.
    shipments: [[2, 'TRK-2', 'QXPRESS', 'import', '2025-03-05T00:00:00.000Z'], [5, 'TRK-5', '1000', 'import', '2025-03-03T15:00:00.000Z']],
  },
  {
    file: 'ship-good-package.csv',
    parcels: [[3, 'shipped'], [4, 'shipped']],
    // Row 4 repeats row 2 exactly: the same number for the same parcel is no error and is recorded once.
    shipments: [[3, 'JP-3', '1001', 'import', '2025-03-04T09:30:00.000Z'], [4, 'JP-4', '1000', 'import', '2025-03-04T09:30:15.000Z']],
    summary: { rows: 3, changes: { shipments: { inserted: 2, updated: 0, unchanged: 0 } } },
  },
  { file: 'ship-good-already-recorded.csv', parcels: [[7, 'shipped']], shipments: [OLD_7], summary: { changes: { shipments: { inserted: 0, updated: 0, unchanged: 1 } } } },
  { file: 'ship-good-typed.xlsx', parcels: [[8, 'shipped']], shipments: [[8, '123456789012', 'QXPRESS', 'import', '2025-03-04T03:00:00.000Z']] },
];

const BAD_SHIPMENTS: Array<{ file: string; issues: Issue[] }> = [
  {
    file: 'ship-bad-tracking.csv',
    issues: [
      [2, 'tracking_number', 'required', ''],
      [3, 'tracking_number', 'invalid_format', 'TRK 1'],
      [4, 'tracking_number', 'too_long', 'T'.repeat(65)],
      [5, 'tracking_number', 'invalid_format', 'TRK/2'],
    ],
  },
  {
    file: 'ship-bad-order-ref.csv',
    issues: [
      [2, 'mall_order_id', 'required', ''],
      [3, 'fulfillment_order_id', 'unknown_order', '999'],
      [4, 'fulfillment_order_id', 'invalid_format', 'abc'],
      [5, 'mall_order_id', 'unknown_order', 'NO-SUCH'],
      [6, 'fulfillment_order_id', 'conflict', '9'],
      [7, 'mall_package_id', 'required', ''],
      [8, 'mall_package_id', 'unknown_order', '9'],
      [9, 'mall_package_id', 'unknown_order', '1'],
    ],
  },
  {
    file: 'ship-bad-carrier.csv',
    issues: [
      [2, 'carrier', 'invalid_format', 'CJ 대한통운'],
      [3, 'carrier', 'too_long', 'C'.repeat(33)],
      // Parcel 11 is Rakuten's: a Naver code would be refused for good at the push.
      [4, 'carrier', 'invalid_format', 'QXPRESS'],
    ],
  },
  {
    file: 'ship-bad-shipped-at.csv',
    issues: [
      [2, 'shipped_at', 'invalid_format', '2025/03/04'],
      [3, 'shipped_at', 'invalid_format', '2025-13-01'],
      [4, 'shipped_at', 'invalid_format', '2030-01-01 00:00 KST'],
      [5, 'shipped_at', 'invalid_format', '2020-01-01 10:00 KST'],
    ],
  },
  {
    file: 'ship-bad-duplicates.csv',
    issues: [
      [3, 'tracking_number', 'duplicate', 'DU-1'],
      [4, 'tracking_number', 'duplicate', 'DU-2'],
      [5, 'tracking_number', 'conflict', 'OLD-7'],
      [6, 'tracking_number', 'conflict', 'DU-3'],
      [7, 'tracking_number', 'conflict', 'DU-4'],
    ],
  },
  { file: 'ship-bad-missing-column.csv', issues: [[1, 'tracking_number', 'missing_column', '']] },
];


describe.each(dialects())('shipment sheet rules of design.md §4a, one fixture each, on %s', (dialect) => {
  let t: TestDb;
  let deps: PipelineDeps;
  const k = () => t.db.knex;

  async function shipmentsOf(ids: number[]): Promise<ShipmentRow[]> {
    const rows = (await k()('shipments').whereIn('fulfillment_order_id', ids).orderBy('fulfillment_order_id')) as Array<{ fulfillment_order_id: number; tracking_number: string; carrier: string | null; source: string; shipped_at: unknown }>;
    return rows.map((r) => [Number(r.fulfillment_order_id), r.tracking_number, r.carrier, r.source, fromDbTime(r.shipped_at)?.toISOString() ?? null]);
  }

  beforeAll(async () => {
    ({ t, deps } = await pipelineFixture(dialect));
    deps = { ...deps, now: () => NOW };
    const shop = {
      naver: await sandboxShop(deps, { seller: 'ship', mall: 'naver', shopId: 'ns-1', baseUrl: 'http://127.0.0.1:9/', credentials: {} }),
      rakuten: await sandboxShop(deps, { seller: 'ship', mall: 'rakuten', shopId: 'rs-1', baseUrl: 'http://127.0.0.1:9/', credentials: {} }),
    };
    const recipient = { name: '받는 분', phone: '010-0000-0000', postalCode: '04524', address1: '서울', address2: '', country: 'KR' };
    for (const [i, [mall, mallOrderId, mallPackageId, status]] of PARCELS.entries()) {
      const { id } = await createFulfillmentOrder(k(), { shopId: shop[mall].id, mallOrderId, mallPackageId, recipient, orderedAt: null }, [], NOW);
      if (id !== i + 1) throw new Error(`parcel ${mallOrderId}/${mallPackageId} got id ${id}, the fixtures name it ${i + 1}`);
      await k()('fulfillment_orders').where({ id }).update({ status });
    }
    await insertShipment(k(), { fulfillmentOrderId: 7, trackingNumber: 'OLD-7', carrier: 'QXPRESS', source: 'invoice', shippedAt: new Date(OLD_7[4]!) }, NOW);
  });
  afterAll(async () => t.drop());

  test.each(GOOD_SHIPMENTS)('$file ships its parcels', async ({ file, parcels, shipments, summary }) => {
    const result = await importShipmentSheet(deps, null, rule(file), { dryRun: false });
    expect(result).toMatchObject({ dryRun: false, ...summary });
    const ids = parcels.map(([id]) => id);
    const statuses = (await k()('fulfillment_orders').whereIn('id', ids).orderBy('id').select('id', 'status')) as Array<{ id: number; status: string }>;
    expect(statuses.map((r) => [Number(r.id), r.status])).toEqual(parcels);
    expect(await shipmentsOf(ids)).toEqual(shipments);
  });

  test.each(BAD_SHIPMENTS)('$file is refused with every issue, nothing written', async ({ file, issues }) => {
    const before = await everything(k());
    expect(await issuesOf(importShipmentSheet(deps, null, rule(file), { dryRun: false }))).toEqual(issues);
    expect(await everything(k())).toEqual(before);
  });

  // A row naming parcel 13 (R-4001 package 1) by id and package 2 by mall_package_id.
  test('ship-bad-package-mismatch.csv: fulfillment_order_id and mall_package_id naming two parcels is a conflict', async () => {
    const before = await everything(k());
    expect(await issuesOf(importShipmentSheet(deps, null, rule('ship-bad-package-mismatch.csv'), { dryRun: true }))).toEqual([[2, 'fulfillment_order_id', 'conflict', '13']]);
    expect(await everything(k())).toEqual(before);
  });
  test('a carrier code of the other marketplace is refused for that parcel, nothing written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ship-carrier-'));
    try {
      const file = path.join(dir, 'carriers.csv');
      // Parcel 9 is Naver's, 11 Rakuten's (both named only by refused sheets).
      fs.writeFileSync(file, 'tracking_number,fulfillment_order_id,carrier\nCX-9,9,1000\nCX-11,11,QXPRESS\n');
      const before = await everything(k());
      expect(await issuesOf(importShipmentSheet(deps, null, file, { dryRun: false }))).toEqual([
        [2, 'carrier', 'invalid_format', '1000'],
        [3, 'carrier', 'invalid_format', 'QXPRESS'],
      ]);
      expect(await everything(k())).toEqual(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
