import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyLogin } from '../pipelines/users.js';
import { CSRF_FIELD, LOGIN_CSRF_COOKIE, endSession, randomToken, sameToken, startSession } from './auth.js';
import type { ConsoleContext } from './context.js';
import { serializeCookie } from './cookies.js';
import { formOf } from './forms.js';
import { html } from './html.js';
import { flash, sendPage } from './layout.js';
import { throttleKey } from './throttle.js';

/** The login form with a fresh double-submit token (cookie + hidden field), and an optional message. */
function loginForm(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, status: number, message?: string, email = ''): FastifyReply {
  const token = randomToken();
  reply.header('set-cookie', serializeCookie(LOGIN_CSRF_COOKIE, token, { httpOnly: true, secure: ctx.options.secureCookies }));
  const t = request.t;
  const body = html`${message ? flash('error', message) : ''}
<form class="box" method="post" action="/login">
<input type="hidden" name="${CSRF_FIELD}" value="${token}">
<label for="email">${t('email')}</label><input type="email" id="email" name="email" value="${email}" autocomplete="username" required>
<label for="password">${t('password')}</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">${t('login')}</button></form>`;
  return sendPage(reply, request, t('login'), body, status);
}

/**
 * `GET/POST /login` and `POST /logout`. A login is refused (429) after {@link THROTTLE_LIMIT}
 * failures of one email from one address within the window, whatever the password; the form
 * carries a double-submit token so another site cannot log a browser in.
 */
export function registerLogin(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/login', async (request, reply) => {
    if (request.viewer) return reply.redirect('/shops', 303);
    return loginForm(ctx, request, reply, 200);
  });

  app.post('/login', async (request, reply) => {
    const { fields } = formOf(request);
    const email = (fields.email ?? '').trim();
    if (!sameToken(fields[CSRF_FIELD], request.cookies[LOGIN_CSRF_COOKIE])) return loginForm(ctx, request, reply, 403, request.t('loginExpired'), email);
    const key = throttleKey(email, request.ip);
    const now = ctx.deps.now();
    const wait = await ctx.throttle.blockedFor(key, now);
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      return loginForm(ctx, request, reply, 429, request.t('loginThrottled', { minutes: Math.ceil(wait / 60) }), email);
    }
    const user = await verifyLogin(ctx.deps, email, fields.password ?? '');
    if (!user) {
      await ctx.throttle.fail(key, now);
      ctx.deps.logger.warn(`console: failed login for ${email.slice(0, 100)} from ${request.ip}`);
      return loginForm(ctx, request, reply, 401, request.t('loginFailed'), email);
    }
    await ctx.throttle.clear(key);
    await startSession(ctx, reply, user.id);
    ctx.deps.logger.info(`console: ${user.email} logged in from ${request.ip}`);
    return reply.redirect('/shops', 303);
  });

  app.post('/logout', async (request, reply) => {
    await endSession(ctx, request, reply);
    return reply.redirect('/login', 303);
  });
}
