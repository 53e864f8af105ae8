import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findFulfillmentOrderById, findFulfillmentOrdersByMallOrderId, type FulfillmentOrder } from '../data/stores/fulfillment.js';
import { listOrderEvents } from '../data/stores/order-events.js';
import { findLinesOfOrders, type StoredLine } from '../data/stores/order-lines.js';
import { findShipmentsByNumber, findShipmentsOf } from '../data/stores/shipments.js';
import { shopLabel, type Shop } from '../data/stores/shops.js';
import { toKstIsoMillis } from '../lib/time.js';
import { listUnmapped, type UnmappedLine } from '../pipelines/orders/unmapped.js';
import { writeUnmappedFile } from '../pipelines/orders/unmapped-file.js';
import { sellerFor, visibleShops } from './access.js';
import { viewer, type Viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { sendFile } from './download.js';
import { NotFoundError } from './errors.js';
import { html, type Html } from './html.js';
import { flash, sendPage } from './layout.js';
import { queryParam } from './query.js';

/** One marketplace order found: its shop, its lines as last seen, its parcels with tracking and history. */
interface FoundOrder {
  shop: Shop;
  mallOrderId: string;
  lines: StoredLine[];
  parcels: FulfillmentOrder[];
}

function kst(d: Date | null): string {
  return d ? toKstIsoMillis(d).slice(0, 19).replace('T', ' ') : '';
}

/**
 * The orders `q` names in the viewer's shops: a marketplace order id, or a tracking number (its
 * parcel's order). Other sellers' orders are never looked at.
 */
async function findOrders(ctx: ConsoleContext, v: Viewer, q: string): Promise<FoundOrder[]> {
  const conn = ctx.deps.db.knex;
  const shops = new Map((await visibleShops(ctx, v)).map((s) => [s.id, s]));
  const keys = new Map<string, { shop: Shop; mallOrderId: string }>();
  for (const fo of await findFulfillmentOrdersByMallOrderId(conn, q)) {
    const shop = shops.get(fo.shopId);
    if (shop) keys.set(`${shop.id}\u0000${fo.mallOrderId}`, { shop, mallOrderId: fo.mallOrderId });
  }
  const shipment = (await findShipmentsByNumber(conn, [q])).get(q);
  if (shipment) {
    const fo = await findFulfillmentOrderById(conn, shipment.fulfillmentOrderId);
    const shop = fo ? shops.get(fo.shopId) : undefined;
    if (fo && shop) keys.set(`${shop.id}\u0000${fo.mallOrderId}`, { shop, mallOrderId: fo.mallOrderId });
  }
  for (const shop of shops.values()) {
    if ((await findLinesOfOrders(conn, shop.id, [q])).length > 0) keys.set(`${shop.id}\u0000${q}`, { shop, mallOrderId: q });
  }
  const out: FoundOrder[] = [];
  for (const { shop, mallOrderId } of keys.values()) {
    const parcels = (await findFulfillmentOrdersByMallOrderId(conn, mallOrderId)).filter((fo) => fo.shopId === shop.id);
    out.push({ shop, mallOrderId, lines: await findLinesOfOrders(conn, shop.id, [mallOrderId]), parcels });
  }
  return out;
}

async function parcelsView(ctx: ConsoleContext, request: FastifyRequest, parcels: FulfillmentOrder[]): Promise<Html> {
  const t = request.t;
  if (parcels.length === 0) return html`<p class="muted">${t('parcels')}: ${t('none')}</p>`;
  const ids = parcels.map((p) => p.id);
  const shipments = await findShipmentsOf(ctx.deps.db.knex, ids);
  const events = await listOrderEvents(ctx.deps.db.knex, ids);
  return html`<h3>${t('parcels')}</h3><table><thead><tr><th>id</th><th>package</th><th>${t('status')}</th><th>${t('tracking')}</th><th>${t('history')}</th></tr></thead><tbody>
${parcels.map(
  (p) => html`<tr><td><a href="/orders/parcels/${p.id}">${p.id}</a></td><td>${p.mallPackageId}</td><td>${p.status}${p.holdReason ? html`<div class="muted">${p.holdReason}</div>` : ''}</td>
<td>${shipments.filter((s) => s.fulfillmentOrderId === p.id).map((s) => html`<div>${s.trackingNumber} ${s.carrier ?? ''} (${s.source})</div>`)}</td>
<td>${events.filter((e) => e.fulfillmentOrderId === p.id).map((e) => html`<div>${kst(e.at)} ${e.fromStatus ?? '∅'} → ${e.toStatus}${e.reason ? ` — ${e.reason}` : ''}</div>`)}</td></tr>`,
)}</tbody></table>`;
}

function linesView(request: FastifyRequest, lines: StoredLine[]): Html {
  const t = request.t;
  return html`<h3>${t('lines')}</h3><table><thead><tr><th>${t('line')}</th><th>${t('status')}</th><th>${t('code')}</th><th>${t('productName')}</th><th>${t('optionText')}</th><th>${t('quantity')}</th><th>${t('mapping')}</th></tr></thead><tbody>
${lines.map((l) => html`<tr><td>${l.mallLineId}</td><td>${l.mallStatus}${l.claimStatus ? ` / ${l.claimStatus}` : ''}</td><td>${l.sellerCode ?? ''}</td><td>${l.productName}</td><td><pre>${l.optionText}</pre></td><td class="num">${l.quantity}</td><td>${l.mappingStatus}${l.unmappedReason ? html`<div class="muted">${l.unmappedReason}</div>` : ''}</td></tr>`)}</tbody></table>`;
}

function unmappedView(request: FastifyRequest, lines: UnmappedLine[], sellerQuery: string): Html {
  const t = request.t;
  if (lines.length === 0) return html`<h2>${t('unmappedTitle')}</h2><p>${t('noUnmapped')}</p>`;
  return html`<h2>${t('unmappedTitle')} (${lines.length})</h2><p><a href="/orders/unmapped.xlsx${sellerQuery}">${t('exportUnmapped')}</a></p>
<table id="unmapped"><thead><tr><th>${t('seller')}</th><th>${t('mall')}</th><th>${t('order')}</th><th>${t('line')}</th><th>${t('code')}</th><th>${t('productName')}</th><th>${t('optionText')}</th><th>${t('quantity')}</th><th>${t('reason')}</th><th>${t('suggestions')}</th></tr></thead><tbody>
${lines.map((l) => html`<tr><td>${l.seller}</td><td>${l.mall}</td><td><a href="/orders?q=${encodeURIComponent(l.mallOrderId)}">${l.mallOrderId}</a></td><td>${l.mallLineId}</td><td>${l.sellerCode ?? ''}</td><td>${l.productName}</td><td><pre>${l.optionText}</pre></td><td class="num">${l.quantity}</td><td>${l.reason}</td><td>${l.suggestions.map((s) => html`<div>${s}</div>`)}</td></tr>`)}</tbody></table>`;
}

/** The unmapped lines the viewer may see (an operator may narrow them to one seller with `?seller=`). */
async function unmappedFor(ctx: ConsoleContext, v: Viewer, sellerParam: string | undefined): Promise<UnmappedLine[]> {
  if (v.role !== 'operator') return listUnmapped(ctx.deps, (await sellerFor(ctx, v, sellerParam)).code);
  return listUnmapped(ctx.deps, sellerParam ? (await sellerFor(ctx, v, sellerParam)).code : undefined);
}

/**
 * `/orders`: find an order by marketplace order id or tracking number (its lines, parcels,
 * tracking numbers and status history), and the lines waiting for a mapping with reasons and
 * near misses (`orders unmapped`), downloadable as a sheet to fill in. `/orders/parcels/:id` is
 * one parcel. Only the viewer's shops are searched; another seller's parcel is 404.
 */
export function registerOrders(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/orders', async (request, reply) => {
    const t = request.t;
    const v = viewer(request);
    const q = (queryParam(request, 'q') ?? '').trim().slice(0, 100);
    const sellerParam = queryParam(request, 'seller')?.trim() || undefined;
    let found: Html = html``;
    if (q) {
      const orders = await findOrders(ctx, v, q);
      found = orders.length
        ? html`${await Promise.all(orders.map(async (o) => html`<h2>${shopLabel(o.shop)} · ${o.mallOrderId}</h2>${linesView(request, o.lines)}${await parcelsView(ctx, request, o.parcels)}`))}`
        : flash('info', t('noOrderFound', { q }));
    }
    const lines = await unmappedFor(ctx, v, sellerParam);
    const body = html`<form method="get" action="/orders" class="box"><label for="q">${t('orderQuery')}</label><input type="text" id="q" name="q" value="${q}"><button type="submit">${t('find')}</button></form>
${found}${unmappedView(request, lines, sellerParam ? `?seller=${encodeURIComponent(sellerParam)}` : '')}`;
    return sendPage(reply, request, t('ordersTitle'), body);
  });

  app.get<{ Params: { id: string } }>('/orders/parcels/:id', async (request, reply) => {
    const v = viewer(request);
    if (!/^\d{1,12}$/.test(request.params.id)) throw new NotFoundError();
    const fo = await findFulfillmentOrderById(ctx.deps.db.knex, Number(request.params.id));
    const shop = fo ? (await visibleShops(ctx, v)).find((s) => s.id === fo.shopId) : undefined;
    if (!fo || !shop) throw new NotFoundError();
    const lines = await findLinesOfOrders(ctx.deps.db.knex, shop.id, [fo.mallOrderId]);
    return sendPage(reply, request, `${shopLabel(shop)} · ${fo.mallOrderId}${fo.mallPackageId ? `/${fo.mallPackageId}` : ''}`, html`${await parcelsView(ctx, request, [fo])}${linesView(request, lines.filter((l) => !fo.mallPackageId || l.mallPackageId === fo.mallPackageId))}`);
  });

  app.get('/orders/unmapped.xlsx', async (request, reply) => {
    const lines = await unmappedFor(ctx, viewer(request), queryParam(request, 'seller')?.trim() || undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mallbridge-unmapped-'));
    const file = path.join(dir, 'unmapped.xlsx');
    await writeUnmappedFile(file, lines);
    return sendFile(reply, file, 'unmapped.xlsx', () => fs.rmSync(dir, { recursive: true, force: true }));
  });
}
