import { findCodeComponents, findNameComponents, findSkusByCode, insertNameMappings, insertSkuCodes, insertSkus, nameKeyId, updateComponentQuantity, updateSku } from '../../data/stores/catalog.js';
import { getCursor, saveCursor } from '../../data/stores/cursors.js';
import { addFulfillmentLines, countFulfillmentByStatus, createFulfillmentOrder, findFulfillmentOrders, linesInFulfillment } from '../../data/stores/fulfillment.js';
import { finishJobRun, startJobRun } from '../../data/stores/job-runs.js';
import { upsertListings } from '../../data/stores/listings.js';
import { countLinesByMapping, findLinesByMallLineId, findLinesOfOrders, findUnmappedLines, findWaitingOrders, insertLines, updateLinesMapping, type LineWrite } from '../../data/stores/order-lines.js';
import { findSellerByCode, insertSeller } from '../../data/stores/sellers.js';
import { findShopsByMallId, insertShop, listShops, recordShopHealth, updateShop } from '../../data/stores/shops.js';
import { recordUpload } from '../../data/stores/uploads.js';
import { inTransaction } from '../../data/transaction.js';
import { dialects, freshDatabase, type TestDb } from '../helpers/databases.js';

const NOW = new Date('2026-11-29T06:00:00.123Z');

function line(shopId: number, orderId: string, lineId: string, extra: Partial<LineWrite> = {}): LineWrite {
  return {
    shopId,
    mallOrderId: orderId,
    mallPackageId: '',
    mallLineId: lineId,
    mallStatus: 'PAYED/NOT_YET',
    claimStatus: null,
    lineState: 'awaiting',
    sellerCode: 'CODE-1',
    sellerCodeField: 'sellerProductCode',
    productName: '테스트 상품',
    optionText: '',
    quantity: 2,
    unitPrice: 1000,
    listingProductId: 'p1',
    listingOptionId: null,
    recipient: { name: '김민준', phone: '010-0000-0000', postalCode: '06236', address1: '서울', address2: '401호', country: 'KR' },
    orderedAt: NOW,
    payload: '{}',
    payloadHash: 'h1',
    mappingStatus: 'unmapped',
    mappingRule: 'code_not_registered',
    mappingRef: null,
    unmappedReason: 'not yet',
    ...extra,
  };
}

describe.each(dialects())('stores on %s', (dialect) => {
  let t: TestDb;
  let sellerId: number;
  let shopId: number;
  beforeAll(async () => {
    t = await freshDatabase(dialect);
    sellerId = (await insertSeller(t.db.knex, 'acme', 'ACME', NOW)).id;
    const shop = await insertShop(t.db.knex, { sellerId, mall: 'naver', mallShopId: 'acme-store', shopUrl: null, apiBaseUrl: 'http://127.0.0.1:1/external', credentials: 'mb1:xx', credentialsExpireAt: new Date('2027-01-01T15:00:00Z'), carrierCode: null, rateLimitPerSec: 2.5, autoOrderSync: true, autoOrderConfirm: false, autoInstruct: false, autoStockSync: true }, NOW);
    shopId = shop.id;
  });
  afterAll(async () => t.drop());

  test('sellers and shops: insert, find, update, health, times in UTC with milliseconds', async () => {
    const k = t.db.knex;
    expect(await findSellerByCode(k, 'acme')).toMatchObject({ id: sellerId, name: 'ACME', createdAt: NOW });
    expect(await findSellerByCode(k, 'ACME')).toBeUndefined();
    const [shop] = await findShopsByMallId(k, 'acme-store', 'naver');
    expect(shop).toMatchObject({ sellerCode: 'acme', rateLimitPerSec: 2.5, autoOrderSync: true, autoOrderConfirm: false, autoStockSync: true, health: 'unknown', credentialsExpireAt: new Date('2027-01-01T15:00:00Z'), createdAt: NOW });
    expect(await findShopsByMallId(k, 'acme-store', 'rakuten')).toEqual([]);
    const updated = await updateShop(k, shopId, { autoOrderConfirm: true, carrierCode: 'QXPRESS' }, NOW);
    expect(updated).toMatchObject({ autoOrderConfirm: true, carrierCode: 'QXPRESS' });
    await recordShopHealth(k, shopId, false, 'licence key expired', true, NOW);
    await recordShopHealth(k, shopId, false, 'licence key expired', true, NOW);
    expect((await listShops(k, sellerId))[0]).toMatchObject({ health: 'unhealthy', healthMessage: 'licence key expired', authFailures: 2 });
    await recordShopHealth(k, shopId, true, null, false, NOW);
    expect((await listShops(k))[0]).toMatchObject({ health: 'healthy', authFailures: 0 });
  });

  test('catalog: SKUs, seller codes (bundles) and name mappings compared exactly', async () => {
    const k = t.db.knex;
    const ids = await insertSkus(k, sellerId, [
      { skuCode: 'A-1', skuName: '상품 A', optionName: null, barcode: '0012' },
      { skuCode: 'B-1', skuName: '商品 B', optionName: '赤', barcode: null },
    ], NOW);
    expect([...ids.keys()].sort()).toEqual(['A-1', 'B-1']);
    await updateSku(k, ids.get('A-1')!, { skuCode: 'A-1', skuName: '상품 A2', optionName: 'M', barcode: '0012' }, NOW);
    expect((await findSkusByCode(k, sellerId, ['A-1', 'a-1'])).get('A-1')).toMatchObject({ skuName: '상품 A2', optionName: 'M', barcode: '0012', onHand: null });
    expect((await findSkusByCode(k, sellerId, ['a-1'])).size).toBe(0);
    await insertSkuCodes(k, sellerId, [{ sellerCode: 'SET', skuId: ids.get('A-1')!, quantity: 1 }, { sellerCode: 'SET', skuId: ids.get('B-1')!, quantity: 2 }, { sellerCode: 'ONE', skuId: ids.get('A-1')!, quantity: 3 }], NOW);
    const comps = await findCodeComponents(k, sellerId, ['SET', 'ONE', 'set', 'SET ']);
    expect([...comps.keys()].sort()).toEqual(['ONE', 'SET']);
    expect(comps.get('SET')!.map((c) => [c.skuCode, c.quantity])).toEqual([['A-1', 1], ['B-1', 2]]);
    await updateComponentQuantity(k, 'sku_codes', comps.get('ONE')![0]!.mappingId, 4, NOW);
    expect((await findCodeComponents(k, sellerId, ['ONE'])).get('ONE')![0]!.quantity).toBe(4);
    const option = 'カラー:ピンク\nサイズ:25cm';
    await insertNameMappings(k, sellerId, [{ mall: 'rakuten', productName: 'タオル', optionText: option, skuId: ids.get('B-1')!, quantity: 1 }], NOW);
    const names = await findNameComponents(k, sellerId, 'rakuten', [{ productName: 'タオル', optionText: option }, { productName: 'タオル', optionText: `${option} ` }, { productName: 'タオル', optionText: 'カラー:ピンク\nサイズ:２５cm' }]);
    expect([...names.keys()]).toEqual([nameKeyId({ productName: 'タオル', optionText: option })]);
    expect((await findNameComponents(k, sellerId, 'naver', [{ productName: 'タオル', optionText: option }])).size).toBe(0);
  });

  test('order lines: insert ignores a line that exists, lookups by line and by order, waiting and unmapped lists', async () => {
    const k = t.db.knex;
    await insertLines(k, [line(shopId, 'O1', 'L1'), line(shopId, 'O1', 'L2', { mappingStatus: 'mapped', mappingRule: 'seller_code', unmappedReason: null }), line(shopId, 'O2', 'L3', { mappingStatus: 'ignored', mappingRule: null, unmappedReason: null })], NOW);
    await insertLines(k, [line(shopId, 'O1', 'L1', { productName: 'changed' })], NOW);
    const byId = await findLinesByMallLineId(k, shopId, ['L1', 'L2', 'L9']);
    expect(byId.get('L1')).toMatchObject({ productName: '테스트 상품', recipient: { name: '김민준' }, orderedAt: NOW, quantity: 2 });
    expect(byId.has('L9')).toBe(false);
    expect((await findLinesOfOrders(k, shopId, ['O1'])).map((l) => l.mallLineId)).toEqual(['L1', 'L2']);
    expect(await findWaitingOrders(k, [shopId])).toEqual([{ shopId, mallOrderId: 'O1' }]);
    expect((await findUnmappedLines(k, [shopId])).map((l) => l.mallLineId)).toEqual(['L1']);
    await updateLinesMapping(k, [byId.get('L1')!.id], { mappingStatus: 'mapped', mappingRule: 'seller_code', mappingRef: 'sku_codes:1', unmappedReason: null }, NOW);
    expect(await countLinesByMapping(k, [shopId])).toEqual({ mapped: 2, unmapped: 0, ignored: 1 });
  });

  test('fulfillment orders: created once per (shop, order, package), lines keyed, counted by status', async () => {
    const k = t.db.knex;
    const lines = await findLinesOfOrders(k, shopId, ['O1']);
    const sku = (await findSkusByCode(k, sellerId, ['A-1'])).get('A-1')!;
    const writes = lines.map((l) => ({ mallOrderLineId: l.id, skuId: sku.id, quantity: 2, unitQuantity: 1 }));
    const first = await inTransaction(k, (trx) => createFulfillmentOrder(trx, { shopId, mallOrderId: 'O1', mallPackageId: '', recipient: lines[0]!.recipient, orderedAt: NOW }, writes, NOW));
    const second = await inTransaction(k, (trx) => createFulfillmentOrder(trx, { shopId, mallOrderId: 'O1', mallPackageId: '', recipient: lines[0]!.recipient, orderedAt: NOW }, writes, NOW));
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    await addFulfillmentLines(k, first.id, writes, NOW);
    expect((await k('fulfillment_order_lines').where('fulfillment_order_id', first.id)).length).toBe(2);
    expect([...(await linesInFulfillment(k, lines.map((l) => l.id)))].sort()).toEqual(lines.map((l) => l.id).sort());
    const [fo] = await findFulfillmentOrders(k, shopId, ['O1']);
    expect(fo).toMatchObject({ status: 'new', mallPackageId: '', recipient: { name: '김민준', country: 'KR' }, orderedAt: NOW });
    expect(await countFulfillmentByStatus(k, [shopId])).toEqual({ new: 1 });
  });

  test('listings, cursors, job runs and uploads', async () => {
    const k = t.db.knex;
    await upsertListings(k, [{ shopId, listingProductId: 'p1', listingOptionId: '', skuId: null, sellerCode: 'SET' }], NOW);
    await upsertListings(k, [{ shopId, listingProductId: 'p1', listingOptionId: '', skuId: null, sellerCode: 'SET' }], NOW);
    expect((await k('listings')).length).toBe(1);
    expect(await getCursor(k, shopId, 'orders')).toBeUndefined();
    await saveCursor(k, shopId, 'orders', '2026-11-29T05:00:00.000Z', NOW);
    await saveCursor(k, shopId, 'orders', '2026-11-29T06:00:00.000Z', NOW);
    expect(await getCursor(k, shopId, 'orders')).toBe('2026-11-29T06:00:00.000Z');
    const run = await startJobRun(k, 'orders:pull', shopId, NOW);
    await finishJobRun(k, run, 'succeeded', { pages: 1 }, null, NOW);
    expect(await k('job_runs').where({ id: run }).first()).toMatchObject({ status: 'succeeded', counts: '{"pages":1}' });
    const up = await recordUpload(k, { sellerId, kind: 'skus', fileName: 'a.xlsx', fileSha256: 'f'.repeat(64), status: 'rejected', rowCount: 3, inserted: 0, updated: 0, unchanged: 0, releasedOrders: 0, errors: [{ row: 2, column: 'SKU코드', value: '', reason: 'required', message: 'x' }] }, NOW);
    expect(await k('upload_batches').where({ id: up }).first()).toMatchObject({ status: 'rejected', error_count: 1 });
  });

  test('inTransaction rolls back everything on error and reuses an outer transaction', async () => {
    const k = t.db.knex;
    await expect(
      inTransaction(k, async (trx) => {
        await insertSeller(trx, 'rollback-me', null, NOW);
        await inTransaction(trx, async (inner) => insertSeller(inner, 'inner-too', null, NOW));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await findSellerByCode(k, 'rollback-me')).toBeUndefined();
    expect(await findSellerByCode(k, 'inner-too')).toBeUndefined();
  });
});
