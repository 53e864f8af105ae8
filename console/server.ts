import fs from 'node:fs';
import path from 'node:path';
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
import { html } from './html.js';
import { LANG_COOKIE, langOf, parseLang, translator, type Translate } from './i18n.js';
import { flash, sendPage } from './layout.js';
import { registerJobs } from './jobs-page.js';
import { registerLogin } from './login-page.js';
import { registerOrders } from './orders-page.js';
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

const PUBLIC = (url: string) => url === '/login' || url.startsWith('/login?') || url.startsWith('/assets/');

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  request.t ??= translator('ko');
  return sendPage(reply, request, String(status), html`${flash('error', message)}<p><a href="/shops">${request.t('back')}</a></p>`, status);
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

  const app = Fastify({ logger: false, bodyLimit: options.maxUploadBytes, trustProxy: options.trustProxy });
  registerFormParsers(app, options.maxUploadBytes);
  app.decorateRequest('viewer', null);
  // Set by the first hook of every request (reference values cannot be shared decorator defaults).
  app.decorateRequest('cookies', null as unknown as Record<string, string>);
  app.decorateRequest('lang', 'ko');
  app.decorateRequest('t', null as unknown as Translate);

  app.addHook('onRequest', async (request, reply) => {
    request.cookies = parseCookies(request.headers.cookie);
    request.lang = langOf(request, request.cookies);
    request.t = translator(request.lang);
    const chosen = parseLang((request.query as Record<string, unknown> | undefined)?.lang);
    if (chosen) reply.header('set-cookie', serializeCookie(LANG_COOKIE, chosen, { maxAge: 365 * 86400, secure: options.secureCookies }));
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
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
