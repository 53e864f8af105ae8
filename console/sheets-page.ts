import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Seller } from '../data/stores/sellers.js';
import { InputError, SheetError } from '../lib/errors.js';
import { writeErrorFile } from '../mappings/error-file.js';
import { writeSkuTemplate } from '../mappings/sku-template.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { ImportSummary } from '../pipelines/sheets/apply.js';
import { importNameSheet } from '../pipelines/sheets/import-mappings.js';
import { importSkuSheet } from '../pipelines/sheets/import-skus.js';
import { sellerFor, visibleSellers } from './access.js';
import { viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { sendFile } from './download.js';
import { NotFoundError } from './errors.js';
import { formOf } from './forms.js';
import { html, type Html } from './html.js';
import { csrfField, flash, sendPage } from './layout.js';
import { findUpload, removeUpload, stageUpload, type SheetKind, type StagedUpload } from './uploads.js';

type Importer = (deps: PipelineDeps, seller: Seller, file: string, options: { dryRun: boolean }) => Promise<ImportSummary>;

/** The pipeline of each kind of sheet: the same ones `skus import` and `mappings import` call. */
const IMPORTERS: Record<SheetKind, Importer> = { skus: importSkuSheet, mappings: importNameSheet };

function sheetKind(value: string | undefined): SheetKind {
  if (value === 'skus' || value === 'mappings') return value;
  throw new InputError(`unknown kind of sheet "${value ?? ''}"`);
}

async function uploadForm(ctx: ConsoleContext, request: FastifyRequest): Promise<Html> {
  const t = request.t;
  const v = viewer(request);
  const sellers = await visibleSellers(ctx, v);
  const sellerInput =
    v.role === 'operator'
      ? html`<label for="seller">${t('seller')}</label><select id="seller" name="seller">${sellers.map((s) => html`<option value="${s.code}">${s.code}</option>`)}</select>`
      : html`<input type="hidden" name="seller" value="${v.sellerCode ?? ''}">`;
  return html`<p><a href="/sheets/template">${t('downloadTemplate')}</a></p>
<form class="box" method="post" action="/sheets/preview" enctype="multipart/form-data">${csrfField(request)}${sellerInput}
<label for="kind">${t('sheetKind')}</label><select id="kind" name="kind"><option value="skus">${t('kindSkus')}</option><option value="mappings">${t('kindMappings')}</option></select>
<label for="sheet">${t('sheetFile')}</label><input type="file" id="sheet" name="sheet" accept=".xlsx,.csv" required>
<button type="submit">${t('preview')}</button></form>`;
}

/** The counts of an import (or its dry run) and the orders it releases. */
function summaryView(request: FastifyRequest, s: ImportSummary): Html {
  const t = request.t;
  const released = s.dryRun ? t('wouldRelease', { n: s.releasedOrders }) : t('released', { n: s.releasedOrders });
  return html`<p>${t('rows')}: ${s.rows}${s.sheet ? ` (${s.sheet})` : ''}</p>
<table><thead><tr><th></th><th>${t('inserted')}</th><th>${t('updated')}</th><th>${t('unchanged')}</th></tr></thead>
<tbody>${Object.entries(s.changes).map(([kind, c]) => html`<tr><td>${kind}</td><td class="num">${c.inserted}</td><td class="num">${c.updated}</td><td class="num">${c.unchanged}</td></tr>`)}</tbody></table>
<p id="released">${released}${s.releasedOrderIds.length ? html`<br><span class="muted">${s.releasedOrderIds.join(', ')}</span>` : ''}</p>
<p>${t('stillWaiting', { n: s.waitingOrders })}</p>
${s.unknownColumns.length ? html`<p class="muted">${t('ignoredColumns', { columns: s.unknownColumns.join(', ') })}</p>` : ''}
${s.warnings.map((w) => flash('info', `${t('warning')}: ${w}`))}`;
}

/** Every error of a refused sheet by row, with the error files to download. */
function errorsView(request: FastifyRequest, upload: StagedUpload, err: SheetError): Html {
  const t = request.t;
  return html`${flash('error', t('rejectedTitle', { file: upload.fileName, n: err.issues.length }))}
<p><a href="/sheets/uploads/${upload.id}/errors.xlsx">${t('downloadErrors')}</a> · <a href="/sheets/uploads/${upload.id}/errors.csv">${t('downloadErrorsCsv')}</a></p>
<table id="sheet-errors"><thead><tr><th>${t('row')}</th><th>${t('column')}</th><th>${t('value')}</th><th>${t('reason')}</th><th>${t('message')}</th></tr></thead>
<tbody>${err.issues.map((i) => html`<tr><td class="num">${i.row}</td><td>${i.column}</td><td>${i.value}</td><td>${i.reason}</td><td>${i.message}</td></tr>`)}</tbody></table>`;
}

/**
 * Runs the sheet's pipeline on a staged upload. A refused sheet gets its error files written
 * beside it (xlsx with the seller's rows and an error column, and CSV) and shows every error.
 */
async function runImport(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, upload: StagedUpload, dryRun: boolean): Promise<FastifyReply> {
  const t = request.t;
  const seller = await sellerFor(ctx, viewer(request), viewer(request).role === 'operator' ? upload.sellerCode : undefined);
  try {
    const s = await IMPORTERS[upload.kind](ctx.deps, seller, upload.file, { dryRun });
    const body = dryRun
      ? html`${flash('info', t('previewTitle', { file: upload.fileName }))}${summaryView(request, s)}
<form method="post" action="/sheets/apply">${csrfField(request)}<input type="hidden" name="upload" value="${upload.id}"><button type="submit">${t('apply')}</button></form>`
      : html`${flash('ok', t('appliedTitle', { file: upload.fileName }))}${summaryView(request, s)}<p><a href="/sheets">${t('back')}</a></p>`;
    return sendPage(reply, request, t('sheetsTitle'), body);
  } catch (err) {
    if (!(err instanceof SheetError)) throw err;
    await writeErrorFile(path.join(upload.dir, 'errors.xlsx'), err.issues, upload.file);
    await writeErrorFile(path.join(upload.dir, 'errors.csv'), err.issues);
    return sendPage(reply, request, t('sheetsTitle'), html`${errorsView(request, upload, err)}${await uploadForm(ctx, request)}`, 422);
  }
}

/**
 * `/sheets`: the SKU template, and sheet uploads: `POST /sheets/preview` keeps the upload and
 * shows its dry run (the counts, the waiting orders it would release, or every error by row with
 * an error file to download); `POST /sheets/apply` imports the same file for real. The pipelines
 * are `skus import` / `mappings import`'s own. A seller user uploads for its own seller only, and
 * another seller's upload or error file is 404.
 */
export function registerSheets(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/sheets', async (request, reply) => sendPage(reply, request, request.t('sheetsTitle'), await uploadForm(ctx, request)));

  app.get('/sheets/template', async (_request, reply) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mallbridge-template-'));
    const file = path.join(dir, 'sku-template.xlsx');
    await writeSkuTemplate(file);
    return sendFile(reply, file, 'sku-template.xlsx', () => fs.rmSync(dir, { recursive: true, force: true }));
  });

  app.post('/sheets/preview', async (request, reply) => {
    const { fields, files } = formOf(request);
    const v = viewer(request);
    const seller = await sellerFor(ctx, v, fields.seller);
    const kind = sheetKind(fields.kind);
    const sheet = files.sheet;
    if (!sheet) return sendPage(reply, request, request.t('sheetsTitle'), html`${flash('error', request.t('uploadMissing'))}${await uploadForm(ctx, request)}`, 400);
    const upload = stageUpload(ctx, v.userId, seller, kind, sheet);
    try {
      return await runImport(ctx, request, reply, upload, true);
    } catch (err) {
      removeUpload(upload); // an unreadable sheet cannot be applied: keep nothing of it
      throw err;
    }
  });

  app.post('/sheets/apply', async (request, reply) => {
    const upload = findUpload(ctx, viewer(request), formOf(request).fields.upload);
    if (!fs.existsSync(upload.file)) throw new NotFoundError();
    return runImport(ctx, request, reply, upload, false);
  });

  app.get<{ Params: { id: string; format: string } }>('/sheets/uploads/:id/errors.:format', async (request, reply) => {
    const upload = findUpload(ctx, viewer(request), request.params.id);
    const format = request.params.format;
    if (format !== 'xlsx' && format !== 'csv') throw new NotFoundError();
    const file = path.join(upload.dir, `errors.${format}`);
    if (!fs.existsSync(file)) throw new NotFoundError();
    return sendFile(reply, file, `${path.parse(upload.fileName).name}.errors.${format}`);
  });
}
