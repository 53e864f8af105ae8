import type { Command } from 'commander';
import type { ReconcileResult, ShopReconciliation } from '../pipelines/reports/model.js';
import { action } from './command.js';
import { emit, table } from './output.js';

/** Shops shown side by side in the printed summary; beyond this only the totals (the file has every shop). */
const MAX_SHOP_COLUMNS = 6;
const STATUSES = ['new', 'confirmed', 'instructed', 'shipped', 'tracking_sent', 'on_hold', 'cancelled'];
const REASONS = ['no_code', 'code_not_registered', 'name_not_registered'];

function licenceText(s: ShopReconciliation): string {
  if (s.shopId === 0) return s.licence.alert ? 'alert' : '';
  if (s.licence.daysLeft === null) return '';
  if (s.licence.daysLeft < 0) return 'EXPIRED';
  return s.licence.alert ? `${s.licence.daysLeft} days left!` : `${s.licence.daysLeft} days left`;
}

/** The printed summary: measures down, shops across (with the totals last). */
export function summaryText(r: ReconcileResult): string {
  const cols = r.shops.length <= MAX_SHOP_COLUMNS ? [...r.shops, r.totals] : [r.totals];
  const line = (measure: string, f: (s: ShopReconciliation) => string | number) => [measure, ...cols.map(f)];
  const checkText = (i: number) => (s: ShopReconciliation) => (s.checks[i]!.addsUp ? 'ok' : `≠ (${s.checks[i]!.difference})`);
  const rows = [
    line('lines seen', (s) => s.lines.seen),
    line('  mapped', (s) => s.lines.mapped),
    line('    in a fulfillment order', (s) => s.lines.loaded),
    line('  unmapped', (s) => s.lines.unmapped),
    ...REASONS.map((k) => line(`    ${k}`, (s) => s.lines.unmappedByReason[k] ?? 0)),
    line('  ignored', (s) => s.lines.ignored),
    line('check: seen = mapped + unmapped + ignored', checkText(0)),
    line('fulfillment orders', (s) => s.orders.total),
    ...STATUSES.map((st) => line(`  ${st}`, (s) => s.orders.byStatus[st] ?? 0)),
    line('check: orders = sum of statuses', checkText(2)),
    line('confirmations pending / failed', (s) => `${s.confirmations.pending} / ${s.confirmations.failed}`),
    line('tracking numbers pending / failed', (s) => `${s.tracking.pending} / ${s.tracking.failed}`),
    line('on hold now (any day)', (s) => s.holds.onHold),
    line('cancelled after instruction', (s) => s.holds.cancelledAfterInstruction),
    line('stock pushes failed (now)', (s) => s.stockFailed),
    line('licence key', licenceText),
    line('health', (s) => (s.shopId === 0 ? (s.health.alert ? 'alert' : '') : s.health.status)),
  ];
  const failed = [...r.shops, r.totals].flatMap((s) => s.checks.filter((c) => !c.addsUp).map((c) => `  ${s.shop}: ${c.name}: ${c.text}`));
  const lists = r.listChecks.map((c) => `  list ${c.list} of shop ${c.shopId}: ${c.written} rows, the Summary counts ${c.expected}`);
  return [
    `Reconciliation of ${r.date} (KST day of the marketplace order time; states as of ${r.generatedAt.slice(0, 19).replace('T', ' ')} KST), ${r.shops.length} shop${r.shops.length === 1 ? '' : 's'}${cols.length === 1 && r.shops.length > 0 ? ' (totals; per shop in the Summary sheet)' : ''}:`,
    '',
    table(['', ...cols.map((s) => s.shop)], rows),
    '',
    r.addsUp ? 'All counts add up.' : ['Counts that do NOT add up (the rows are in the check list):', ...failed, ...lists].join('\n'),
    `Wrote ${r.files.join('\n      ')}`,
  ].join('\n');
}

/** `mallbridge report reconcile [--date D] [--shop S] [--out F]` (design.md §8, §10). */
export function registerReport(program: Command): void {
  const report = program.command('report').description('reports for operations');
  report
    .command('reconcile')
    .description('the reconciliation report of one KST day per shop: lines seen, mapped, unmapped (by reason), ignored; fulfillment orders by status; exports pending or failed; holds; alerts — with the lists behind each count')
    .option('--date <YYYY-MM-DD>', 'the KST day (lines by the marketplace order time); default yesterday')
    .option('--shop <shop>', 'only this shop (id, marketplace id, or naver:ID / rakuten:ID)')
    .option('--out <file>', 'an .xlsx workbook, or .csv (the Summary there and each list as F.<list>.csv); default $MALLBRIDGE_HOME/reports/<date>/reconcile.xlsx')
    .option('--json', 'print the counts and paths as JSON')
    .action(
      action(async (app, opts: { date?: string; shop?: string; out?: string }) => {
        const { checkOutPath, reconcileReport } = await import('../pipelines/reports/reconcile.js');
        const { reportDay } = await import('../pipelines/reports/day.js');
        // Bad input is refused before the database is opened.
        reportDay(opts.date, new Date());
        if (opts.out !== undefined) checkOutPath(opts.out);
        const deps = await app.deps();
        const r = await reconcileReport(deps, opts);
        emit(app.json, r, () => summaryText(r));
        return r.addsUp ? 0 : 1;
      }),
    );
}
