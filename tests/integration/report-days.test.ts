import fs from 'node:fs';
import path from 'node:path';
import { insertSkus } from '../../data/stores/catalog.js';
import { recordIntents, settleItem } from '../../data/stores/export-items.js';
import { changeFulfillmentStatus, createFulfillmentOrder } from '../../data/stores/fulfillment.js';
import { findLinesByMallLineId, insertLines, type LineWrite, type MappingFields } from '../../data/stores/order-lines.js';
import { countReportOrders } from '../../data/stores/report-counts.js';
import { inReadSnapshot, streamReportLines } from '../../data/stores/reports.js';
import { insertSeller } from '../../data/stores/sellers.js';
import { insertShop, type Shop } from '../../data/stores/shops.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { reconcileReport } from '../../pipelines/reports/reconcile.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture } from '../helpers/pipeline.js';

/**
 * Which day a row belongs to (the KST day of the marketplace order time), and what the report
 * says when the database holds rows outside the known states: rows written through the stores
 * as the pipelines write them, on SQLite and MySQL.
 */

const recipient = { name: '田中 太郎', phone: '03-1234-5678', postalCode: '100-0001', address1: '東京都千代田区', address2: '1-1', country: 'JP' };
const mapped: MappingFields = { mappingStatus: 'mapped', mappingRule: 'seller_code', mappingRef: 'sku_codes:1', unmappedReason: null };
const line = (shopId: number, order: string, lineId: string, orderedAt: Date | null, mapping: MappingFields = mapped, pkg = ''): LineWrite => ({
  shopId, mallOrderId: order, mallPackageId: pkg, mallLineId: lineId, mallStatus: '300', claimStatus: null, lineState: 'awaiting', sellerCode: 'SC-1', sellerCodeField: 'merchantDefinedSkuId',
  productName: 'テスト商品', optionText: '', quantity: 1, unitPrice: 1000, listingProductId: null, listingOptionId: null, recipient, orderedAt, payloadHash: 'h', payload: '{}', ...mapping,
});

describe.each(dialects())('report days and differences on %s', (dialect) => {
  let t: TestDb;
  let deps: PipelineDeps;
  let shop: Shop;
  let skuId: number;
  const k = () => t.db.knex;
  // 2026-11-19 23:59:59.999 KST and 2026-11-20 00:00 KST.
  const LAST_OF_19 = new Date('2026-11-19T14:59:59.999Z');
  const FIRST_OF_20 = new Date('2026-11-19T15:00:00.000Z');
  const NOON_20 = new Date('2026-11-20T03:00:00Z');

  async function parcel(order: string, lineIds: string[], orderedAt: Date | null, pkg = '', created = NOON_20): Promise<number> {
    const lines = await findLinesByMallLineId(k(), shop.id, lineIds);
    const fo = await createFulfillmentOrder(k(), { shopId: shop.id, mallOrderId: order, mallPackageId: pkg, recipient, orderedAt }, [...lines.values()].map((l) => ({ mallOrderLineId: l.id, skuId, quantity: 1, unitQuantity: 1 })), created);
    return fo.id;
  }

  beforeAll(async () => {
    ({ t, deps } = await pipelineFixture(dialect));
    const seller = await insertSeller(k(), 'days', null);
    skuId = (await insertSkus(k(), seller.id, [{ skuCode: 'SKU-1', skuName: 'x', optionName: null, barcode: null }])).get('SKU-1')!;
    shop = await insertShop(k(), { sellerId: seller.id, mall: 'rakuten', mallShopId: 'days', shopUrl: null, apiBaseUrl: null, credentials: 'x', credentialsExpireAt: null, carrierCode: null, rateLimitPerSec: null, autoOrderSync: true, autoOrderConfirm: true, autoInstruct: true, autoStockSync: false });
    await insertLines(k(), [
      line(shop.id, 'A', 'a1', LAST_OF_19, mapped, '1'),
      line(shop.id, 'B', 'b1', FIRST_OF_20, mapped, '2'),
      line(shop.id, 'B', 'b2', FIRST_OF_20, { mappingStatus: 'ignored', mappingRule: null, mappingRef: null, unmappedReason: null }, '2'),
      line(shop.id, 'C', 'c1', null, { mappingStatus: 'unmapped', mappingRule: 'name_not_registered', mappingRef: null, unmappedReason: 'not in the name sheet' }),
      line(shop.id, 'E', 'e1', NOON_20, mapped, '5'),
      line(shop.id, 'G', 'g1', NOON_20, mapped, '6'),
    ], NOON_20); // first seen at noon on the 20th (KST): C has no order time, so it belongs there
    await parcel('A', ['a1'], LAST_OF_19, '1');
    const b = await parcel('B', ['b1'], FIRST_OF_20, '2');
    const e = await parcel('E', ['e1'], NOON_20, '5');
    const g = await parcel('G', ['g1'], null, '6', NOON_20);
    // B: confirmed, instructed, then cancelled (after instruction). E: cancelled before instruction. G: tracking pending.
    await changeFulfillmentStatus(k(), b, 'new', 'confirmed', null, NOON_20);
    await changeFulfillmentStatus(k(), b, 'confirmed', 'instructed', 'instruction batch 1', NOON_20);
    await changeFulfillmentStatus(k(), b, 'instructed', 'on_hold', 'changed after instruction: cancelled', NOON_20);
    await changeFulfillmentStatus(k(), b, 'on_hold', 'cancelled', 'resumed by an operator: every line was cancelled at the marketplace', NOON_20);
    await changeFulfillmentStatus(k(), e, 'new', 'cancelled', 'cancelled before instruction', NOON_20);
    await changeFulfillmentStatus(k(), g, 'new', 'shipped', null, NOON_20);
    await recordIntents(k(), 'tracking', shop.id, [{ targetKey: 'G/6', payload: { fulfillmentOrderId: g, trackingNumber: 'QSP000000000001', carrierCode: '1000' } }, { targetKey: 'A/1', payload: { fulfillmentOrderId: 1 } }]);
    await recordIntents(k(), 'confirm', shop.id, [{ targetKey: 'A', payload: { mallLineIds: ['a1'] } }, { targetKey: 'E', payload: {} }]);
    const a = (await k()('export_items').where({ kind: 'confirm', target_key: 'A' }).first('id')) as { id: number };
    await settleItem(k(), Number(a.id), 'failed', 'refused', NOON_20);
  });
  afterAll(async () => {
    await t.drop();
  });

  test('a line is on the KST day of its order time, to the millisecond; without one, on the day it was first seen', async () => {
    const d19 = await reconcileReport(deps, { date: '2026-11-19', out: path.join(t.home, 'd19.xlsx') });
    const d20 = await reconcileReport(deps, { date: '2026-11-20', out: path.join(t.home, 'd20.xlsx') });
    expect(d19.shops[0]!.lines).toMatchObject({ seen: 1, mapped: 1, loaded: 1, unmapped: 0, ignored: 0 });
    expect(d20.shops[0]!.lines).toMatchObject({ seen: 5, mapped: 3, loaded: 3, unmapped: 1, ignored: 1, unmappedByReason: { name_not_registered: 1, no_code: 0, code_not_registered: 0, other: 0 } });
    expect([d19.addsUp, d20.addsUp]).toEqual([true, true]);
  });

  test('parcels and their exports follow the parcel day (its order time, else its creation); holds and cancellations after instruction from the events', async () => {
    const d19 = await reconcileReport(deps, { date: '2026-11-19', out: path.join(t.home, 'p19.csv') });
    const d20 = await reconcileReport(deps, { date: '2026-11-20', out: path.join(t.home, 'p20.csv') });
    expect(d19.shops[0]!.orders).toMatchObject({ total: 1, byStatus: { new: 1 } });
    expect(d19.shops[0]!.confirmations).toEqual({ pending: 0, failed: 1 });
    expect(d19.shops[0]!.tracking).toEqual({ pending: 1, failed: 0 }); // A/1, a Rakuten package key
    expect(d20.shops[0]!.orders).toMatchObject({ total: 3, byStatus: { cancelled: 2, shipped: 1 } });
    expect(d20.shops[0]!.confirmations).toEqual({ pending: 1, failed: 0 });
    expect(d20.shops[0]!.tracking).toEqual({ pending: 1, failed: 0 });
    expect(d20.shops[0]!.holds).toEqual({ onHold: 0, cancelledAfterInstruction: 1 });
    const holds = fs.readFileSync(path.join(t.home, 'p20.holds.csv'), 'utf8').split('\r\n');
    expect(holds).toHaveLength(3);
    expect(holds[1]).toMatch(/^\d+,rakuten:days,\d+,B,2,2026-11-20,cancelled after instruction,cancelled,resumed by an operator: every line was cancelled at the marketplace,2026-11-20 12:00:00,2026-11-20 12:00:00$/);
    const tracking = fs.readFileSync(path.join(t.home, 'p20.tracking.csv'), 'utf8').split('\r\n');
    expect(tracking[1]).toMatch(/^\d+,rakuten:days,\d+,G,6,\d+,QSP000000000001,1000,pending,0,/);
  });

  test('rows outside the known states break the checks, are listed line by line, and the report says it does not add up', async () => {
    await k()('mall_order_lines').where({ mall_line_id: 'e1' }).update({ mapping_status: 'lost' });
    await k()('mall_order_lines').where({ mall_line_id: 'c1' }).update({ mapping_rule: null });
    await k()('fulfillment_orders').where({ mall_order_id: 'G' }).update({ status: 'exploded' });
    try {
      const rep = await reconcileReport(deps, { date: '2026-11-20', out: path.join(t.home, 'bad.csv') });
      expect(rep.addsUp).toBe(false);
      const s = rep.shops[0]!;
      expect(s.checks.map((c) => [c.addsUp, c.difference])).toEqual([[false, 1], [false, 1], [false, 1]]);
      expect(s.checks[0]!.text).toBe('does not add up: 5 ≠ 2 + 1 + 1 (difference 1; the rows are listed in the check sheet)');
      const check = fs.readFileSync(path.join(t.home, 'bad.check.csv'), 'utf8').split('\r\n').filter(Boolean);
      expect(check.slice(1).map((l) => l.split(',').slice(2, 8))).toEqual([
        ['unmapped = sum of reasons', 'line', expect.any(String), 'C', 'c1', '(none)'],
        ['seen = mapped + unmapped + ignored', 'line', expect.any(String), 'E', 'e1', 'lost'],
        ['fulfillment orders = sum of statuses', 'fulfillment order', expect.any(String), 'G', '', 'exploded'],
      ]);
      expect(rep.listRows.check).toBe(3);
      expect(rep.listChecks).toEqual([]);
      const summary = fs.readFileSync(path.join(t.home, 'bad.csv'), 'utf8');
      expect(summary).toContain('report,all counts add up,6,check,NO: 6 checks do not add up');
    } finally {
      await k()('mall_order_lines').where({ mall_line_id: 'e1' }).update({ mapping_status: 'mapped' });
      await k()('mall_order_lines').where({ mall_line_id: 'c1' }).update({ mapping_rule: 'name_not_registered' });
      await k()('fulfillment_orders').where({ mall_order_id: 'G' }).update({ status: 'shipped' });
    }
  });

  test('a list left early (an abort, a failed write) frees the snapshot connection for what follows', async () => {
    const scope = { shopIds: [shop.id], from: new Date('2026-11-19T15:00:00Z'), to: new Date('2026-11-20T15:00:00Z') };
    const counted = await inReadSnapshot(k(), async (trx) => {
      let first: string | undefined;
      for await (const batch of streamReportLines(trx, scope, { batch: 1 })) {
        first = batch[0]!.mallLineId;
        break;
      }
      expect(first).toBe('b1');
      return countReportOrders(trx, scope);
    });
    expect(counted.reduce((a, c) => a + c.n, 0)).toBe(3);
    await expect(
      inReadSnapshot(k(), async (trx) => {
        for await (const batch of streamReportLines(trx, scope, { batch: 1 })) if (batch.length) throw new Error('the disk is full');
      }),
    ).rejects.toThrow('the disk is full');
    expect(Number(((await k()('mall_order_lines').count({ c: '*' }).first()) as { c: number }).c)).toBe(6);
  });
});
