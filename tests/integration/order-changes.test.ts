import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import type { Shop } from '../../data/stores/shops.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { pullOrders } from '../../pipelines/orders/pull.js';
import { importNameSheet } from '../../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { REPO } from '../helpers/cli.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture, sandboxShop } from '../helpers/pipeline.js';

/**
 * Marketplace changes to orders already taken in (design.md §5): a cancellation before
 * instruction cancels the parcel, a smaller quantity or a new address is taken over, and after
 * instruction any of them puts the parcel on hold — never shipped automatically.
 */
/** A change made a moment ago: the feed is read up to 5 s before now (spec §8.5), and the 10-minute overlap re-reads it. */
const justNow = () => new Date(Date.now() - 30_000);

describe.each(dialects())('marketplace changes on %s', (dialect) => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let t: TestDb;
  let deps: PipelineDeps;
  let nShop: Shop;
  let rShop: Shop;

  const fo = async (mallOrderId: string, packageId?: string) => {
    const q = t.db.knex('fulfillment_orders').where({ mall_order_id: mallOrderId });
    if (packageId !== undefined) q.andWhere({ mall_package_id: packageId });
    return (await q.first()) as { id: number; status: string; hold_reason: string | null; recipient_name: string; address1: string };
  };
  const foLines = async (id: number) => ((await t.db.knex('fulfillment_order_lines as l').join('skus as s', 's.id', 'l.sku_id').where('l.fulfillment_order_id', id).orderBy('s.sku_code').select('s.sku_code', 'l.quantity')) as Array<{ sku_code: string; quantity: number }>).map((r) => [r.sku_code, Number(r.quantity)]);
  const events = async (id: number) => ((await t.db.knex('fulfillment_order_events').where('fulfillment_order_id', id).orderBy('id')) as Array<{ to_status: string }>).map((e) => e.to_status);

  beforeAll(async () => {
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    ({ t, deps } = await pipelineFixture(dialect));
    nShop = await sandboxShop(deps, { seller: 'c1', mall: 'naver', shopId: 'nc', baseUrl: naver.baseUrl, credentials: naver.credentials });
    rShop = await sandboxShop(deps, { seller: 'c1', mall: 'rakuten', shopId: 'rc', baseUrl: rakuten.baseUrl, credentials: rakuten.credentials });
    const seller = (await findSellerByCode(t.db.knex, 'c1'))!;
    await importSkuSheet(deps, seller, path.join(REPO, 'samples/demo-skus.xlsx'), { dryRun: false });
    await importNameSheet(deps, seller, path.join(REPO, 'samples/demo-name-mappings.xlsx'), { dryRun: false });
    await pullOrders(deps, nShop);
    await pullOrders(deps, rShop);
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    await t.drop();
  });

  test('a Naver cancellation before instruction cancels the parcel, with its history', async () => {
    const n1 = naver.scenario.N1;
    expect((await fo(n1.orderId)).status).toBe('new');
    naver.changeProductOrder(n1.productOrderIds[0]!, { at: justNow(), lastChangedType: 'CLAIM_COMPLETED', productOrderStatus: 'CANCELED', claim: { type: 'CANCEL', status: 'CANCEL_DONE' }, remainQuantity: 0 });
    const s = await pullOrders(deps, nShop);
    expect(s.fulfillmentOrdersCancelled).toBe(1);
    const after = await fo(n1.orderId);
    expect(after.status).toBe('cancelled');
    expect(await events(after.id)).toEqual(['new', 'cancelled']);
    expect((await pullOrders(deps, nShop)).fulfillmentOrdersCancelled).toBe(0);
  });

  test('a smaller quantity and a new address before instruction are taken over', async () => {
    const n3 = naver.scenario.N3;
    naver.changeProductOrder(n3.productOrderIds[0]!, { at: justNow(), lastChangedType: 'CLAIM_COMPLETED', remainQuantity: 1 });
    naver.changeProductOrder(n3.productOrderIds[0]!, { at: justNow(), lastChangedType: 'DELIVERY_ADDRESS_CHANGED', shippingAddress: { name: '홍길동', baseAddress: '부산광역시 중구 중앙대로 1', detailedAddress: '2층' } });
    const s = await pullOrders(deps, nShop);
    expect(s.fulfillmentOrdersUpdated).toBe(1);
    const after = await fo(n3.orderId);
    expect(after).toMatchObject({ status: 'new', recipient_name: '홍길동', address1: '부산광역시 중구 중앙대로 1' });
    expect(await foLines(after.id)).toEqual([['SOCK-GRY', 3]]);
  });

  test('after instruction, a cancellation puts the parcel on hold with the reason; it is never cancelled automatically', async () => {
    const n2 = naver.scenario.N2;
    const before = await fo(n2.orderId);
    await t.db.knex('fulfillment_orders').where({ id: before.id }).update({ status: 'instructed' });
    naver.changeProductOrder(n2.productOrderIds[1]!, { at: justNow(), lastChangedType: 'CLAIM_REQUESTED', claim: { type: 'CANCEL', status: 'CANCEL_REQUEST' } });
    const s = await pullOrders(deps, nShop);
    expect(s.fulfillmentOrdersHeld).toBe(1);
    const after = await fo(n2.orderId);
    expect(after.status).toBe('on_hold');
    expect(after.hold_reason).toMatch(/changed after instruction: line .* cancelled at the marketplace/);
    expect(await foLines(after.id)).toEqual([['MUG-01', 1], ['TS-WHT-M', 1]]);
  });

  test('Rakuten: open orders are read again, so a cancellation (900) is seen without a search hit', async () => {
    const r1 = rakuten.scenario.R1;
    rakuten.setOrderProgress(r1, 900);
    const s = await pullOrders(deps, rShop);
    expect(s.reread).toBeGreaterThan(0);
    expect(s.fulfillmentOrdersCancelled).toBe(1);
    expect((await fo(r1)).status).toBe('cancelled');
  });

  test('Rakuten: a multi-package order keeps one parcel per package; cancelling the order cancels both', async () => {
    const r6 = rakuten.scenario.R6;
    const packages = (await t.db.knex('fulfillment_orders').where({ mall_order_id: r6 }).orderBy('mall_package_id')) as Array<{ recipient_name: string; status: string }>;
    expect(packages.map((p) => p.recipient_name)).toEqual(['佐藤 一郎', '鈴木 花子']);
    rakuten.setOrderProgress(r6, 900);
    const s = await pullOrders(deps, rShop);
    expect(s.fulfillmentOrdersCancelled).toBe(2);
  });
});
