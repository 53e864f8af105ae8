import { checkRedis } from '../../lib/redis-check.js';
import { createConsole } from '../../console/server.js';
import { RedisLoginThrottle, THROTTLE_LIMIT, throttleKey } from '../../console/throttle.js';
import { dialects } from '../helpers/databases.js';
import { consoleFixture, Browser, PASSWORD, type ConsoleFixture } from '../helpers/console.js';

/** Console sessions, CSRF, login throttling and upload limits (design.md §13, issue 20). */
describe.each(dialects())('console security on %s', (dialect) => {
  let f: ConsoleFixture;
  beforeAll(async () => {
    f = await consoleFixture(dialect, { maxUploadBytes: 64 * 1024 });
  });
  afterAll(async () => f.close());

  test('every page but /login redirects (303) to /login without a session, GET and POST alike', async () => {
    const b = f.browser();
    for (const url of ['/', '/shops', '/shops/1', '/sheets', '/sheets/template', '/orders', '/orders/unmapped.xlsx', '/jobs', '/reports', '/reports/2026-01-01/reconcile.xlsx', '/no-such-page']) {
      const r = await b.get(url);
      expect([url, r.status, r.headers.location]).toEqual([url, 303, '/login']);
    }
    for (const url of ['/shops', '/sheets/preview', '/jobs/run', '/logout']) {
      const r = await b.post(url, { _csrf: 'x' });
      expect([url, r.status, r.headers.location]).toEqual([url, 303, '/login']);
    }
    const login = await b.get('/login');
    expect(login.status).toBe(200);
    expect(login.body).toContain('name="password"');
  });

  test('log in: the session cookie is HttpOnly and SameSite=Lax, the session is a row; log out ends it', async () => {
    const b = f.browser();
    const r = await b.login(f.users.acme);
    expect([r.status, r.headers.location]).toEqual([303, '/shops']);
    const cookie = ([] as string[]).concat(r.headers['set-cookie'] as string[]).find((c) => c.startsWith('mb_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const token = b.cookies.get('mb_session')!;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const rows = (await f.t.db.knex('sessions')) as Array<{ id: string }>;
    expect(rows.some((s) => s.id === token)).toBe(false); // only its hash is stored
    expect((await b.get('/shops')).status).toBe(200);
    const out = await b.post('/logout');
    expect([out.status, out.headers.location]).toEqual([303, '/login']);
    b.cookies.set('mb_session', token); // the old cookie no longer opens anything
    expect((await b.get('/shops')).status).toBe(303);
  });

  test('a wrong password is refused with one sentence that does not say which part was wrong', async () => {
    const b = f.browser();
    const wrong = await b.login(f.users.acme, 'not the password');
    const unknown = await b.login('nobody@example.com', PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toContain('이메일 또는 비밀번호가 올바르지 않습니다.');
    expect(unknown.body).toContain('이메일 또는 비밀번호가 올바르지 않습니다.');
    expect(b.cookies.has('mb_session')).toBe(false);
  });

  test('a POST without the CSRF token, or with a wrong one, is refused (403) and changes nothing', async () => {
    const b = f.browser();
    await b.login(f.users.operator);
    const before = await f.t.db.knex('job_runs').count({ n: '*' }).first();
    const none = await b.post('/jobs/run', { _csrf: null, job: 'reconcile', shop: '' });
    const wrong = await b.post('/jobs/run', { _csrf: 'f'.repeat(64), job: 'reconcile', shop: '' });
    expect([none.status, wrong.status]).toEqual([403, 403]);
    expect(none.body).toContain('양식이 만료되었거나');
    const multipart = await b.postMultipart('/sheets/preview', { _csrf: null, seller: 'acme', kind: 'skus' }, { sheet: { name: 'a.csv', data: 'sku_code,sku_name\nA-1,x\n' } });
    expect(multipart.status).toBe(403);
    await f.server.idle();
    expect(await f.t.db.knex('job_runs').count({ n: '*' }).first()).toEqual(before);
    expect(await f.t.db.knex('skus')).toHaveLength(0);
    // Logout is a POST too: a link from another site cannot end the session.
    expect((await b.post('/logout', { _csrf: null })).status).toBe(403);
    expect((await b.get('/shops')).status).toBe(200);
  });

  test('the login form carries its own token: a login posted from elsewhere (no token) is refused', async () => {
    const b = f.browser();
    const r = await b.post('/login', { _csrf: null, email: f.users.acme, password: PASSWORD });
    expect(r.status).toBe(403);
    expect(b.cookies.has('mb_session')).toBe(false);
  });

  test(`login attempts are throttled per email and address: after ${THROTTLE_LIMIT} failures even the right password waits, in every console process on the database`, async () => {
    const b = f.browser();
    for (let i = 0; i < THROTTLE_LIMIT; i++) expect((await b.login(f.users.other, `wrong ${i}`)).status).toBe(401);
    const blocked = await b.login(f.users.other, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(800);
    expect(blocked.body).toContain('로그인 실패가 너무 많습니다');
    expect(b.cookies.has('mb_session')).toBe(false);
    // A second console on the same database agrees.
    const second = await createConsole(f.deps);
    try {
      expect((await new Browser(second).login(f.users.other, PASSWORD)).status).toBe(429);
    } finally {
      await second.close();
    }
    // Another email from the same address is not affected.
    expect((await f.browser().login(f.users.operator)).status).toBe(303);
    // Once the window has passed, the right password works and clears the count.
    const later = new Date(Date.now() + 16 * 60_000);
    const saved = f.deps.now;
    f.deps.now = () => later;
    try {
      expect((await f.browser().login(f.users.other)).status).toBe(303);
      expect(await f.t.db.knex('login_attempts').where('throttle_key', throttleKey(f.users.other, '127.0.0.1'))).toHaveLength(0);
    } finally {
      f.deps.now = saved;
    }
  });

  test('an upload over the limit is refused with 413 and a sentence; nothing is kept', async () => {
    const b = f.browser();
    await b.login(f.users.acme);
    await b.get('/sheets');
    const big = await b.postMultipart('/sheets/preview', { seller: 'acme', kind: 'skus' }, { sheet: { name: 'big.csv', data: `sku_code,sku_name\n${'A-1,x\n'.repeat(20_000)}` } });
    expect(big.status).toBe(413);
    expect(big.body).toContain('업로드한 파일이 0 MB보다 큽니다'.replace('0 MB', `${Math.round(64 / 1024)} MB`));
    expect(await f.t.db.knex('upload_batches')).toHaveLength(0);
  });

  test('language: Korean by default, English with ?lang=en (kept in a cookie)', async () => {
    const b = f.browser();
    await b.login(f.users.acme);
    expect((await b.get('/shops')).body).toContain('<h1>쇼핑몰</h1>');
    expect((await b.get('/shops?lang=en')).body).toContain('<h1>Shops</h1>');
    expect((await b.get('/orders')).body).toContain('<h1>Orders</h1>');
    expect((await b.get('/orders?lang=ko')).body).toContain('<h1>주문</h1>');
  });
});

// The machine's Redis (.ci/run starts it) unless REDIS_URL names another; said loudly when absent.
const redisUrl = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
const redisUp = await checkRedis(redisUrl, 1000).then(
  () => true,
  () => false,
);
if (!redisUp) process.stderr.write(`\n*** console Redis throttle test SKIPPED: no Redis at ${redisUrl}; .ci/run starts one ***\n\n`);
(redisUp ? test : test.skip)('with REDIS_URL the throttle counts in Redis (shared by every console)', async () => {
  const key = `test-${Date.now()}-${Math.random()}`;
  const a = new RedisLoginThrottle(redisUrl!, 2, 60_000);
  const b = new RedisLoginThrottle(redisUrl!, 2, 60_000);
  try {
    const now = new Date();
    expect(await a.blockedFor(key, now)).toBe(0);
    await a.fail(key, now);
    await b.fail(key, now);
    expect(await b.blockedFor(key, now)).toBeGreaterThan(50);
    await a.clear(key);
    expect(await b.blockedFor(key, now)).toBe(0);
  } finally {
    await a.close();
    await b.close();
  }
});
