import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { shopLabel, type Shop } from '../data/stores/shops.js';
import { InputError } from '../lib/errors.js';
import { redactText } from '../lib/redact.js';
import { ShopTakenError, addShop, shopView, shopWarnings } from '../pipelines/shops.js';
import { testShop } from '../pipelines/shop-test.js';
import { sellerFor, shopFor, visibleSellers, visibleShops } from './access.js';
import { viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { formOf, type FormBody } from './forms.js';
import { html, type Html } from './html.js';
import { csrfField, flash, sendPage } from './layout.js';

const AUTO = [
  ['autoOrderSync', 'autoSync'],
  ['autoOrderConfirm', 'autoConfirm'],
  ['autoInstruct', 'autoInstruct'],
  ['autoStockSync', 'autoStockSync'],
] as const;

function secretKeyOrUndefined(ctx: ConsoleContext): Buffer | undefined {
  try {
    return ctx.deps.secretKey();
  } catch {
    return undefined;
  }
}

/** One shop as a table row: health, licence expiry, switches, masked credentials, the test button. */
function shopRow(ctx: ConsoleContext, request: FastifyRequest, shop: Shop, key: Buffer | undefined): Html {
  const t = request.t;
  const v = shopView(shop, key);
  const creds = Object.entries(v.credentials).filter(([k]) => !k.endsWith('At')).map(([k, val]) => `${k}: ${val}`).join('\n');
  const auto = AUTO.filter(([field]) => v[field]).map(([, label]) => t(label)).join(', ') || '-';
  return html`<tr><td><a href="/shops/${shop.id}">${shop.id}</a></td><td>${v.seller}</td><td>${v.mall}</td><td>${v.shopId}</td>
<td>${v.health}${v.healthMessage ? html`<div class="muted">${redactText(v.healthMessage)}</div>` : ''}</td><td>${v.credentialsExpireOn ?? ''}</td><td>${auto}</td><td><pre>${creds}</pre></td>
<td><form method="post" action="/shops/${shop.id}/test">${csrfField(request)}<button type="submit">${t('connectionTest')}</button></form></td></tr>`;
}

function shopTable(ctx: ConsoleContext, request: FastifyRequest, shops: Shop[]): Html {
  const t = request.t;
  if (shops.length === 0) return html`<p>${t('noShops')}</p>`;
  const key = secretKeyOrUndefined(ctx);
  return html`<table><thead><tr><th>id</th><th>${t('seller')}</th><th>${t('mall')}</th><th>${t('shopId')}</th><th>${t('health')}</th><th>${t('licenceExpires')}</th><th>${t('automation')}</th><th>${t('credentials')}</th><th></th></tr></thead>
<tbody>${shops.map((s) => shopRow(ctx, request, s, key))}</tbody></table>`;
}

async function addForm(ctx: ConsoleContext, request: FastifyRequest, values: Record<string, string>): Promise<Html> {
  const t = request.t;
  const v = viewer(request);
  const sellers = await visibleSellers(ctx, v);
  const sellerInput =
    v.role === 'operator'
      ? html`<label for="seller">${t('seller')}</label><select id="seller" name="seller">${sellers.map((s) => html`<option value="${s.code}" ${values.seller === s.code ? 'selected' : ''}>${s.code}</option>`)}</select>`
      : html`<input type="hidden" name="seller" value="${v.sellerCode ?? ''}">`;
  return html`<h2>${t('addShop')}</h2>
<form class="box" method="post" action="/shops" enctype="multipart/form-data">${csrfField(request)}${sellerInput}
<label for="mall">${t('mall')}</label><select id="mall" name="mall"><option value="naver" ${values.mall === 'naver' ? 'selected' : ''}>Naver SmartStore</option><option value="rakuten" ${values.mall === 'rakuten' ? 'selected' : ''}>Rakuten Ichiba</option></select>
<label for="shopId">${t('shopId')}</label><input type="text" id="shopId" name="shopId" value="${values.shopId ?? ''}" required>
<label for="shopUrl">${t('shopUrl')}</label><input type="text" id="shopUrl" name="shopUrl" value="${values.shopUrl ?? ''}">
${v.role === 'operator' ? html`<label for="apiBaseUrl">${t('apiBaseUrl')}</label><input type="text" id="apiBaseUrl" name="apiBaseUrl" value="${values.apiBaseUrl ?? ''}">` : ''}
<label for="credentialsFile">${t('credentialsFile')}</label><input type="file" id="credentialsFile" name="credentialsFile" accept=".json,application/json">
<label for="credentialsText">${t('credentialsText')}</label><textarea id="credentialsText" name="credentialsText" rows="4" autocomplete="off"></textarea>
<p class="muted">${t('credentialsHelp')}</p>
<label>${t('automation')}</label>${AUTO.map(([field, label]) => html`<label class="inline"><input type="checkbox" name="${field}" value="on" ${values[field] === 'on' ? 'checked' : ''}> ${t(label)}</label>`)}
<div><button type="submit">${t('addShop')}</button></div></form>`;
}

/** Renders the shops page with messages on top (and the add form holding `values` again after an error). */
async function shopsPage(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, messages: Html[] = [], status = 200, values: Record<string, string> = {}): Promise<FastifyReply> {
  const shops = await visibleShops(ctx, viewer(request));
  return sendPage(reply, request, request.t('navShops'), html`${messages}${shopTable(ctx, request, shops)}${await addForm(ctx, request, values)}`, status);
}

/** Refused before anything is stored or called: a seller user naming an API base URL (any address the console would then call). */
class ApiBaseUrlRefused extends Error {}

/** A pipeline sentence without the command-line hints in it (`…; change it with \`mallbridge shops update …\``): console users have no command line. */
function withoutCommands(message: string): string {
  return message.split('; ').filter((part) => !part.includes('`mallbridge ')).join('; ');
}

/**
 * Runs `addShop` (the pipeline behind `shops add`) with the credentials of the form as text: they
 * are never written to disk unencrypted.
 */
async function addShopFromForm(ctx: ConsoleContext, request: FastifyRequest, form: FormBody): Promise<Shop> {
  const f = form.fields;
  const v = viewer(request);
  if (v.role !== 'operator' && (f.apiBaseUrl ?? '').trim() !== '') throw new ApiBaseUrlRefused();
  const seller = await sellerFor(ctx, v, f.seller);
  const file = form.files.credentialsFile;
  const text = file ? file.data.toString('utf8') : (f.credentialsText ?? '').trim();
  if (!text) throw new InputError(request.t('credentialsMissing'));
  const opt = (name: string) => (f[name] !== undefined && f[name]!.trim() !== '' ? f[name]!.trim() : undefined);
  const shopUrl = opt('shopUrl');
  const apiBaseUrl = opt('apiBaseUrl');
  try {
    return await addShop(ctx.deps, {
      seller: seller.code,
      mall: f.mall ?? '',
      shopId: f.shopId ?? '',
      credentials: { text },
      ...(shopUrl !== undefined ? { shopUrl } : {}),
      ...(apiBaseUrl !== undefined ? { apiBaseUrl } : {}),
      autoOrderSync: f.autoOrderSync === 'on',
      autoOrderConfirm: f.autoOrderConfirm === 'on',
      autoInstruct: f.autoInstruct === 'on',
      autoStockSync: f.autoStockSync === 'on',
    });
  } catch (err) {
    if (err instanceof ShopTakenError) {
      // A seller user learns nothing about other sellers' shops; an operator is told which shop has it.
      throw new InputError(v.role === 'operator' ? request.t('shopTakenBy', { shop: shopLabel(err.shop), seller: err.shop.sellerCode }) : request.t('shopTaken'), { cause: err });
    }
    if (err instanceof InputError) throw new InputError(withoutCommands(err.message.replace(/--([a-z-]+)/g, '$1')), { cause: err });
    throw err;
  }
}

/**
 * `/shops`: the viewer's shops with health, licence expiry and masked credentials; `POST /shops`
 * adds one through the same pipeline as `shops add`; `POST /shops/:id/test` runs the connection
 * test (`shops test`) and shows the connector's sentence. Another seller's shop is 404.
 */
export function registerShops(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/shops', async (request, reply) => shopsPage(ctx, request, reply));

  app.get<{ Params: { id: string } }>('/shops/:id', async (request, reply) => {
    const shop = await shopFor(ctx, viewer(request), request.params.id);
    return sendPage(reply, request, `${request.t('shop')} ${shop.id} (${shop.mall}:${shop.mallShopId})`, shopTable(ctx, request, [shop]));
  });

  app.post('/shops', async (request, reply) => {
    const form = formOf(request);
    const { credentialsText: _omit, _csrf: _token, ...values } = form.fields;
    try {
      const shop = await addShopFromForm(ctx, request, form);
      const warnings = shopWarnings(shop, ctx.deps.now());
      return shopsPage(ctx, request, reply, [flash('ok', request.t('shopAdded', { shop: `${shop.id} (${shop.mall}:${shop.mallShopId})` })), ...warnings.map((w) => flash('info', w))]);
    } catch (err) {
      if (err instanceof ApiBaseUrlRefused) return shopsPage(ctx, request, reply, [flash('error', request.t('apiBaseUrlRefused'))], 403, values);
      if (!(err instanceof InputError)) throw err;
      return shopsPage(ctx, request, reply, [flash('error', redactText(err.message))], 400, values);
    }
  });

  app.post<{ Params: { id: string } }>('/shops/:id/test', async (request, reply) => {
    const shop = await shopFor(ctx, viewer(request), request.params.id);
    let message: Html;
    try {
      const r = await testShop(ctx.deps, shop);
      message = flash(r.ok ? 'ok' : 'error', `${r.shop}: ${r.ok ? request.t('testOk') : request.t('testFailed')} — ${redactText(r.message)}`);
    } catch (err) {
      if (!(err instanceof InputError) && !(err instanceof Error && err.name === 'ConfigError')) throw err;
      message = flash('error', redactText(err.message));
    }
    return shopsPage(ctx, request, reply, [message]);
  });
}
