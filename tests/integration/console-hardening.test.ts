import fs from 'node:fs';
import { jest } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { findShopsByMallId, type Shop } from '../../data/stores/shops.js';
import { consoleFixture, type Answer, type Browser, type ConsoleFixture } from '../helpers/console.js';
import { dialects } from '../helpers/databases.js';
import { sandboxShop } from '../helpers/pipeline.js';

/** The text of the page's error message box. */
function errorFlash(a: Answer): string {
  return /class="flash error"[^>]*>([^<]*)</.exec(a.body)?.[1] ?? '';
}

/** Sends raw bytes to a listening server and returns everything it answers before closing. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', (err) => (chunks.length > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(err)));
  });
}

/**
 * Findings of the console's security review (design.md §13), each with the attack that used to
 * work: a seller user pointing a shop at an internal address (SSRF through the connection test),
 * the add-shop form naming other sellers' shops, a long Hangul file name, repeated query
 * parameters, an off-site language link, and Fastify's raw JSON errors.
 */
describe.each(dialects())('console hardening on %s', (dialect) => {
  let f: ConsoleFixture;
  let naver: NaverSandbox;
  let acmeShop: Shop;
  let acme: Browser;
  let other: Browser;
  let operator: Browser;
  let internal: http.Server;
  let internalHits: number;
  let internalUrl: string;
  let port: number; // the console listening, for what only a real socket shows

  beforeAll(async () => {
    naver = await startNaverSandbox();
    internalHits = 0;
    internal = http.createServer((_req, res) => {
      internalHits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}/internal`;
    f = await consoleFixture(dialect);
    acmeShop = await sandboxShop(f.deps, { seller: 'acme', mall: 'naver', shopId: 'acme-store', baseUrl: naver.baseUrl, credentials: naver.credentials });
    port = Number(new URL(await f.server.listen(0, '127.0.0.1')).port);
    [acme, other, operator] = [f.browser(), f.browser(), f.browser()];
    await acme.login(f.users.acme);
    await other.login(f.users.other);
    await operator.login(f.users.operator);
  });
  afterAll(async () => {
    await f.close();
    await naver.close();
    await new Promise((resolve) => internal.close(resolve));
  });

  test('a seller user may not set an API base URL: no field, a posted one is refused (403), nothing stored or called', async () => {
    const form = await acme.get('/shops');
    expect(form.body).not.toContain('name="apiBaseUrl"');
    expect((await operator.get('/shops')).body).toContain('name="apiBaseUrl"');
    const credentialsText = JSON.stringify({ applicationId: 'ssrf-app', applicationSecret: '$2a$10$abcdefghijklmnopqrstuv' });
    const r = await acme.postMultipart('/shops', { seller: 'acme', mall: 'naver', shopId: 'ssrf-shop', apiBaseUrl: internalUrl, credentialsText });
    expect(r.status).toBe(403);
    expect(errorFlash(r)).toContain('API 기본 URL은 운영자만 정할 수 있습니다.');
    expect(r.body).not.toContain('name="apiBaseUrl"');
    expect(await findShopsByMallId(f.t.db.knex, 'ssrf-shop', 'naver')).toHaveLength(0);
    for (const s of await f.t.db.knex('shops').select('id')) expect((await acme.post(`/shops/${(s as { id: number }).id}/test`)).status).not.toBe(500);
    expect(internalHits).toBe(0);
    // An operator keeps it (the sandbox needs it).
    const op = await operator.postMultipart('/shops', { seller: 'other', mall: 'naver', shopId: 'ops-shop', apiBaseUrl: internalUrl, credentialsText });
    expect(op.status).toBe(200);
    expect((await findShopsByMallId(f.t.db.knex, 'ops-shop', 'naver'))[0]?.apiBaseUrl).toBe(internalUrl);
  });

  test("adding a shop another seller has: a seller user is answered neutrally, an operator is told which shop; no CLI command", async () => {
    await other.get('/shops');
    const sameId = await other.postMultipart('/shops', { seller: 'other', mall: 'naver', shopId: 'acme-store', credentialsText: JSON.stringify({ applicationId: 'other-app', applicationSecret: '$2a$10$abcdefghijklmnopqrstuv' }) });
    const sameAccount = await other.postMultipart('/shops', { seller: 'other', mall: 'naver', shopId: 'other-new', credentialsText: JSON.stringify(naver.credentials) });
    for (const r of [sameId, sameAccount]) {
      expect(r.status).toBe(400);
      expect(errorFlash(r)).toBe('이 쇼핑몰 또는 마켓 계정은 이미 등록되어 있습니다. 창고 운영자에게 문의하세요.');
      expect(r.body.replace('value="acme-store"', '')).not.toContain('acme'); // but its own input, kept in the form
      expect(r.body).not.toContain('mallbridge shops');
    }
    await operator.get('/shops?lang=en');
    const op = await operator.postMultipart('/shops', { seller: 'other', mall: 'naver', shopId: 'other-new', credentialsText: JSON.stringify(naver.credentials) });
    expect(op.status).toBe(400);
    expect(errorFlash(op)).toContain(`already registered as shop ${acmeShop.id} (naver:acme-store) of seller acme`);
    expect(op.body).not.toContain('mallbridge shops');
    await operator.get('/shops?lang=ko');
  });

  test('a long Hangul file name is kept to 200 UTF-8 bytes (no 500), and a sheet that fails leaves no folder behind', async () => {
    const before = fs.readdirSync(f.server.ctx.uploadsDir).length;
    await acme.get('/sheets');
    const long = `${'가'.repeat(84)}.csv`; // 256 bytes: one more than a file name may have
    const r = await acme.postMultipart('/sheets/preview', { seller: 'acme', kind: 'skus' }, { sheet: { name: long, data: 'SKU코드,상품명\r\nLONG-1,이름\r\n', type: 'text/csv' } });
    expect(r.status).toBe(200);
    expect(r.body).toContain(`${'가'.repeat(65)}.csv`);
    expect(r.body).not.toContain('가'.repeat(66));
    const upload = /name="upload" value="([0-9a-f]{32})"/.exec(r.body)![1]!;
    expect((await acme.post('/sheets/apply', { upload })).status).toBe(200);
    expect(fs.readdirSync(f.server.ctx.uploadsDir)).toHaveLength(before + 1);
    // Storing the sheet fails (a full disk): the error page, and no folder left behind.
    const write = fs.writeFileSync;
    const spy = jest.spyOn(fs, 'writeFileSync').mockImplementation((file, ...rest) => {
      if (String(file).startsWith(f.server.ctx.uploadsDir)) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      write(file, ...rest);
    });
    try {
      const full = await acme.postMultipart('/sheets/preview', { seller: 'acme', kind: 'skus' }, { sheet: { name: 'full-disk.csv', data: 'SKU코드,상품명\r\nFULL-1,이름\r\n', type: 'text/csv' } });
      expect(full.status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    // A workbook that cannot be read at all leaves nothing half-stored either: every folder is a whole upload.
    await acme.postMultipart('/sheets/preview', { seller: 'acme', kind: 'skus' }, { sheet: { name: `${'가'.repeat(84)}.xlsx`, data: 'not a workbook at all', type: 'application/octet-stream' } });
    const dirs = fs.readdirSync(f.server.ctx.uploadsDir);
    expect(dirs.length).toBeLessThanOrEqual(before + 2);
    for (const d of dirs) expect([d, fs.readdirSync(`${f.server.ctx.uploadsDir}/${d}`).includes('meta.json')]).toEqual([d, true]);
  });

  test('a repeated query parameter is a 400 page on every route that reads one', async () => {
    const cases: Array<[Browser, string]> = [
      [acme, '/orders?q=a&q=b'],
      [operator, '/orders?seller=a&seller=b'],
      [operator, '/orders/unmapped.xlsx?seller=a&seller=b'],
      [acme, '/shops?lang=en&lang=ko'],
    ];
    for (const [b, url] of cases) {
      const r = await b.get(url);
      expect([url, r.status, String(r.headers['content-type'])]).toEqual([url, 400, 'text/html; charset=utf-8']);
      expect(errorFlash(r)).toMatch(/값이 두 번 이상 주어졌습니다/);
    }
    expect((await operator.get('/orders?q=a&seller=acme')).status).toBe(200);
  });

  test("the language link stays on this site whatever the path (`//evil.example/x`, `/\\evil.example`)", async () => {
    const cookie = [...acme.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    for (const target of ['//evil.example/x', '/\\evil.example', '/shops']) {
      const answer = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
      const links = [...answer.matchAll(/href="([^"]*lang=[^"]*)"/g)].map((m) => m[1]);
      expect([target, links]).toEqual([target, ['?lang=en']]);
    }
  });

  test("errors Fastify answers itself (headers too large, a malformed URL) get the console's error page", async () => {
    const big = await rawRequest(port, `GET /shops HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toMatch(/content-type: text\/html; charset=utf-8/i);
    expect(big).toContain('요청 헤더가 너무 큽니다');
    const badUrl = await acme.get('/shops/%E0%A4%A');
    expect([badUrl.status, String(badUrl.headers['content-type'])]).toEqual([400, 'text/html; charset=utf-8']);
    expect(badUrl.body).toContain('class="flash error"');
  });
});
