import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findJob } from '../jobs/registry.js';
import { runJobNow } from '../jobs/runner.js';
import { jobsStatus, type JobShopStatus, type JobsStatus } from '../jobs/status.js';
import { InputError } from '../lib/errors.js';
import { errorText } from '../lib/error-text.js';
import { redactText } from '../lib/redact.js';
import { requireOperator, shopFor, visibleShops } from './access.js';
import { viewer, type Viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { formOf } from './forms.js';
import { html, type Html } from './html.js';
import { csrfField, flash, sendPage } from './layout.js';

/**
 * `jobs status` narrowed to what the viewer may see: a seller user gets its shops' rows, their
 * health and warnings only (no all-shops runs, which count every seller).
 */
async function statusFor(ctx: ConsoleContext, v: Viewer): Promise<JobsStatus> {
  const status = await jobsStatus(ctx.deps.db.knex, ctx.deps.now());
  if (v.role === 'operator') return status;
  const mine = new Set((await visibleShops(ctx, v)).map((s) => s.id));
  const shops = status.shops.filter((s) => mine.has(s.shopId));
  return {
    now: status.now,
    jobs: status.jobs.map((j) => ({ ...j, shops: j.shops.filter((s) => s.shopId !== null && mine.has(s.shopId)) })).filter((j) => j.shops.length > 0),
    shops,
    warnings: shops.flatMap((s) => [s.licenceWarning, s.health === 'unhealthy' ? `${s.shop} is unhealthy${s.healthMessage ? `: ${s.healthMessage}` : ''}` : null]).filter((w): w is string => Boolean(w)),
  };
}

function countsText(counts: Record<string, unknown>): string {
  return Object.entries(counts)
    .filter(([k, v]) => k !== 'cursor' && v !== 0 && v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

function shopRow(request: FastifyRequest, jobId: string, s: JobShopStatus, operator: boolean): Html {
  const t = request.t;
  const r = s.lastRun;
  const last = r ? html`${r.status} · ${r.startedAt.slice(0, 19).replace('T', ' ')}<div class="muted">${redactText([r.error, countsText(r.counts)].filter(Boolean).join(' — '))}</div>` : '-';
  const skip = s.lastSkip ? html`<div class="muted">skipped ${s.lastSkip.at.slice(0, 19).replace('T', ' ')}: ${s.lastSkip.reason ?? ''}</div>` : '';
  const run = operator
    ? html`<form method="post" action="/jobs/run" data-confirm="${t('runNow')}: ${jobId} ${s.shop}?">${csrfField(request)}<input type="hidden" name="job" value="${jobId}"><input type="hidden" name="shop" value="${s.shopId ?? ''}"><button type="submit">${t('runNow')}</button></form>`
    : '';
  return html`<tr><td>${s.shop}</td><td>${last}${skip}</td><td>${s.nextDue ? s.nextDue.slice(0, 16).replace('T', ' ') : '-'}${s.backoffUntil ? html`<div class="muted">backoff until ${s.backoffUntil.slice(0, 16).replace('T', ' ')}</div>` : ''}</td><td class="num">${s.consecutiveFailures}</td><td>${s.lease ? `${s.lease.owner}${s.lease.expired ? ' (expired)' : ''}` : ''}</td><td>${run}</td></tr>`;
}

async function jobsPage(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, messages: Html[] = [], status = 200): Promise<FastifyReply> {
  const t = request.t;
  const v = viewer(request);
  const st = await statusFor(ctx, v);
  const operator = v.role === 'operator';
  const body = html`${messages}
${st.warnings.length ? html`<h2>${t('warnings')}</h2>${st.warnings.map((w) => flash('info', redactText(w)))}` : ''}
${st.jobs.map(
  (j) => html`<h2>${j.id} <span class="muted">${j.schedule} (Asia/Seoul) — ${j.does}</span></h2>
<table><thead><tr><th>${t('shop')}</th><th>${t('lastRun')}</th><th>${t('nextDue')}</th><th>${t('failuresInRow')}</th><th>${t('lease')}</th><th></th></tr></thead>
<tbody>${j.shops.length ? j.shops.map((s) => shopRow(request, j.id, s, operator)) : html`<tr><td colspan="6">${t('none')}</td></tr>`}</tbody></table>`,
)}`;
  return sendPage(reply, request, t('jobsTitle'), body, status);
}

/**
 * `/jobs`: `jobs status` (per job and shop: last run, next due time, failures in a row, lease
 * holder; health and licence warnings). Operators get "run now" (`POST /jobs/run`), which starts
 * `runJobNow` for one job and shop in the background (a lease held elsewhere is skipped and
 * recorded, as `run --no-wait`); its `job_runs` row shows on the page.
 */
export function registerJobs(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get('/jobs', async (request, reply) => jobsPage(ctx, request, reply));

  app.post('/jobs/run', async (request, reply) => {
    const v = viewer(request);
    requireOperator(v);
    const { fields } = formOf(request);
    const job = findJob(fields.job ?? '');
    if (!job) throw new InputError(`unknown job ${fields.job ?? ''}`);
    const shop = job.scope === 'all' ? undefined : await shopFor(ctx, v, fields.shop);
    const log = ctx.deps.logger.child({ module: 'console' });
    log.info(`${v.email} runs ${job.id} for ${shop ? `shop ${shop.id}` : 'all shops'} now`);
    const work = runJobNow(ctx.deps, job, shop ? [shop] : undefined, {}, { runner: ctx.runner, wait: false, handleSignals: false })
      .catch((err: unknown) => log.error(`run now ${job.id}: ${redactText(errorText(err))}`))
      .finally(() => ctx.background.delete(work));
    ctx.background.add(work);
    return jobsPage(ctx, request, reply, [flash('ok', t(request, job.id, shop ? `shop ${shop.id} (${shop.mall}:${shop.mallShopId})` : 'all shops'))]);
  });
}

function t(request: FastifyRequest, job: string, shop: string): string {
  return request.t('runStarted', { job, shop });
}
