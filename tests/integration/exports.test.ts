import fs from 'node:fs';
import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { simpleLine } from '../../connectors/naver/sandbox-orders.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import type { Shop } from '../../data/stores/shops.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { confirmOrders } from '../../pipelines/exports/confirm.js';
import { instructOrders } from '../../pipelines/exports/instruct.js';
import { issueInvoices } from '../../pipelines/exports/invoices.js';
import { syncStock } from '../../pipelines/exports/stock-sync.js';
import { pushTracking } from '../../pipelines/exports/tracking.js';
import { pullOrders } from '../../pipelines/orders/pull.js';
import { resumeOrder } from '../../pipelines/orders/resume.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { importStockSheet } from '../../pipelines/sheets/import-stock.js';
import { REPO } from '../helpers/cli.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture, sandboxShop } from '../helpers/pipeline.js';

/**
 * The way back to the marketplaces (design.md §5–6): confirm, instruct, invoice, push tracking,
 * sync stock — each write counted from the requests the sandboxes received, not from their state.
 */
describe.each(dialects())('exports on %s', (dialect) => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let t: TestDb;
  let deps: PipelineDeps;
  let n: Shop;
  let r: Shop;
  const status = async (shopId: number) => Object.fromEntries(((await t.db.knex('fulfillment_orders').where('shop_id', shopId).groupBy('status').select('status').count({ c: '*' })) as Array<{ status: string; c: number }>).map((x) => [x.status, Number(x.c)]));

  beforeAll(async () => {
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    ({ t, deps } = await pipelineFixture(dialect));
    n = await sandboxShop(deps, { seller: 'x1', mall: 'naver', shopId: 'nx', baseUrl: naver.baseUrl, credentials: naver.credentials });
    r = await sandboxShop(deps, { seller: 'x1', mall: 'rakuten', shopId: 'rx', baseUrl: rakuten.baseUrl, credentials: rakuten.credentials });
    for (const s of [n, r]) await t.db.knex('shops').where({ id: s.id }).update({ auto_instruct: 1, auto_stock_sync: 1 });
    n = { ...n, autoInstruct: true, autoStockSync: true };
    r = { ...r, autoInstruct: true, autoStockSync: true };
    const seller = (await findSellerByCode(t.db.knex, 'x1'))!;
    await importSkuSheet(deps, seller, path.join(REPO, 'samples/demo-skus.xlsx'), { dryRun: false });
    await importNameSheet(deps, seller, path.join(REPO, 'samples/demo-name-mappings.xlsx'), { dryRun: false });
    const counts = path.join(t.home, 'stock.csv');
    fs.writeFileSync(counts, 'sku_code,on_hand\nTS-BLK-M,10\nTS-WHT-M,5\nMUG-01,20\nSOCK-GRY,30\nGIFT-BOX,3\nTEA-GREEN,40\nCAP-BLK-M,2\nCAP-RED-M,0\nTOWEL-01,9\nTOWEL-02,4\nHANKY-PNK,6\n');
    await importStockSheet(deps, seller, counts, { dryRun: false });
    await pullOrders(deps, n);
    await pullOrders(deps, r);
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    await t.drop();
  });

  test('confirm: NOT_YET lines and 100 orders are confirmed exactly once; already confirmed ones need no call', async () => {
    const sn = await confirmOrders(deps, n);
    const sr = await confirmOrders(deps, r);
    expect(sn).toMatchObject({ alreadyConfirmed: 1, queued: 3, done: 3, failed: 0, unknown: 0 });
    expect(sr).toMatchObject({ alreadyConfirmed: 7, queued: 1, done: 1 });
    await confirmOrders(deps, n);
    await confirmOrders(deps, r);
    const confirmed = naver.writes.filter((w) => w.kind === 'confirm').map((w) => w.productOrderId).sort();
    const expected = ['N1', 'N3', 'N4'].flatMap((k) => naver.scenario[k as 'N1'].productOrderIds).sort();
    expect(confirmed).toEqual(expected);
    expect(rakuten.writes.confirmations.map((c) => c.orderNumber)).toEqual([rakuten.scenario.R9]);
    expect(rakuten.received().confirmOrder).toBe(1);
    expect(await status(n.id)).toEqual({ confirmed: 4 });
    expect(await status(r.id)).toEqual({ confirmed: 8 });
  });

  test('instruct: one batch with every ready parcel, files written, never instructed twice', async () => {
    await pullOrders(deps, r); // R9 is now past 100 at Rakuten
    const a = await instructOrders(deps, n);
    const b = await instructOrders(deps, r);
    expect([a.orders, b.orders]).toEqual([4, 8]);
    for (const f of [...a.files, ...b.files]) expect(fs.existsSync(f)).toBe(true);
    expect(fs.readFileSync(a.files[0]!, 'utf8')).toContain('SOCK-GRY');
    expect((await instructOrders(deps, n)).orders).toBe(0);
    fs.rmSync(a.files[1]!);
    expect((await instructOrders(deps, n)).rewritten).toBe(1);
    expect(fs.existsSync(a.files[1]!)).toBe(true);
  });

  test('invoices: QSP numbers from the database counter; stock decremented once per parcel', async () => {
    const before = Number(((await t.db.knex('skus').where({ sku_code: 'SOCK-GRY' }).first('on_hand')) as { on_hand: number }).on_hand);
    const a = await issueInvoices(deps, n);
    const b = await issueInvoices(deps, r);
    const numbers = [...a.issued, ...b.issued].map((i) => i.trackingNumber);
    expect(numbers).toHaveLength(12);
    expect(new Set(numbers).size).toBe(12);
    for (const x of numbers) expect(x).toMatch(/^QSP\d{12}$/);
    expect((await issueInvoices(deps, n)).issued).toEqual([]);
    const after = Number(((await t.db.knex('skus').where({ sku_code: 'SOCK-GRY' }).first('on_hand')) as { on_hand: number }).on_hand);
    expect(before - after).toBe(6 + 2); // N3: 2 × 3-pack; N4: 2 in the gift set
  });

  test('tracking: every parcel dispatched exactly once with its QSP number and the shop carrier', async () => {
    const a = await pushTracking(deps, n);
    const b = await pushTracking(deps, r);
    expect(a).toMatchObject({ done: 4, failed: 0, unknown: 0 });
    expect(b).toMatchObject({ done: 8, failed: 0, unknown: 0 });
    await pushTracking(deps, n);
    await pushTracking(deps, r);
    const shipments = (await t.db.knex('shipments as s').join('fulfillment_orders as f', 'f.id', 's.fulfillment_order_id').select('f.shop_id', 'f.mall_order_id', 'f.mall_package_id', 's.tracking_number')) as Array<{ shop_id: number; mall_order_id: string; mall_package_id: string; tracking_number: string }>;
    const dispatches = naver.writes.filter((w) => w.kind === 'dispatch');
    expect(dispatches.every((d) => d.kind === 'dispatch' && d.ok && d.deliveryCompanyCode === 'QXPRESS')).toBe(true);
    // One dispatch per Naver line of a shipped parcel, each with its parcel's number, and no more.
    expect(dispatches.length).toBe(5);
    const rows = rakuten.writes.shippingRows.filter((w) => w.requestSeq !== null);
    expect(rows.map((w) => [w.orderNumber, w.basketId, w.shippingNumber, w.deliveryCompany]).sort()).toEqual(
      shipments.filter((s) => s.shop_id === r.id).map((s) => [s.mall_order_id, Number(s.mall_package_id), s.tracking_number, '1000']).sort(),
    );
    expect(rakuten.received().updateOrderShipping).toBe(7);
    expect(await status(n.id)).toEqual({ tracking_sent: 4 });
    expect(await status(r.id)).toEqual({ tracking_sent: 8 });
  });

  test('stock: what the sandboxes hold equals on hand − allocated, bundles by their scarcest part; unchanged values are not sent again', async () => {
    await syncStock(deps, n);
    await syncStock(deps, r);
    const skus = Object.fromEntries(((await t.db.knex('skus').select('sku_code', 'on_hand')) as Array<{ sku_code: string; on_hand: number | null }>).map((s) => [s.sku_code, s.on_hand === null ? null : Number(s.on_hand)]));
    // Every parcel shipped: nothing is allocated, so available = on hand.
    const mug = naver.product('9812345690') as { originProduct: { stockQuantity: number } };
    expect(mug.originProduct.stockQuantity).toBe(skus['MUG-01']);
    const gift = naver.product('9812345712') as { originProduct: { stockQuantity: number } };
    expect(gift.originProduct.stockQuantity).toBe(Math.min(skus['MUG-01']!, Math.floor(skus['SOCK-GRY']! / 2), skus['GIFT-BOX']!));
    const towel = rakuten.writes.inventory.find((w) => w.manageNumber === 'towel-gift');
    expect(towel?.quantity).toBe(Math.min(Math.floor(skus['TOWEL-01']! / 2), skus['TOWEL-02']!));
    const before = [naver.writeRequests(), rakuten.received().inventoriesBulkUpsert];
    await syncStock(deps, n);
    await syncStock(deps, r);
    expect([naver.writeRequests(), rakuten.received().inventoriesBulkUpsert]).toEqual(before);
  });

  test('a claim after instruction holds the parcel and withdraws its tracking number; resume sends it once the claim is gone', async () => {
    const fresh = async () => {
      const [ref] = naver.addProductOrders([{ orderedAt: new Date(Date.now() - 60_000), buyer: { name: '최수진', tel: '010-1111-2222' }, recipient: { name: '최수진', tel: '010-1111-2222', zipCode: '04524', baseAddress: '서울특별시 중구 세종대로 110', detailedAddress: '3층' }, lines: [simpleLine('mug', 1)] }]);
      await pullOrders(deps, n);
      await confirmOrders(deps, n);
      await instructOrders(deps, n);
      await issueInvoices(deps, n);
      return ref!;
    };
    const parcel = async (orderId: string) => (await t.db.knex('fulfillment_orders').where({ mall_order_id: orderId }).first()) as { id: number; status: string };
    const dispatched = () => naver.writes.filter((w) => w.kind === 'dispatch').length;

    const a = await fresh();
    naver.changeProductOrder(a.productOrderIds[0]!, { at: new Date(Date.now() - 30_000), lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'EXCHANGE', status: 'EXCHANGE_REQUEST' } });
    await pullOrders(deps, n);
    expect((await parcel(a.orderId)).status).toBe('on_hold');
    const before = dispatched();
    expect((await pushTracking(deps, n)).sent).toBe(0);
    expect(dispatched()).toBe(before);
    await expect(resumeOrder(deps, a.orderId)).rejects.toThrow(/still has a claim or change open/);

    naver.changeProductOrder(a.productOrderIds[0]!, { at: new Date(Date.now() - 20_000), lastChangedType: 'CLAIM_REJECTED', claim: null });
    await pullOrders(deps, n);
    expect(await resumeOrder(deps, a.orderId)).toMatchObject({ to: 'shipped' });
    expect((await pushTracking(deps, n)).done).toBe(1);
    expect(dispatched()).toBe(before + 1);
    expect((await parcel(a.orderId)).status).toBe('tracking_sent');

    const b = await fresh();
    naver.changeProductOrder(b.productOrderIds[0]!, { at: new Date(Date.now() - 10_000), lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'CANCEL', status: 'CANCEL_REQUEST' } });
    await pullOrders(deps, n);
    expect((await parcel(b.orderId)).status).toBe('on_hold');
    expect(await resumeOrder(deps, b.orderId)).toMatchObject({ to: 'cancelled' });
  });
});
