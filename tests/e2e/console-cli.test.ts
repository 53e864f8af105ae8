import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import { BIN, REPO, runCli } from '../helpers/cli.js';
import { dialects, freshDatabase, type TestDb } from '../helpers/databases.js';

/**
 * `mallbridge users add` and `mallbridge console` as an operator runs them: the built CLI as a
 * subprocess on a database of its own; the password comes from stdin, never argv; the console
 * listens, answers /login, lets the new user in, and stops on SIGTERM with exit 0.
 */
describe.each(dialects())('console command line on %s', (dialect) => {
  let t: TestDb;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    t = await freshDatabase(dialect);
    env = { MALLBRIDGE_HOME: t.home, DATABASE_URL: t.databaseUrl, MALLBRIDGE_SECRET_KEY: crypto.randomBytes(32).toString('base64') };
    expect((await runCli(['sellers', 'add', 'acme'], env)).code).toBe(0);
  });
  afterAll(async () => t.drop());

  test('users add reads the password from stdin and stores only a bcrypt hash; bad input is exit 2 with a sentence', async () => {
    const ok = await runCli(['users', 'add', '--email', 'Seller@Example.com', '--role', 'seller', '--seller', 'acme', '--json'], env, { input: 'a long enough password\n' });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.json).toMatchObject({ email: 'seller@example.com', role: 'seller', seller: 'acme' });
    const row = (await t.db.knex('users').where('email', 'seller@example.com').first()) as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$2b\$12\$/);
    expect(row.password_hash).not.toContain('a long enough password');

    const cases: Array<[string[], string, RegExp]> = [
      [['--email', 'op@example.com', '--role', 'operator'], '', /no password on stdin/],
      [['--email', 'op@example.com', '--role', 'operator'], 'short\n', /at least 10 characters/],
      [['--email', 'seller@example.com', '--role', 'seller', '--seller', 'acme'], 'another long password\n', /already exists/],
      [['--email', 'x@example.com', '--role', 'seller'], 'another long password\n', /--seller is required/],
      [['--email', 'x@example.com', '--role', 'seller', '--seller', 'nobody'], 'another long password\n', /seller nobody does not exist/],
      [['--email', 'x@example.com', '--role', 'admin'], 'another long password\n', /--role must be seller or operator/],
      [['--email', 'not-an-email', '--role', 'operator'], 'another long password\n', /is not an email address/],
    ];
    for (const [args, input, message] of cases) {
      const r = await runCli(['users', 'add', ...args], env, { input });
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toMatch(message);
    }
    expect(await t.db.knex('users')).toHaveLength(1);
  });

  test('console listens, redirects to /login, lets the user in, and stops on SIGTERM with exit 0', async () => {
    const child: ChildProcess = spawn(process.execPath, [BIN, 'console', '--port', '0'], { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !/listening on http/.test(stdout); i++) await new Promise((r) => setTimeout(r, 50));
      const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      expect([base, stderr]).toEqual([expect.stringMatching(/^http:/), '']);
      const redirect = await fetch(`${base}/shops`, { redirect: 'manual' });
      expect([redirect.status, redirect.headers.get('location')]).toEqual([303, '/login']);
      const login = await fetch(`${base}/login`);
      expect(login.status).toBe(200);
      const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const token = /name="_csrf" value="([0-9a-f]+)"/.exec(await login.text())![1]!;
      const signedIn = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email: 'seller@example.com', password: 'a long enough password' }) });
      expect([signedIn.status, signedIn.headers.get('location')]).toEqual([303, '/shops']);
      const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('mb_session='))!.split(';')[0]!;
      const shops = await fetch(`${base}/shops`, { headers: { cookie: session } });
      expect(shops.status).toBe(200);
      expect(await shops.text()).toContain('seller@example.com');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping');
  });

  test('a port in use is exit 2 with a sentence', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = await runCli(['console', '--port', String(port)], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });
});
