import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import type { Shop } from '../../data/stores/shops.js';
import { pullOrders } from '../../pipelines/orders/pull.js';
import { importSkuSheet } from '../../pipelines/sheets/import-skus.js';
import { REPO } from '../helpers/cli.js';
import { consoleFixture, type Browser, type ConsoleFixture } from '../helpers/console.js';
import { dialects } from '../helpers/databases.js';
import { sandboxShop } from '../helpers/pipeline.js';

const SKUS = path.join(REPO, 'samples/demo-skus.xlsx');

/**
 * A seller user sees and touches only its own seller's shops, uploads, orders and reports — by
 * direct URL and by tampered forms, enforced on the server (404: nothing revealed); operators see
 * all; credentials never reach a page (design.md §13).
 */
describe.each(dialects())('console access on %s', (dialect) => {
  let f: ConsoleFixture;
  let naver: NaverSandbox;
  let acmeShop: Shop;
  let otherShop: Shop;
  let acme: Browser;
  let other: Browser;
  let operator: Browser;
  let otherParcel: number;
  let otherUpload: string;
  let day: string;

  beforeAll(async () => {
    naver = await startNaverSandbox();
    f = await consoleFixture(dialect);
    acmeShop = await sandboxShop(f.deps, { seller: 'acme', mall: 'naver', shopId: 'acme-store', baseUrl: naver.baseUrl, credentials: naver.credentials });
    otherShop = await sandboxShop(f.deps, { seller: 'other', mall: 'naver', shopId: 'other-store', baseUrl: naver.baseUrl, credentials: naver.credentials });
    for (const s of [acmeShop, otherShop]) await pullOrders(f.deps, s);
    await importSkuSheet(f.deps, (await findSellerByCode(f.t.db.knex, 'acme'))!, SKUS, { dryRun: false });
    await importSkuSheet(f.deps, (await findSellerByCode(f.t.db.knex, 'other'))!, SKUS, { dryRun: false });
    otherParcel = Number(((await f.t.db.knex('fulfillment_orders').where('shop_id', otherShop.id).first('id')) as { id: number }).id);
    [acme, other, operator] = [f.browser(), f.browser(), f.browser()];
    await acme.login(f.users.acme);
    await other.login(f.users.other);
    await operator.login(f.users.operator);
    await other.get('/sheets');
    const refused = await other.postMultipart('/sheets/preview', { seller: 'other', kind: 'skus' }, { sheet: { name: 'other.csv', data: 'sku_code,sku_name\nBAD CODE!,x\n' } });
    otherUpload = /\/sheets\/uploads\/([0-9a-f]{32})\/errors\.xlsx/.exec(refused.body)![1]!;
    day = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    await other.get('/reports');
    expect((await other.post('/reports/generate', { date: day })).status).toBe(200);
    await operator.get('/reports');
    expect((await operator.post('/reports/generate', { date: day })).status).toBe(200);
    await acme.get('/shops');
  });
  afterAll(async () => {
    await f.close();
    await naver.close();
  });

  test("another seller's shop, parcel, upload, error file and report are 404 by direct URL", async () => {
    const gets = [
      `/shops/${otherShop.id}`,
      `/orders/parcels/${otherParcel}`,
      `/sheets/uploads/${otherUpload}/errors.xlsx`,
      `/sheets/uploads/${otherUpload}/errors.csv`,
      `/reports/${day}/reconcile-shop-${otherShop.id}.xlsx`,
      `/reports/${day}/reconcile-shop-${otherShop.id}.csv`,
      `/reports/${day}/reconcile.xlsx`,
      `/reports/${day}/reconcile.csv`,
      `/reports/${day}/..%2F..%2Fmallbridge.sqlite`,
      '/orders/unmapped.xlsx?seller=other',
    ];
    for (const url of gets) expect([url, (await acme.get(url)).status]).toEqual([url, 404]);
    // The same URLs work for their owner, and for an operator.
    for (const url of gets.slice(0, 6)) {
      expect([url, (await other.get(url)).status]).toEqual([url, 200]);
      expect([url, (await operator.get(url)).status]).toEqual([url, 200]);
    }
    expect((await acme.get(`/shops/${acmeShop.id}`)).status).toBe(200);
    expect((await acme.get(`/reports/${day}/reconcile-shop-${acmeShop.id}.xlsx`)).status).toBe(404); // not generated for acme yet
  });

  test("tampered forms: another seller's shop id, upload id or seller code is 404 and changes nothing", async () => {
    naver.requests.length = 0;
    expect((await acme.post(`/shops/${otherShop.id}/test`)).status).toBe(404);
    expect(naver.requests).toHaveLength(0);
    expect((await acme.post('/sheets/apply', { upload: otherUpload })).status).toBe(404);
    const shops = await f.t.db.knex('shops').count({ n: '*' }).first();
    const add = await acme.postMultipart('/shops', { seller: 'other', mall: 'naver', shopId: 'sneaky', credentialsText: '{"applicationId":"a-new-app","applicationSecret":"$2a$04$MallbridgeSandbox2026u"}' });
    expect(add.status).toBe(404);
    expect(await f.t.db.knex('shops').count({ n: '*' }).first()).toEqual(shops);
    const uploads = await f.t.db.knex('upload_batches').count({ n: '*' }).first();
    const sheet = await acme.postMultipart('/sheets/preview', { seller: 'other', kind: 'skus' }, { sheet: { name: 'x.csv', data: 'sku_code,sku_name\nZ-1,z\n' } });
    expect(sheet.status).toBe(404);
    expect(await f.t.db.knex('upload_batches').count({ n: '*' }).first()).toEqual(uploads);
    expect((await acme.post('/jobs/run', { job: 'orders:pull', shop: String(otherShop.id) })).status).toBe(403);
  });

  test("lists hold only the seller's own rows; an operator's hold everyone's", async () => {
    const shops = (await acme.get('/shops')).body;
    expect(shops).toContain('acme-store');
    expect(shops).not.toContain('other-store');
    const orders = (await acme.get('/orders')).body;
    expect(orders).toContain('<tr><td>acme</td>');
    expect(orders).not.toContain('<tr><td>other</td>');
    // Both shops carry the same marketplace order (one sandbox): a search finds only the seller's own.
    const id = ((await f.t.db.knex('fulfillment_orders').where('id', otherParcel).first('mall_order_id')) as { mall_order_id: string }).mall_order_id;
    const found = (await acme.get(`/orders?q=${id}`)).body;
    expect(found).toContain(`shop ${acmeShop.id} (naver:acme-store)`);
    expect(found).not.toContain('other-store');
    expect(found).not.toContain(`/orders/parcels/${otherParcel}"`);
    const jobs = (await acme.get('/jobs')).body;
    expect(jobs).toContain('acme-store');
    expect(jobs).not.toContain('other-store');
    expect(jobs).not.toContain('all shops');
    const reports = (await acme.get('/reports')).body;
    expect(reports).not.toContain(`reconcile-shop-${otherShop.id}`);
    expect(reports).not.toContain('reconcile.xlsx');

    const all = [(await operator.get('/shops')).body, (await operator.get('/orders')).body, (await operator.get('/jobs')).body, (await operator.get('/reports')).body].join('\n');
    for (const text of ['acme-store', 'other-store', '<tr><td>acme</td>', '<tr><td>other</td>', `reconcile-shop-${otherShop.id}.xlsx`, 'reconcile.xlsx', 'all shops']) expect([text, all.includes(text)]).toEqual([text, true]);
  });

  test('credentials never reach the browser: every page of every user shows them masked only', async () => {
    const secrets = [naver.credentials.applicationSecret, naver.credentials.applicationId, 'MallbridgeSandbox2026'];
    for (const b of [acme, other, operator]) {
      for (const url of ['/shops', `/shops/${acmeShop.id}`, `/shops/${otherShop.id}`, '/sheets', '/orders', '/jobs', '/reports']) {
        const page = await b.get(url);
        for (const s of secrets) expect([url, page.body.includes(s)]).toEqual([url, false]);
      }
    }
    expect((await operator.get('/shops')).body).toContain('mall…er (24 chars)');
  });
});
