import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { reportDay, yesterdayKst } from '../pipelines/reports/day.js';
import type { ReconcileResult } from '../pipelines/reports/model.js';
import { reconcileReport, reportFolder, writeNightlyReconcile } from '../pipelines/reports/reconcile.js';
import { visibleShops } from './access.js';
import { viewer, type Viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { sendFile } from './download.js';
import { NotFoundError } from './errors.js';
import { formOf } from './forms.js';
import { html, type Html } from './html.js';
import { csrfField, flash, sendPage } from './layout.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REPORT_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(xlsx|csv)$/;
/** A one-shop report (`reconcile-shop-<id>.xlsx`, `.csv`, `.<list>.csv`): the only files a seller user may see. */
const SHOP_FILE = /^reconcile-shop-(\d+)\./;

/** Whether the viewer may download report `name`: an operator any, a seller user its shops' one-shop files. */
function mayRead(name: string, v: Viewer, shopIds: Set<number>): boolean {
  if (!REPORT_FILE.test(name)) return false;
  if (v.role === 'operator') return true;
  const m = SHOP_FILE.exec(name);
  return m !== null && shopIds.has(Number(m[1]));
}

/** The days with reports (newest first), each with the files the viewer may download. */
async function listReports(ctx: ConsoleContext, v: Viewer): Promise<Array<{ day: string; files: string[] }>> {
  const root = path.join(ctx.deps.config.home, 'reports');
  if (!fs.existsSync(root)) return [];
  const shopIds = new Set((await visibleShops(ctx, v)).map((s) => s.id));
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && DAY.test(d.name))
    .map((d) => d.name)
    .sort()
    .reverse()
    .map((day) => ({ day, files: fs.readdirSync(path.join(root, day)).filter((f) => mayRead(f, v, shopIds)).sort() }))
    .filter((d) => d.files.length > 0);
}

async function reportsPage(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, messages: Html[] = [], status = 200): Promise<FastifyReply> {
  const t = request.t;
  const days = await listReports(ctx, viewer(request));
  const body = html`${messages}
<form class="box" method="post" action="/reports/generate">${csrfField(request)}<label for="date">${t('reportDate')}</label><input type="date" id="date" name="date" value="${yesterdayKst(ctx.deps.now())}"><button type="submit">${t('generate')}</button></form>
${days.length === 0 ? html`<p>${t('noReports')}</p>` : html`<table id="reports"><thead><tr><th>${t('day')}</th><th>${t('files')}</th></tr></thead><tbody>
${days.map((d) => html`<tr><td>${d.day}</td><td>${d.files.map((f) => html`<div><a href="/reports/${d.day}/${f}">${f}</a></div>`)}</td></tr>`)}</tbody></table>`}`;
  return sendPage(reply, request, t('reportsTitle'), body, status);
}

/**
 * Writes the reconciliation report of `date` for the viewer: an operator gets the all-shops
 * report (xlsx + CSV, as the nightly job writes it); a seller user one report per shop of its own
 * (`reconcile-shop-<id>.xlsx` and `.csv`, through `reconcileReport`'s `shop` option), so no
 * seller is ever served a file holding other sellers' rows.
 */
async function generate(ctx: ConsoleContext, v: Viewer, date: string): Promise<ReconcileResult[]> {
  const day = reportDay(date, ctx.deps.now()).date;
  if (v.role === 'operator') return [await writeNightlyReconcile(ctx.deps, { date: day })];
  const dir = reportFolder(ctx.deps, day);
  fs.mkdirSync(dir, { recursive: true });
  const out: ReconcileResult[] = [];
  for (const shop of await visibleShops(ctx, v)) {
    for (const ext of ['xlsx', 'csv']) out.push(await reconcileReport(ctx.deps, { date: day, shop: String(shop.id), out: path.join(dir, `reconcile-shop-${shop.id}.${ext}`) }));
  }
  return out;
}

/**
 * `/reports`: the reconciliation reports by day under `$MALLBRIDGE_HOME/reports/<date>/`, to
 * download (xlsx, CSV); `POST /reports/generate` writes one for a day. A seller user sees and
 * downloads only its shops' one-shop reports; any other file is 404.
 */
export function registerReports(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/reports', async (request, reply) => reportsPage(ctx, request, reply));

  app.post('/reports/generate', async (request, reply) => {
    const t = request.t;
    const date = (formOf(request).fields.date ?? '').trim();
    const results = await generate(ctx, viewer(request), date);
    const files = results.flatMap((r) => r.files.map((f) => path.basename(f)));
    const messages = [flash('ok', t('generated', { date: results[0]?.date ?? date, files: files.join(', ') || '-' }))];
    if (results.some((r) => !r.addsUp)) messages.push(flash('error', t('notAddingUp')));
    return reportsPage(ctx, request, reply, messages);
  });

  app.get<{ Params: { day: string; file: string } }>('/reports/:day/:file', async (request, reply) => {
    const { day, file } = request.params;
    const v = viewer(request);
    const shopIds = new Set((await visibleShops(ctx, v)).map((s) => s.id));
    if (!DAY.test(day) || !mayRead(file, v, shopIds)) throw new NotFoundError();
    const full = path.join(reportFolder(ctx.deps, day), file);
    if (!fs.existsSync(full) || !fs.statSync(full).isFile()) throw new NotFoundError();
    return sendFile(reply, full, file);
  });
}
