import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_FIELD } from './auth.js';
import { html, type Html } from './html.js';
import type { TextKey } from './i18n.js';

const NAV: Array<[string, TextKey]> = [
  ['/shops', 'navShops'],
  ['/sheets', 'navSheets'],
  ['/orders', 'navOrders'],
  ['/jobs', 'navJobs'],
  ['/reports', 'navReports'],
];

/** The hidden CSRF field every form of a signed-in page carries. */
export function csrfField(request: Pick<FastifyRequest, 'viewer'>): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${request.viewer?.csrfToken ?? ''}">`;
}

/** A message box: `ok`, `error` or `info`. */
export function flash(kind: 'ok' | 'error' | 'info', text: string | Html): Html {
  return html`<div class="flash ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}

/** The whole document: header with navigation, language switch and logout, then `body`. */
export function page(request: Pick<FastifyRequest, 'url' | 'lang' | 't' | 'viewer'>, title: string, body: Html): Html {
  const t = request.t;
  const path = request.url.split('?')[0] ?? '/';
  const other = request.lang === 'ko' ? 'en' : 'ko';
  // Query-only: the link stays on this page of this site whatever the request path was (`//evil.example/x`, `/\\evil.example`).
  const switchLang = `?lang=${other}`;
  const v = request.viewer;
  const header = v
    ? html`<header><strong>${t('appName')}</strong>${NAV.map(([href, key]) => html`<a href="${href}" class="${path.startsWith(href) ? 'active' : ''}">${t(key)}</a>`)}
<span class="who">${t('signedInAs', { email: v.email, role: v.role === 'operator' ? t('roleOperator') : t('roleSeller', { seller: v.sellerCode ?? '' }) })}</span>
<a href="${switchLang}">${t('language')}</a>
<form method="post" action="/logout">${csrfField(request)}<button type="submit">${t('logout')}</button></form></header>`
    : html`<header><strong>${t('appName')}</strong><a class="who" href="${switchLang}">${t('language')}</a></header>`;
  return html`<!doctype html>
<html lang="${request.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t('appName')}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/console.css"><script src="/assets/console.js" defer></script></head>
<body>${header}<main><h1>${title}</h1>${body}</main></body></html>`;
}

/** Sends a page with `status` (no caching: pages hold a seller's data). */
export function sendPage(reply: FastifyReply, request: FastifyRequest, title: string, body: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page(request, title, body).text);
}
