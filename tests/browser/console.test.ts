import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { REPO } from '../helpers/cli.js';
import { chromiumInstalled, cli, download, launchChromium, logIn, newContext, screenshot, startConsole, type ConsoleProcess } from '../helpers/browser.js';

const PASSWORD = 'correct horse battery';
const USERS = { acme: 'acme@example.com', other: 'other@example.com', operator: 'ops@example.com' };
const ERRORS_CSV = '\uFEFFSKU코드,상품명,수량,판매자 정의 코드\r\nBAD CODE!,이름,1,\r\n,이름 없음,1,\r\nOK-1,좋음,zero,\r\n';

/** The cells of every body row of the table `selector`, as text. */
async function rowsOf(page: Page, selector: string): Promise<string[][]> {
  const rows = await page.locator(`${selector} tbody tr`).all();
  return Promise.all(rows.map(async (tr) => (await tr.locator('td').allTextContents()).map((text) => text.trim())));
}

/**
 * The web console in a real browser (issue 20, design.md §13): headless Chromium driven by
 * playwright-core against a `mallbridge console` process on its own MALLBRIDGE_HOME and embedded
 * SQLite database. Sellers, users (password on stdin), shops and the first pull of orders are
 * made with the CLI against the Naver and Rakuten sandboxes; everything after is clicks.
 * Screenshots of the main pages go to var/screenshots/.
 */
(chromiumInstalled() ? describe : describe.skip)('the console in Chromium', () => {
  let home: string;
  let env: Record<string, string>;
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let server: ConsoleProcess;
  let browser: Browser;
  let sellerContext: BrowserContext;
  let seller: Page;
  let base: string;
  const shops = { acme: 0, other: 0 };

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mallbridge-browser-'));
    env = { MALLBRIDGE_HOME: home, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    const launched = launchChromium();
    [naver, rakuten] = await Promise.all([startNaverSandbox(), startRakutenSandbox()]);
    await cli(['db', 'migrate'], env);
    await Promise.all(['acme', 'other'].map((code) => cli(['sellers', 'add', code], env)));
    fs.writeFileSync(path.join(home, 'naver.json'), JSON.stringify(naver.credentials), { mode: 0o600 });
    fs.writeFileSync(path.join(home, 'rakuten.json'), JSON.stringify(rakuten.credentials), { mode: 0o600 });
    // Independent writers: the CLI processes share the SQLite file (WAL, busy timeout).
    const [acmeShop, otherShop] = await Promise.all([
      cli(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'acme-store', '--api-base-url', naver.baseUrl, '--credentials-file', path.join(home, 'naver.json'), '--auto-sync', '--json'], env),
      cli(['shops', 'add', '--seller', 'other', '--mall', 'rakuten', '--shop-id', 'other-shop', '--shop-url', 'https://www.rakuten.ne.jp/other-shop', '--api-base-url', rakuten.baseUrl, '--credentials-file', path.join(home, 'rakuten.json'), '--auto-sync', '--json'], env),
      cli(['users', 'add', '--email', USERS.acme, '--role', 'seller', '--seller', 'acme'], env, `${PASSWORD}\n`),
      cli(['users', 'add', '--email', USERS.other, '--role', 'seller', '--seller', 'other'], env, `${PASSWORD}\n`),
      cli(['users', 'add', '--email', USERS.operator, '--role', 'operator'], env, `${PASSWORD}\n`),
    ]);
    shops.acme = (acmeShop as { id: number }).id;
    shops.other = (otherShop as { id: number }).id;
    // acme's orders: 4 wait for the SKUs of samples/demo-skus.xlsx.
    const pulled = cli(['run', 'orders:pull', '--shop', String(shops.acme)], env);
    server = await startConsole(env);
    await pulled;
    base = server.baseUrl;
    browser = await launched;
    sellerContext = await newContext(browser);
    seller = await sellerContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    const code = await server?.stop();
    await Promise.all([naver?.close(), rakuten?.close()]);
    fs.rmSync(home, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  // An anonymous GET /favicon.ico once went to /login and replaced the login token of the form on
  // screen, so a real browser's first login failed: /favicon.ico is public now (and pages name none).
  test('a fresh browser logs in on the first try, after fetching its favicon', async () => {
    const context = await newContext(browser, { faviconBug: true });
    try {
      const page = await context.newPage();
      const shown = await page.goto(`${base}/login`);
      const token = /mb_login=([0-9a-f]+)/.exec((await shown!.allHeaders())['set-cookie'] ?? '')![1];
      // Chromium asks for /favicon.ico once the page has loaded; give it the time a person takes to type.
      for (let i = 0; i < 20 && (await context.cookies()).find((c) => c.name === 'mb_login')?.value === token; i++) await page.waitForTimeout(50);
      await page.fill('#email', USERS.acme);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('form[action="/login"] button[type=submit]')]);
      await page.waitForLoadState();
      expect([page.url(), await page.locator('.flash.error').allTextContents()]).toEqual([`${base}/shops`, []]);
    } finally {
      await context.close();
    }
  });

  test('a seller logs in and sees only their own shop, credentials masked', async () => {
    await seller.goto(`${base}/shops`);
    expect(seller.url()).toBe(`${base}/login`);
    await screenshot(seller, 'login');
    await logIn(seller, base, USERS.acme, PASSWORD);
    await expect(seller.textContent('header .who')).resolves.toContain(USERS.acme);
    const rows = await rowsOf(seller, 'table');
    expect(rows.map((r) => r.slice(0, 4))).toEqual([[String(shops.acme), 'acme', 'naver', 'acme-store']]);
    expect(await seller.content()).not.toContain(naver.credentials.applicationSecret);
    await screenshot(seller, 'shops');
  });

  test('a sheet with errors shows every error by row and column, and its error file downloads', async () => {
    await seller.click('header a[href="/sheets"]');
    await seller.selectOption('#kind', 'skus');
    await seller.setInputFiles('#sheet', { name: 'my skus.csv', mimeType: 'text/csv', buffer: Buffer.from(ERRORS_CSV) });
    await Promise.all([seller.waitForURL(`${base}/sheets/preview`), seller.click('form[action="/sheets/preview"] button[type=submit]')]);
    await expect(seller.textContent('.flash.error')).resolves.toContain('my skus.csv: 오류 3건');
    const errors = (await rowsOf(seller, '#sheet-errors')).map(([row, column, value, reason]) => [row, column, value, reason]);
    expect(errors).toEqual([
      ['2', 'SKU코드', 'BAD CODE!', 'invalid_format'],
      ['3', 'SKU코드', '', 'required'],
      ['4', '수량', 'zero', 'invalid_quantity'],
    ]);
    await screenshot(seller, 'sheets-preview-errors');
    const xlsx = await download(seller, () => seller.click('a[href$="/errors.xlsx"]'));
    expect(xlsx.name).toBe('my skus.errors.xlsx');
    expect(xlsx.data.subarray(0, 2).toString()).toBe('PK');
    const csv = await download(seller, () => seller.click('a[href$="/errors.csv"]'));
    expect(csv.name).toBe('my skus.errors.csv');
    expect(csv.data.toString('utf8')).toContain('3,SKU코드,,required,');
  });

  test('a clean sheet: the preview lists the waiting orders it would release; apply releases them', async () => {
    await seller.goto(`${base}/sheets`);
    await seller.setInputFiles('#sheet', path.join(REPO, 'samples/demo-skus.xlsx'));
    await Promise.all([seller.waitForURL(`${base}/sheets/preview`), seller.click('form[action="/sheets/preview"] button[type=submit]')]);
    const preview = (await seller.textContent('#released')) ?? '';
    expect(preview).toContain('이 시트로 처리될 대기 주문: 4');
    const orderIds = (await seller.textContent('#released .muted'))!.split(', ');
    expect(orderIds).toHaveLength(4);
    await screenshot(seller, 'sheets-preview');
    await Promise.all([seller.waitForURL(`${base}/sheets/apply`), seller.click('form[action="/sheets/apply"] button[type=submit]')]);
    await expect(seller.textContent('.flash.ok')).resolves.toContain('demo-skus.xlsx');
    await expect(seller.textContent('#released')).resolves.toContain('처리된 대기 주문: 4');
    // The orders page finds a released order with its parcel, now `new`.
    await seller.click('header a[href="/orders"]');
    await seller.fill('#q', orderIds[0]!);
    await Promise.all([seller.waitForURL(/\/orders\?q=/), seller.click('form[action="/orders"] button[type=submit]')]);
    await expect(seller.textContent('main')).resolves.toContain('∅ → new');
    expect(await seller.locator('#unmapped tbody tr').count()).toBe(3);
    await screenshot(seller, 'orders');
  });

  test("the connection test calls the sandbox and shows the connector's sentence", async () => {
    await seller.goto(`${base}/shops`);
    const before = naver.requests.length;
    await Promise.all([seller.waitForURL(`${base}/shops/${shops.acme}/test`), seller.click(`form[action="/shops/${shops.acme}/test"] button`)]);
    await expect(seller.textContent('.flash.ok')).resolves.toMatch(/연결됨 — Connected to Naver: /);
    expect(naver.requests.length).toBeGreaterThan(before);
    await screenshot(seller, 'shops-connection-test');
  });

  test('the seller generates and downloads a reconciliation report (xlsx and CSV)', async () => {
    await seller.click('header a[href="/reports"]');
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    await seller.fill('#date', today);
    await Promise.all([seller.waitForURL(`${base}/reports/generate`), seller.click('form[action="/reports/generate"] button[type=submit]')]);
    await expect(seller.textContent('.flash.ok')).resolves.toContain(`reconcile-shop-${shops.acme}.xlsx`);
    await screenshot(seller, 'reports');
    const xlsx = await download(seller, () => seller.click(`a[href="/reports/${today}/reconcile-shop-${shops.acme}.xlsx"]`));
    expect(xlsx.name).toBe(`reconcile-shop-${shops.acme}.xlsx`);
    expect(xlsx.data.subarray(0, 2).toString()).toBe('PK');
    const csv = await download(seller, () => seller.click(`a[href="/reports/${today}/reconcile-shop-${shops.acme}.csv"]`));
    expect(csv.name).toBe(`reconcile-shop-${shops.acme}.csv`);
    expect(csv.data.length).toBeGreaterThan(0);
  });

  test("a seller opening another seller's shop URL gets the 404 page", async () => {
    const res = await seller.goto(`${base}/shops/${shops.other}`);
    expect(res?.status()).toBe(404);
    await expect(seller.textContent('main')).resolves.toContain('찾을 수 없습니다.');
    expect(await seller.content()).not.toContain('other-shop');
    await screenshot(seller, 'not-found-other-sellers-shop');
  });

  test('an operator runs a job now from /jobs and sees its run recorded', async () => {
    const context = await newContext(browser);
    try {
      const op = await context.newPage();
      op.on('dialog', (d) => void d.accept()); // "run now" asks first
      await logIn(op, base, USERS.operator, PASSWORD);
      await op.click('header a[href="/jobs"]');
      const form = `form[action="/jobs/run"]:has(input[name=job][value="orders:pull"]):has(input[name=shop][value="${shops.other}"])`;
      const row = op.locator('tr', { has: op.locator(form) });
      expect((await row.locator('td').nth(1).textContent())?.trim()).toBe('-');
      await Promise.all([op.waitForURL(`${base}/jobs/run`), op.click(`${form} button`)]);
      await expect(op.textContent('.flash.ok')).resolves.toContain('orders:pull');
      let last = '';
      for (let i = 0; i < 100 && !/^succeeded · \d{4}-\d{2}-\d{2}/.test(last); i++) {
        await new Promise((r) => setTimeout(r, 100));
        await op.goto(`${base}/jobs`);
        last = ((await row.locator('td').nth(1).textContent()) ?? '').trim();
      }
      expect(last).toMatch(/^succeeded · \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
      await screenshot(op, 'jobs');
    } finally {
      await context.close();
    }
  });
});
