import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../lib/errors.js';
import { listUnmapped } from '../pipelines/orders/unmapped.js';
import { action } from './command.js';
import { emit, table } from './output.js';

/** `mallbridge orders unmapped [--seller S] [--out F]` and `orders resume <order>`. */
export function registerOrders(program: Command): void {
  const orders = program.command('orders').description('marketplace orders taken in');
  orders
    .command('unmapped')
    .description('lines waiting for a mapping: the code or exact name + option text to add to a sheet, why, and near misses')
    .option('--seller <code>', 'only this seller')
    .option('--out <file>', 'also write them to an .xlsx (a name + option sheet to complete) or .csv file')
    .option('--json', 'print as JSON')
    .action(
      action(async (app, opts: { seller?: string; out?: string }) => {
        if (opts.out !== undefined) {
          if (!/\.(xlsx|csv)$/i.test(opts.out)) throw new InputError(`--out must name an .xlsx or .csv file, not ${opts.out}`);
          if (!fs.existsSync(path.dirname(path.resolve(opts.out)))) throw new InputError(`--out: the folder ${path.dirname(path.resolve(opts.out))} does not exist`);
        }
        const deps = await app.deps();
        const lines = await listUnmapped(deps, opts.seller);
        let written = '';
        if (opts.out !== undefined) {
          const { writeUnmappedFile } = await import('../pipelines/orders/unmapped-file.js');
          const w = await writeUnmappedFile(opts.out, lines);
          written = `\nWrote ${lines.length} lines to ${w.file} (${w.nameRows} name + option, ${w.codeRows} codes).`;
        }
        emit(app.json, lines, () =>
          lines.length === 0
            ? `No unmapped lines.${written}`
            : table(
                ['mall', 'order', 'line', 'code', 'product name', 'option text', 'reason', 'near misses'],
                lines.map((l) => [l.mall, l.mallOrderId, l.mallLineId, l.sellerCode ?? '', l.productName, l.optionText.replace(/\n/g, '⏎'), l.reason, l.suggestions.join('; ')]),
              ) + written,
        );
      }),
    );
  orders
    .command('resume <order>')
    .description('release a held parcel once its change is dealt with (fulfillment order id, or ORDER or ORDER/PACKAGE)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (app, ref: string) => {
        const deps = await app.deps();
        const { resumeOrder } = await import('../pipelines/orders/resume.js');
        const r = await resumeOrder(deps, ref);
        emit(app.json, r, () => `Fulfillment order ${r.fulfillmentOrderId} (${r.mallOrderId}${r.mallPackageId ? `/${r.mallPackageId}` : ''}): on_hold → ${r.to}${r.applied.length ? ` (${r.applied.join('; ')})` : ''}.`);
      }),
    );
}
