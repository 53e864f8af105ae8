import path from 'node:path';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { findShopsByMallId, type Shop } from '../../data/stores/shops.js';
import { pullOrders } from '../../pipelines/orders/pull.js';
import { REPO } from '../helpers/cli.js';
import { consoleFixture, type Browser, type ConsoleFixture } from '../helpers/console.js';
import { dialects } from '../helpers/databases.js';

const SKUS = path.join(REPO, 'samples/demo-skus.xlsx');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A seller's day in the console, over real HTTP routing and a real database (design.md §13):
 * an operator adds its shop with pasted credentials (pointed at the sandbox), test the connection against the sandbox, see the orders
 * waiting for a mapping, upload a sheet with errors (every error by row, an error file), then a
 * clean one whose preview and apply release the waiting orders; find an order; generate and
 * download a report; an operator runs a job now.
 */
describe.each(dialects())('console pages on %s', (dialect) => {
  let f: ConsoleFixture;
  let naver: NaverSandbox;
  let seller: Browser;
  let shop: Shop;
  beforeAll(async () => {
    naver = await startNaverSandbox();
    f = await consoleFixture(dialect);
    seller = f.browser();
    expect((await seller.login(f.users.acme)).status).toBe(303);
  });
  afterAll(async () => {
    await f.close();
    await naver.close();
  });

  test('add a shop with pasted credentials (the `shops add` pipeline); they are stored encrypted and shown masked only', async () => {
    await seller.get('/shops');
    const bad = await seller.postMultipart('/shops', { seller: 'acme', mall: 'naver', shopId: 'acme-store', credentialsText: '{"applicationId": "x"' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('is not valid JSON');
    expect(bad.body).not.toContain('/tmp/');
    // Only an operator may point a shop at the sandbox (an API base URL).
    const op = f.browser();
    await op.login(f.users.operator);
    await op.get('/shops');
    const r = await op.postMultipart('/shops', { seller: 'acme', mall: 'naver', shopId: 'acme-store', apiBaseUrl: naver.baseUrl, credentialsText: JSON.stringify(naver.credentials), autoOrderSync: 'on' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('acme-store');
    shop = (await findShopsByMallId(f.t.db.knex, 'acme-store', 'naver'))[0]!;
    expect(shop).toMatchObject({ sellerCode: 'acme', apiBaseUrl: naver.baseUrl, autoOrderSync: true, autoOrderConfirm: false });
    expect(shop.credentials).not.toContain(naver.credentials.applicationSecret);
    expect(r.body).not.toContain(naver.credentials.applicationSecret);
    expect(r.body).not.toContain(naver.credentials.applicationId);
    expect(r.body).toContain('mall…er (24 chars)');
  });

  test('a credentials JSON file works too; a duplicate account is refused, and a seller user is told to ask the operator', async () => {
    const r = await seller.postMultipart('/shops', { seller: 'acme', mall: 'naver', shopId: 'acme-second' }, { credentialsFile: { name: 'naver.json', data: JSON.stringify(naver.credentials), type: 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body).toContain('이 쇼핑몰 또는 마켓 계정은 이미 등록되어 있습니다. 창고 운영자에게 문의하세요.');
    expect(await findShopsByMallId(f.t.db.knex, 'acme-second', 'naver')).toHaveLength(0);
  });

  test('the connection test calls the sandbox with the stored credentials and shows the connector\'s sentence', async () => {
    naver.requests.length = 0;
    const r = await seller.post(`/shops/${shop.id}/test`);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/연결됨 — Connected to Naver: /);
    expect(naver.requests.length).toBeGreaterThan(0);
    expect(r.body).not.toContain(naver.credentials.applicationSecret);
    const stored = (await findShopsByMallId(f.t.db.knex, 'acme-store', 'naver'))[0]!;
    expect(stored.health).toBe('healthy');
  });

  test('orders waiting for a mapping are listed with reasons, and export as a sheet to fill in', async () => {
    await pullOrders(f.deps, shop);
    const r = await seller.get('/orders');
    expect(r.body).toContain('id="unmapped"');
    expect((r.body.match(/<tr><td>acme<\/td>/g) ?? []).length).toBe(9);
    const file = await seller.get('/orders/unmapped.xlsx');
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe(XLSX);
    expect(file.raw.subarray(0, 2).toString()).toBe('PK');
  });

  test('a sheet with errors: every error by row and column, nothing applied, an error file to download', async () => {
    await seller.get('/sheets');
    const csv = '\uFEFFSKU코드,상품명,수량,판매자 정의 코드\r\nBAD CODE!,이름,1,\r\n,이름 없음,1,\r\nOK-1,좋음,zero,\r\n';
    const r = await seller.postMultipart('/sheets/preview', { seller: 'acme', kind: 'skus' }, { sheet: { name: 'my skus.csv', data: csv, type: 'text/csv' } });
    expect(r.status).toBe(422);
    expect(r.body).toContain('my skus.csv: 오류 3건');
    const rows = [...r.body.matchAll(/<tr><td class="num">(\d+)<\/td><td>([^<]*)<\/td><td>[^<]*<\/td><td>([a-z_]+)<\/td>/g)].map((m) => [Number(m[1]), m[2], m[3]]);
    expect(rows).toEqual([[2, 'SKU코드', 'invalid_format'], [3, 'SKU코드', 'required'], [4, '수량', 'invalid_quantity']]);
    expect(await f.t.db.knex('skus')).toHaveLength(0);
    const link = /href="(\/sheets\/uploads\/[0-9a-f]{32}\/errors\.xlsx)"/.exec(r.body)![1]!;
    const xlsx = await seller.get(link);
    expect([xlsx.status, xlsx.headers['content-type']]).toEqual([200, XLSX]);
    expect(String(xlsx.headers['content-disposition'])).toContain("filename*=UTF-8''my%20skus.errors.xlsx");
    const errorsCsv = await seller.get(link.replace('.xlsx', '.csv'));
    expect(errorsCsv.body).toContain('row,column,value,reason,message');
    expect(errorsCsv.body).toContain('3,SKU코드,,required,');
  });

  test('a clean sheet: the preview is the dry run (counts, the waiting orders it would release, nothing written), then apply releases them', async () => {
    const preview = await seller.postMultipart('/sheets/preview', { seller: 'acme', kind: 'skus' }, { sheet: { name: 'demo-skus.xlsx', data: await import('node:fs').then((fs) => fs.readFileSync(SKUS)), type: XLSX } });
    expect(preview.status).toBe(200);
    expect(preview.body).toContain('이 시트로 처리될 대기 주문: 4');
    expect(preview.body).toMatch(/<td>skus<\/td><td class="num">13<\/td>/);
    expect(await f.t.db.knex('skus')).toHaveLength(0);
    expect(await f.t.db.knex('fulfillment_orders')).toHaveLength(0);
    const upload = /name="upload" value="([0-9a-f]{32})"/.exec(preview.body)![1]!;
    const applied = await seller.post('/sheets/apply', { upload });
    expect(applied.status).toBe(200);
    expect(applied.body).toContain('처리된 대기 주문: 4');
    expect(await f.t.db.knex('fulfillment_orders')).toHaveLength(4);
    expect((await f.t.db.knex('upload_batches').orderBy('id')).map((u: { status: string }) => u.status)).toEqual(['rejected', 'dry_run', 'applied']);
    expect(((await seller.get('/orders')).body.match(/<tr><td>acme<\/td>/g) ?? []).length).toBe(3); // the lines of the 3 orders still waiting
  });

  test('find an order by its marketplace id or its tracking number: lines, parcel, status history', async () => {
    const fo = (await f.t.db.knex('fulfillment_orders').orderBy('id').first()) as { id: number; mall_order_id: string };
    const byId = await seller.get(`/orders?q=${encodeURIComponent(fo.mall_order_id)}`);
    expect(byId.body).toContain(`href="/orders/parcels/${fo.id}"`);
    expect(byId.body).toContain('∅ → new');
    await f.t.db.knex('shipments').insert({ fulfillment_order_id: fo.id, tracking_number: 'QSP000000000001', carrier: 'QXPRESS', source: 'invoice', shipped_at: null, created_at: '2026-01-01 00:00:00.000' });
    const byTracking = await seller.get('/orders?q=QSP000000000001');
    expect(byTracking.body).toContain(`href="/orders/parcels/${fo.id}"`);
    expect(byTracking.body).toContain('QSP000000000001 QXPRESS (invoice)');
    expect((await seller.get(`/orders/parcels/${fo.id}`)).status).toBe(200);
    expect((await seller.get('/orders?q=NO-SUCH-ORDER')).body).toContain('내 쇼핑몰에 NO-SUCH-ORDER 주문이 없습니다.');
  });

  test('a seller generates the report of a day: one file per own shop, listed and downloadable', async () => {
    await seller.get('/reports');
    const day = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const r = await seller.post('/reports/generate', { date: day });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`reconcile-shop-${shop.id}.xlsx`);
    const href = `/reports/${day}/reconcile-shop-${shop.id}.xlsx`;
    expect(r.body).toContain(`href="${href}"`);
    const file = await seller.get(href);
    expect([file.status, file.headers['content-type']]).toEqual([200, XLSX]);
    const csv = await seller.get(`/reports/${day}/reconcile-shop-${shop.id}.csv`);
    expect(csv.status).toBe(200);
    expect((await seller.post('/reports/generate', { date: '2999-01-01' })).status).toBe(400);
  });

  test('an operator sees the jobs and runs one now for one shop (a job_runs row, as `mallbridge run`); a seller may not', async () => {
    const seen = await seller.get('/jobs');
    expect(seen.body).not.toContain('action="/jobs/run"');
    expect((await seller.post('/jobs/run', { job: 'orders:pull', shop: String(shop.id) })).status).toBe(403);
    const op = f.browser();
    await op.login(f.users.operator);
    const page = await op.get('/jobs');
    expect(page.body).toContain('action="/jobs/run"');
    const r = await op.post('/jobs/run', { job: 'orders:pull', shop: String(shop.id) });
    expect(r.status).toBe(200);
    await f.server.idle();
    const runs = (await f.t.db.knex('job_runs').where({ job: 'orders:pull', shop_id: shop.id })) as Array<{ status: string }>;
    expect(runs.map((x) => x.status)).toEqual(['succeeded']);
    expect((await op.get('/jobs')).body).toMatch(/succeeded · \d{4}-\d{2}-\d{2}/);
    expect((await op.post('/jobs/run', { job: 'no:such', shop: String(shop.id) })).status).toBe(400);
  });
});
