import type { Command } from 'commander';
import { listUnmapped } from '../pipelines/orders/unmapped.js';
import { action } from './command.js';
import { emit, table } from './output.js';

/** `mallbridge orders unmapped [--seller S]`: the lines a seller must map, and why. */
export function registerOrders(program: Command): void {
  const orders = program.command('orders').description('marketplace orders taken in');
  orders
    .command('unmapped')
    .description('lines waiting for a mapping: the code or exact name + option text to add to a sheet, and why')
    .option('--seller <code>', 'only this seller')
    .option('--json', 'print as JSON')
    .action(
      action(async (app, opts: { seller?: string }) => {
        const deps = await app.deps();
        const lines = await listUnmapped(deps, opts.seller);
        emit(app.json, lines, () =>
          lines.length === 0
            ? 'No unmapped lines.'
            : table(
                ['mall', 'order', 'line', 'code', 'product name', 'option text', 'reason'],
                lines.map((l) => [l.mall, l.mallOrderId, l.mallLineId, l.sellerCode ?? '', l.productName, l.optionText.replace(/\n/g, '⏎'), l.reason]),
              ),
        );
      }),
    );
}
