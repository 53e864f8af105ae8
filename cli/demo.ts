import type { Command } from 'commander';
import { action } from './command.js';
import { emit, table } from './output.js';

/** `mallbridge demo`: the main job end to end on the embedded database against the sandbox malls. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the main job end to end on a fresh embedded database against the sandbox malls')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app) => {
        const say = (line: string) => {
          if (!app.json) process.stdout.write(`• ${line}\n`);
        };
        const { runDemo } = await import('../pipelines/demo.js');
        const s = await runDemo(app.config, app.logger, say);
        const failed = s.runs.filter((r) => r.status !== 'succeeded');
        emit(app.json, s, () =>
          [
            '',
            'Orders pulled',
            table(
              ['mall', 'orders seen', 'lines seen', 'fulfillment orders', 'lines to pick', 'orders waiting', 'unmapped lines'],
              s.shops.map((x) => [x.mall, x.ordersSeen, x.linesSeen, x.fulfillmentOrders, x.fulfillmentLines, x.waitingOrders, x.unmappedLines]),
            ),
            '',
            `Unmapped lines (${s.unmapped.length}): what the seller adds to a sheet so these orders are released`,
            table(
              ['mall', 'order', 'code', 'product name + option text', 'reason'],
              s.unmapped.map((u) => [u.mall, u.mallOrderId, u.sellerCode ?? '—', `${u.productName}${u.optionText ? ` / ${u.optionText.replace(/\n/g, '⏎')}` : ''}`, u.reason]),
            ),
            '',
            `Database: ${s.database}   (look inside: sqlite3 ${s.database} 'select * from fulfillment_orders')`,
            `Done in ${s.seconds.toFixed(1)} s.${failed.length ? ` ${failed.length} shop runs failed: ${failed.map((f) => `${f.shop}: ${f.error}`).join('; ')}` : ''}`,
          ].join('\n'),
        );
        return failed.length ? 1 : 0;
      }),
    );
}
