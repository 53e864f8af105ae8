import type { Command } from 'commander';
import { action } from './command.js';
import { emit, table } from './output.js';

/** `mallbridge demo`: the whole cycle (pull → confirm → instruct → invoices → tracking → stock → reconcile) on the embedded database against the sandbox malls. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole cycle end to end — pull, confirm, instruct, invoices, tracking, stock, reconcile — on a fresh embedded database against the sandbox malls')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app) => {
        const say = (line: string) => {
          if (!app.json) process.stdout.write(`• ${line}\n`);
        };
        const { runDemo } = await import('../pipelines/demo.js');
        const s = await runDemo(app.config, app.logger, say);
        const failed = s.runs.filter((r) => r.status !== 'succeeded');
        const STATUSES = ['new', 'confirmed', 'instructed', 'shipped', 'tracking_sent', 'on_hold', 'cancelled'];
        emit(app.json, s, () =>
          [
            '',
            'The cycle, per shop',
            table(
              ['mall', 'orders seen', 'lines seen', 'fulfillment orders', 'lines to pick', 'waiting for a mapping', 'confirmed', 'instructed', 'QSP invoices', 'tracking sent', 'stock pushed'],
              s.shops.map((x) => [x.mall, x.ordersSeen, x.linesSeen, x.fulfillmentOrders, x.fulfillmentLines, x.waitingOrders, x.confirmed, x.instructed, x.invoices, x.trackingSent, x.stockPushed]),
            ),
            '',
            'Fulfillment orders now',
            table(
              ['mall', ...STATUSES],
              s.shops.map((x) => [x.mall, ...STATUSES.map((st) => x.byStatus[st] ?? 0)]),
            ),
            '',
            `Unmapped lines (${s.unmapped.length}): what the seller adds to a sheet so these orders are released`,
            table(
              ['mall', 'order', 'code', 'product name + option text', 'reason'],
              s.unmapped.map((u) => [u.mall, u.mallOrderId, u.sellerCode ?? '—', `${u.productName}${u.optionText ? ` / ${u.optionText.replace(/\n/g, '⏎')}` : ''}`, u.reason]),
            ),
            `  as a sheet to fill in and import (skus import / mappings import): ${s.unmappedFile}`,
            '',
            `Warehouse instructions: ${s.instructionFiles.join(', ') || '(none)'}`,
            'Reconciliation reports (KST day of the order time):',
            ...s.reports.map((r) => `  ${r.date}: ${r.file} (${r.linesSeen} lines; ${r.addsUp ? 'all counts add up' : 'counts do NOT add up'})`),
            `Database: ${s.database}   (look inside: sqlite3 ${s.database} 'select * from fulfillment_orders')`,
            `Done in ${s.seconds.toFixed(1)} s.${failed.length ? ` ${failed.length} runs did not succeed: ${failed.map((f) => `${f.job} ${f.shop}: ${f.error}`).join('; ')}` : ''}`,
          ].join('\n'),
        );
        return failed.length || s.reports.some((r) => !r.addsUp) ? 1 : 0;
      }),
    );
}
