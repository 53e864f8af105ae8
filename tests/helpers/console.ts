import { createConsole, type ConsoleServer } from '../../console/server.js';
import type { ConsoleOptions } from '../../console/context.js';
import type { LoginThrottle } from '../../console/throttle.js';
import type { Dialect } from '../../data/db.js';
import { insertSeller } from '../../data/stores/sellers.js';
import type { PipelineDeps } from '../../pipelines/deps.js';
import { addUser } from '../../pipelines/users.js';
import type { TestDb } from './databases.js';
import { pipelineFixture } from './pipeline.js';

/** The passwords of the fixture's users. */
export const PASSWORD = 'correct horse battery';

/** One HTTP answer as a test reads it. */
export interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | number | undefined>;
  raw: Buffer;
}

/** A file to upload in a multipart form. */
export interface FileField {
  name: string;
  data: Buffer | string;
  type?: string;
}

/**
 * A browser against a console through `app.inject` (real routing, hooks, parsers): keeps the
 * cookies it is given and reads the CSRF token of the last page.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly server: ConsoleServer) {}

  private keep(headers: Answer['headers']): void {
    const set = headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [String(set)] : []) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = decodeURIComponent(pair!.slice(i + 1));
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  private async send(method: 'GET' | 'POST', url: string, payload?: Buffer | string, contentType?: string): Promise<Answer> {
    const res = await this.server.app.inject({ method, url, ...(payload !== undefined ? { payload } : {}), headers: { cookie: this.cookieHeader(), ...(contentType ? { 'content-type': contentType } : {}) } });
    this.keep(res.headers);
    const body = res.body;
    const token = /name="_csrf" value="([0-9a-f]+)"/.exec(body);
    if (token) this.csrf = token[1]!;
    return { status: res.statusCode, body, headers: res.headers, raw: res.rawPayload };
  }

  get(url: string): Promise<Answer> {
    return this.send('GET', url);
  }

  /** Posts a urlencoded form; the page's CSRF token is added unless `_csrf` is given (null: left out). */
  post(url: string, fields: Record<string, string | null> = {}): Promise<Answer> {
    const form = new URLSearchParams();
    if (!('_csrf' in fields)) form.set('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) if (v !== null) form.set(k, v);
    return this.send('POST', url, form.toString(), 'application/x-www-form-urlencoded');
  }

  /** Posts a multipart form with files, as a browser's file upload does (CSRF token added as in {@link post}). */
  async postMultipart(url: string, fields: Record<string, string | null>, files: Record<string, FileField> = {}): Promise<Answer> {
    const form = new FormData();
    if (!('_csrf' in fields)) form.set('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) if (v !== null) form.set(k, v);
    for (const [k, f] of Object.entries(files)) form.set(k, new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
    const req = new Request('http://console.test/', { method: 'POST', body: form });
    return this.send('POST', url, Buffer.from(await req.arrayBuffer()), req.headers.get('content-type')!);
  }

  /** Logs in (GET /login for its token, then POST); returns the POST's answer. */
  async login(email: string, password = PASSWORD): Promise<Answer> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}

/** A console on a fresh database with sellers `acme` and `other`, an operator and one seller user each. */
export interface ConsoleFixture {
  t: TestDb;
  deps: PipelineDeps;
  server: ConsoleServer;
  browser(): Browser;
  users: { operator: string; acme: string; other: string };
  close(): Promise<void>;
}

/** Builds a {@link ConsoleFixture}; `options` override the console's settings. */
export async function consoleFixture(dialect: Dialect, options: Partial<ConsoleOptions> & { throttle?: LoginThrottle } = {}): Promise<ConsoleFixture> {
  const { t, deps } = await pipelineFixture(dialect);
  await insertSeller(t.db.knex, 'acme', 'Acme');
  await insertSeller(t.db.knex, 'other', 'Other');
  const users = { operator: 'ops@example.com', acme: 'acme@example.com', other: 'other@example.com' };
  await Promise.all([
    addUser(deps, { email: users.operator, role: 'operator', password: PASSWORD }),
    addUser(deps, { email: users.acme, role: 'seller', seller: 'acme', password: PASSWORD }),
    addUser(deps, { email: users.other, role: 'seller', seller: 'other', password: PASSWORD }),
  ]);
  const server = await createConsole(deps, options);
  return {
    t,
    deps,
    server,
    browser: () => new Browser(server),
    users,
    async close() {
      await server.close();
      await t.drop();
    },
  };
}
