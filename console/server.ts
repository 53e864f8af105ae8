import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { deleteExpiredSessions } from '../data/stores/sessions.js';
import { JobRunner } from '../jobs/runner.js';
import { InputError, MallbridgeError } from '../lib/errors.js';
import { errorText } from '../lib/error-text.js';
import { redactText } from '../lib/redact.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { CSS, JS } from './assets.js';
import { SESSION_COOKIE, csrfValid, viewerOf } from './auth.js';
import type { ConsoleContext, ConsoleOptions } from './context.js';
import { parseCookies, serializeCookie } from './cookies.js';
import { ForbiddenError, NotFoundError } from './errors.js';
import { BadFormError, registerFormParsers } from './forms.js';
import { html, type Html } from './html.js';
import { LANG_COOKIE, langOf, parseLang, translator, type TextKey, type Translate } from './i18n.js';
import { flash, page, sendPage } from './layout.js';
import { registerJobs } from './jobs-page.js';
import { registerLogin } from './login-page.js';
import { registerOrders } from './orders-page.js';
import { queryParam } from './query.js';
import { registerReports } from './reports-page.js';
import { registerSheets } from './sheets-page.js';
import { registerShops } from './shops-page.js';
import { DbLoginThrottle, RedisLoginThrottle, type LoginThrottle } from './throttle.js';

/** Defaults of {@link ConsoleOptions}. */
export const DEFAULT_CONSOLE_OPTIONS: ConsoleOptions = {
  maxUploadBytes: 20 * 1024 * 1024,
  secureCookies: false,
  trustProxy: false,
  sessionTtlMs: 12 * 3600_000,
  uploadTtlMs: 24 * 3600_000,
};

/** A console server, built but not yet listening (tests use `app.inject`). */
export interface ConsoleServer {
  app: FastifyInstance;
  ctx: ConsoleContext;
  /** Starts listening; returns the base URL (`http://127.0.0.1:3000`). */
  listen(port: number, host: string): Promise<string>;
  /** Waits for work started by requests (jobs run now). */
  idle(): Promise<void>;
  /** Stops listening, ends running jobs (recorded failed, leases released) and the throttle's connection. */
  close(): Promise<void>;
}

// /favicon.ico is public: a browser asks for it on its own, and redirecting it to /login would
// issue a new login token behind the form on screen (the first login would then fail).
const PUBLIC = (url: string) => url === '/login' || url.startsWith('/login?') || url.startsWith('/assets/') || url === '/favicon.ico';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  request.t ??= translator('ko');
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  return sendPage(reply, request, String(status), errorBody(request, message), status);
}

function errorBody(request: Pick<FastifyRequest, 't'>, message: string): Html {
  return html`${flash('error', message)}<p><a href="/shops">${request.t('back')}</a></p>`;
}

/**
 * Answers what Node refuses before Fastify sees a request (headers too large: 431, a timeout:
 * 408, an unparsable request: 400) with the console's error page in Korean, instead of
 * Fastify's raw JSON. There is no request to read a language or a session from.
 */
function clientErrorPage(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, key]: [number, TextKey] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headersTooLarge'] : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'requestTimeout'] : [400, 'requestUnreadable'];
  if (socket.writable) {
    const t = translator('ko');
    const body = Buffer.from(page({ url: '/', lang: 'ko', t, viewer: null }, String(status), errorBody({ t }, t(key))).text);
    const headers = { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length), 'cache-control': 'no-store', connection: 'close', ...SECURITY_HEADERS };
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
    socket.write(body);
  }
  socket.destroy(err);
}

/**
 * Builds the web console (design.md §13) over `deps`: server-rendered pages for shops, sheets,
 * orders, jobs and reports, each a thin layer over the pipelines and stores the command line
 * uses. Every page but /login needs a session (else 303 to /login); every POST carries the
 * session's CSRF token (else 403); a seller user sees only its seller's rows (else 404).
 * Login failures are throttled in the database, or in Redis when REDIS_URL is set.
 */
export async function createConsole(deps: PipelineDeps, overrides: Partial<ConsoleOptions> & { throttle?: LoginThrottle } = {}): Promise<ConsoleServer> {
  const { throttle: givenThrottle, ...rest } = overrides;
  const options: ConsoleOptions = { ...DEFAULT_CONSOLE_OPTIONS, ...rest };
  const throttle = givenThrottle ?? (deps.config.redisUrl ? new RedisLoginThrottle(deps.config.redisUrl) : new DbLoginThrottle(deps.db.knex));
  const uploadsDir = path.join(deps.config.home, 'console', 'uploads');
  fs.mkdirSync(uploadsDir, { recursive: true, mode: 0o700 });
  const ctx: ConsoleContext = { deps, options, throttle, runner: new JobRunner(deps), background: new Set(), uploadsDir };
  const log = deps.logger.child({ module: 'console' });

  const app = Fastify({
    logger: false,
    bodyLimit: options.maxUploadBytes,
    trustProxy: options.trustProxy,
    clientErrorHandler: clientErrorPage,
    // A malformed URL (`/%E0%A4`) and the like, found before any hook runs.
    frameworkErrors: (err, request, reply) => {
      request.t = translator('ko');
      return errorPage(request, reply, 400, request.t('badRequest', { message: redactText(errorText(err)) }));
    },
  });
  registerFormParsers(app, options.maxUploadBytes);
  app.decorateRequest('viewer', null);
  // Set by the first hook of every request (reference values cannot be shared decorator defaults).
  app.decorateRequest('cookies', null as unknown as Record<string, string>);
  app.decorateRequest('lang', 'ko');
  app.decorateRequest('t', null as unknown as Translate);

  app.addHook('onRequest', async (request, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    request.cookies = parseCookies(request.headers.cookie);
    request.t = translator(langOf(undefined, request.cookies)); // for the 400 of a repeated ?lang=
    const chosen = parseLang(queryParam(request, 'lang'));
    request.lang = langOf(chosen, request.cookies);
    request.t = translator(request.lang);
    if (chosen) reply.header('set-cookie', serializeCookie(LANG_COOKIE, chosen, { maxAge: 365 * 86400, secure: options.secureCookies }));
    if (PUBLIC(request.url)) {
      request.viewer = request.url.startsWith('/login') ? await viewerOf(ctx, request.cookies[SESSION_COOKIE]) : null;
      return;
    }
    request.viewer = await viewerOf(ctx, request.cookies[SESSION_COOKIE]);
    if (!request.viewer) return reply.redirect('/login', 303);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || PUBLIC(request.url)) return;
    if (!csrfValid(request)) {
      log.warn(`refused a POST to ${request.url.split('?')[0]} without a valid CSRF token (user ${request.viewer?.email ?? '-'})`);
      return errorPage(request, reply, 403, request.t('csrfRefused'));
    }
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    request.t ??= translator('ko'); // an error before the first hook set it
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorPage(request, reply, 413, request.t('tooLarge', { mb: Math.round(options.maxUploadBytes / 1024 / 1024) }));
    if (err instanceof NotFoundError) return errorPage(request, reply, 404, request.t('notFound'));
    if (err instanceof ForbiddenError) return errorPage(request, reply, 403, request.t('forbidden'));
    if (err instanceof BadFormError || err instanceof InputError || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
      return errorPage(request, reply, err.statusCode && err.statusCode !== 500 ? err.statusCode : 400, request.t('badRequest', { message: redactText(errorText(err)) }));
    }
    if (err instanceof MallbridgeError && err.exitCode === 2) return errorPage(request, reply, 400, request.t('badRequest', { message: redactText(errorText(err)) }));
    log.error(`${request.method} ${request.url.split('?')[0]}: ${redactText(errorText(err))}`, { error: err });
    return errorPage(request, reply, 500, request.t('serverError'));
  });

  app.setNotFoundHandler((request, reply) => errorPage(request, reply, 404, request.t('notFound')));

  app.get('/favicon.ico', (_req, reply) => reply.header('cache-control', 'max-age=86400').code(204).send());
  app.get('/assets/console.css', (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(CSS));
  app.get('/assets/console.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'max-age=3600').send(JS));
  app.get('/', (_req, reply) => reply.redirect('/shops', 303));
  registerLogin(app, ctx);
  registerShops(app, ctx);
  registerSheets(app, ctx);
  registerOrders(app, ctx);
  registerJobs(app, ctx);
  registerReports(app, ctx);

  await deleteExpiredSessions(deps.db.knex, deps.now());
  await app.ready();

  const idle = async () => {
    while (ctx.background.size > 0) await Promise.allSettled([...ctx.background]);
  };
  return {
    app,
    ctx,
    async listen(port, host) {
      const address = await app.listen({ port, host });
      return address;
    },
    idle,
    async close() {
      await app.close();
      if (ctx.runner.busy().length > 0) await ctx.runner.abandonAll('the console stopped');
      await idle();
      await throttle.close();
    },
  };
}
