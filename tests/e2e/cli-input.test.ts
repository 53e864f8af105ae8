import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { runCli, type CliResult } from '../helpers/cli.js';

/**
 * Bad input at the command line gets a clear message, exit 2, and changes nothing (design.md §8).
 * Runs the built CLI on an embedded database of its own.
 */
describe('bad input at the command line', () => {
  let home: string;
  let env: Record<string, string>;
  const file = (name: string, text: string) => {
    const p = path.join(home, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const run = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });
  /** Every row of the tables these commands could touch, read straight from the database file. */
  const state = async () => {
    const k = knex({ client: 'better-sqlite3', connection: { filename: path.join(home, 'mallbridge.sqlite') }, useNullAsDefault: true });
    try {
      return JSON.stringify([await k('sellers').orderBy('id'), await k('shops').orderBy('id'), await k('sync_cursors'), await k('job_runs')]);
    } finally {
      await k.destroy();
    }
  };

  const naverCreds = () => file('naver.json', JSON.stringify({ applicationId: 'mallbridge-test-app', applicationSecret: '$2a$04$abcdefghijklmnopqrstuu' }));
  const rakutenCreds = () => file('rakuten.json', JSON.stringify({ serviceSecret: 'SP387654_abc', licenseKey: 'SL387654_def', licenseExpiresAt: '2027-02-01' }));

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-cli-'));
    env = { MALLBRIDGE_HOME: home, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    expect((await run(['db', 'migrate'])).code).toBe(0);
    expect((await run(['sellers', 'add', 'acme'])).code).toBe(0);
    expect((await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'acme-store', '--credentials-file', naverCreds()])).code).toBe(0);
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  const expectRefused = (r: CliResult, message: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  };

  test.each([
    ['an unknown mall', ['--mall', 'coupang', '--shop-id', 'x'], /--mall must be naver or rakuten/],
    ['an unknown seller', ['--seller', 'nobody', '--mall', 'naver', '--shop-id', 'x'], /seller nobody does not exist/],
    ['a duplicate shop', ['--mall', 'naver', '--shop-id', 'acme-store'], /naver shop acme-store is already registered/],
    ['a missing credentials file', ['--mall', 'naver', '--shop-id', 'x', '--credentials-file', '/nonexistent/creds.json'], /cannot read the credentials file .*no such file/],
    ['a credentials file that is not JSON', ['--mall', 'naver', '--shop-id', 'x', '--credentials-file', 'NOTJSON'], /is not valid JSON/],
    ['Naver credentials missing the secret', ['--mall', 'naver', '--shop-id', 'x', '--credentials-file', 'NOSECRET'], /applicationSecret is required/],
    ['a truncated Naver secret', ['--mall', 'naver', '--shop-id', 'x', '--credentials-file', 'TRUNCATED'], /applicationSecret must look like \$2a\$04\$/],
    ['Rakuten credentials given for Naver keys', ['--mall', 'rakuten', '--shop-id', 'x', '--shop-url', 'https://www.rakuten.ne.jp/x', '--credentials-file', 'NAVER'], /serviceSecret is required/],
    ['a Rakuten shop without its shop URL', ['--mall', 'rakuten', '--shop-id', 'x', '--credentials-file', 'RAKUTEN'], /--shop-url is required for a Rakuten shop/],
    ['a Rakuten shop URL for another shop', ['--mall', 'rakuten', '--shop-id', 'x', '--shop-url', 'https://www.rakuten.ne.jp/y', '--credentials-file', 'RAKUTEN'], /names the shop "y" but --shop-id is "x"/],
    ['a malformed Rakuten shop URL', ['--mall', 'rakuten', '--shop-id', 'x', '--shop-url', 'www.rakuten.ne.jp/x', '--credentials-file', 'RAKUTEN'], /is not a Rakuten shop link/],
    ['a malformed API base URL', ['--mall', 'naver', '--shop-id', 'x', '--api-base-url', 'ftp://127.0.0.1', '--credentials-file', 'NAVER'], /--api-base-url must be an http\(s\) URL/],
    ['a bad rate limit', ['--mall', 'naver', '--shop-id', 'x', '--rate-limit', '0', '--credentials-file', 'NAVER'], /--rate-limit must be a number/],
  ])('shops add with %s exits 2 and stores nothing', async (_name, args, message) => {
    const files: Record<string, () => string> = {
      NOTJSON: () => file('bad.json', '{applicationId: x'),
      NOSECRET: () => file('nosecret.json', JSON.stringify({ applicationId: 'x' })),
      TRUNCATED: () => file('trunc.json', JSON.stringify({ applicationId: 'x', applicationSecret: '$2a' })),
      NAVER: naverCreds,
      RAKUTEN: rakutenCreds,
    };
    const resolved = args.map((a) => (files[a] ? files[a]() : a));
    const full = ['shops', 'add', ...(resolved.includes('--seller') ? [] : ['--seller', 'acme']), ...(resolved.includes('--credentials-file') ? [] : ['--credentials-file', naverCreds()]), ...resolved];
    const before = await state();
    expectRefused(await run(full), message);
    expect(await state()).toBe(before);
  });

  test('one marketplace account cannot become two shops (its orders would be loaded twice)', async () => {
    const before = await state();
    expectRefused(await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'acme-typo', '--credentials-file', naverCreds()]), /already registered for shop \d+ \(naver:acme-store\) of seller acme/);
    expect(await state()).toBe(before);
  });

  test('more shop input refused with exit 2: an impossible licence date, a URL with a password, an unknown seller filter, a long seller name', async () => {
    const badDate = file('bad-date.json', JSON.stringify({ serviceSecret: 'SP387654_x', licenseKey: 'SL387654_y', licenseExpiresAt: '2027-02-30' }));
    expectRefused(await run(['shops', 'add', '--seller', 'acme', '--mall', 'rakuten', '--shop-id', 'r9', '--shop-url', 'https://www.rakuten.ne.jp/r9', '--credentials-file', badDate]), /licenseExpiresAt 2027-02-30 is not a calendar date/);
    expectRefused(await run(['shops', 'add', '--seller', 'acme', '--mall', 'naver', '--shop-id', 'x2', '--api-base-url', 'https://u:pw@127.0.0.1/external', '--credentials-file', naverCreds()]), /must not carry a user name or password/);
    expectRefused(await run(['shops', 'list', '--seller', 'nobody']), /seller nobody does not exist/);
    expectRefused(await run(['sellers', 'add', 'long', '--name', '가'.repeat(201)]), /at most 200/);
  });

  test('an unreachable REDIS_URL stops the command with exit 2 instead of hanging', async () => {
    expectRefused(await run(['run', 'orders:pull'], { REDIS_URL: 'redis://127.0.0.1:1' }), /REDIS_URL redis:\/\/127.0.0.1:1\/? does not answer/);
  });

  test('sheets: a missing file, a folder, --errors-out onto the sheet itself, and a name sheet given to skus import are refused with exit 2', async () => {
    expectRefused(await run(['skus', 'import', path.join(home, 'nope.xlsx'), '--seller', 'acme']), /no such file/);
    expectRefused(await run(['skus', 'import', home, '--seller', 'acme']), /is a folder, not a sheet file/);
    const sheet = file('s.csv', 'SKU코드,상품명\nA-1,\n');
    expectRefused(await run(['skus', 'import', sheet, '--seller', 'acme', '--errors-out', sheet]), /--errors-out names the sheet being imported/);
    expect(fs.readFileSync(sheet, 'utf8')).toBe('SKU코드,상품명\nA-1,\n');
    const names = file('names.csv', '쇼핑몰,상품명,옵션값,SKU코드\nrakuten,タオル,,A-1\n');
    expectRefused(await run(['skus', 'import', names, '--seller', 'acme']), /looks like a name \+ option sheet/);
    const json = await run(['skus', 'import', sheet, '--seller', 'acme', '--json']);
    expect(json.code).toBe(2);
    expect((json.json as { issues: Array<{ row: number; reason: string }> }).issues).toEqual([expect.objectContaining({ row: 2, reason: 'required' })]);
  });

  test('a lost key file is never silently replaced while shops hold credentials made with it', async () => {
    const keyHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-cli-key-'));
    const local = { MALLBRIDGE_HOME: keyHome, MALLBRIDGE_SECRET_KEY: '' };
    expect((await run(['db', 'migrate'], local)).code).toBe(0);
    expect((await run(['sellers', 'add', 'k'], local)).code).toBe(0);
    const first = await run(['shops', 'add', '--seller', 'k', '--mall', 'naver', '--shop-id', 'k1', '--credentials-file', naverCreds()], local);
    expect(first.stderr).toContain('Created a new credentials key');
    fs.rmSync(path.join(keyHome, 'secret.key'));
    const listed = await run(['shops', 'list'], local);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('no credentials key');
    expect(fs.existsSync(path.join(keyHome, 'secret.key'))).toBe(false);
    expectRefused(await run(['shops', 'add', '--seller', 'k', '--mall', 'rakuten', '--shop-id', 'k2', '--shop-url', 'https://www.rakuten.ne.jp/k2', '--credentials-file', rakutenCreds()], local), /secret.key is missing but 1 shops hold credentials/);
    expect(fs.existsSync(path.join(keyHome, 'secret.key'))).toBe(false);
  });

  test('usage errors exit 2: unknown command, unknown option, missing required option', async () => {
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['sellers', 'list', '--bogus'])).code).toBe(2);
    expectRefused(await run(['shops', 'add', '--seller', 'acme']), /required option/);
    expect((await run(['--help'])).code).toBe(0);
  });

  test('a malformed environment variable stops every command with exit 2, naming it', async () => {
    expectRefused(await run(['sellers', 'list'], { LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    expectRefused(await run(['sellers', 'list'], { MALLBRIDGE_SECRET_KEY: 'too-short' }), /MALLBRIDGE_SECRET_KEY must be 32 random bytes/);
    expectRefused(await run(['db', 'migrate'], { DATABASE_URL: 'postgres://h/db' }), /DATABASE_URL must be a URL like mysql:\/\//);
  });

  test('a database that cannot be reached or a MALLBRIDGE_HOME that cannot be written is exit 2 with one sentence, no stack trace', async () => {
    const refused = await run(['db', 'migrate'], { DATABASE_URL: 'mysql://root@127.0.0.1:1/x' });
    expectRefused(refused, /cannot open the database mysql:\/\/root@127.0.0.1:1\/x: .*ECONNREFUSED.*; check DATABASE_URL/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const notADir = file('plain-file', 'x');
    expectRefused(await run(['sellers', 'list'], { MALLBRIDGE_HOME: notADir }), /MALLBRIDGE_HOME .*cannot write the logs/);
  });

  test('a wrong credentials key is named, and shops list masks instead of failing', async () => {
    const other = { MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    expectRefused(await run(['run', 'orders:pull', '--shop', 'acme-store'], other), /cannot be decrypted: MALLBRIDGE_SECRET_KEY/);
    const list = await run(['shops', 'list', '--json'], other);
    expect(list.code).toBe(0);
    expect(JSON.stringify(list.json)).toContain('cannot be decrypted with this key');
  });

  test('run: an unknown job, shop or --since exits 2', async () => {
    expectRefused(await run(['run', 'orders:push']), /unknown job orders:push/);
    expectRefused(await run(['run', 'orders:pull', '--shop', 'nope']), /no shop nope/);
    expectRefused(await run(['run', 'orders:pull', '--since', 'last tuesday']), /--since must be a real time in ISO 8601/);
  });

  test('shops list masks credentials; the stored bytes and the output never show them', async () => {
    const list = await run(['shops', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('mall…pp (19 chars)');
    expect(list.stdout).not.toContain('mallbridge-test-app');
    expect(list.stdout).not.toContain('abcdefghijklmnopqrstuu');
    const db = fs.readFileSync(path.join(home, 'mallbridge.sqlite')).toString('latin1');
    expect(db.includes('abcdefghijklmnopqrstuu') || db.includes('mallbridge-test-app')).toBe(false);
  });

  test('an unmigrated database is named with the command that fixes it', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-cli-fresh-'));
    expectRefused(await run(['sellers', 'list'], { MALLBRIDGE_HOME: fresh }), /run `mallbridge db migrate` first/);
  });

  test('sheet imports: --help says what a dry run of each kind shows', async () => {
    const help = async (args: string[]) => (await run([...args, 'import', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(await help(['skus'])).toContain('which waiting orders would be released');
    expect(await help(['mappings'])).toContain('which waiting orders would be released');
    const stock = await help(['stock']);
    expect(stock).not.toContain('waiting orders');
    expect(stock).toContain('how many on_hand counts would change without applying');
    const shipments = await help(['shipments']);
    expect(shipments).not.toContain('waiting orders');
    expect(shipments).toContain('how many parcels would be marked shipped');
  });

  test('sheet imports: an empty --seller is named as empty; one error is "1 error"; past 200 errors the file that holds them all is named', async () => {
    const sheet = file('msgs.csv', 'SKU코드,상품명\r\nOK-1,양말\r\n');
    expectRefused(await run(['skus', 'import', sheet, '--seller', '']), /--seller: the seller code is empty/);

    const one = file('one-error.csv', 'SKU코드,상품명,수량\r\nOK-1,양말,0\r\n');
    const wrote = await run(['skus', 'import', one, '--seller', 'acme', '--errors-out', path.join(home, 'one-errors.xlsx')]);
    expect(wrote.code).toBe(2);
    expect(wrote.stderr).toContain(`Wrote 1 error to ${path.join(home, 'one-errors.xlsx')}`);

    const many = file('many-errors.csv', ['SKU코드,상품명', ...Array.from({ length: 205 }, (_, i) => `BAD ${i},x`)].join('\r\n'));
    const plain = await run(['skus', 'import', many, '--seller', 'acme']);
    expect(plain.stderr).toContain('… and 5 more (write them all with --errors-out F)');
    const out = path.join(home, 'many-errors-list.csv');
    const listed = await run(['skus', 'import', many, '--seller', 'acme', '--errors-out', out]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain(`Wrote 205 errors to ${out}`);
    expect(listed.stderr).toContain(`… and 5 more (all 205 are in ${out})`);
    expect(listed.stderr).not.toContain('write them all with --errors-out');
  });

  test('an xlsx import names the sheet it read and warns about other sheets with data (human and --json)', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('식품').addRows([['SKU코드', '상품명'], ['MS-1', '과자']]);
    wb.addWorksheet('의류').addRows([['SKU코드', '상품명'], ['MS-2', '셔츠'], ['MS-3', '바지']]);
    const xlsx = path.join(home, 'two-sheets.xlsx');
    await wb.xlsx.writeFile(xlsx);
    const human = await run(['skus', 'import', xlsx, '--seller', 'acme', '--dry-run']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Dry run (nothing applied): two-sheets.xlsx (sheet "식품"), 1 row.');
    expect(human.stdout).toContain('Warning: only the first sheet is read: 의류 (2 rows) was not imported');
    const json = await run(['skus', 'import', xlsx, '--seller', 'acme', '--dry-run', '--json']);
    expect(json.json).toMatchObject({ sheet: '식품', warnings: ['only the first sheet is read: 의류 (2 rows) was not imported'] });
  });
});
