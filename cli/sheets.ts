import type { Command } from 'commander';
import { findSellerByCode } from '../data/stores/sellers.js';
import { InputError, SheetError } from '../lib/errors.js';
import type { ImportSummary } from '../pipelines/sheets/apply.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { Seller } from '../data/stores/sellers.js';
import { action } from './command.js';
import { emit, table } from './output.js';

type Importer = () => Promise<(deps: PipelineDeps, seller: Seller, file: string, options: { dryRun: boolean }) => Promise<ImportSummary>>;

function describe(s: ImportSummary): string {
  const rows = Object.entries(s.changes).map(([kind, c]) => [kind, c.inserted, c.updated, c.unchanged]);
  const lines = [
    `${s.dryRun ? 'Dry run (nothing applied)' : 'Applied'}: ${s.file}, ${s.rows} rows.`,
    table(['', 'inserted', 'updated', 'unchanged'], rows),
    `Waiting orders ${s.dryRun ? 'this sheet would release' : 'released'}: ${s.releasedOrders}; still waiting for a mapping: ${s.waitingOrders}.`,
  ];
  if (s.unknownColumns.length) lines.push(`Ignored columns: ${s.unknownColumns.join(', ')}`);
  return lines.join('\n');
}

function importCommand(group: Command, what: string, importer: Importer): void {
  group
    .command('import <file>')
    .description(`import a ${what} (xlsx or CSV); every error is listed and nothing is applied unless the whole sheet is clean`)
    .requiredOption('--seller <code>', 'seller code')
    .option('--dry-run', 'show what would change (and which waiting orders would be released) without applying', false)
    .option('--errors-out <file>', 'write the errors to this xlsx or CSV file')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, file: string, opts: { seller: string; dryRun: boolean; errorsOut?: string }) => {
        const deps = await app.deps();
        const seller = await findSellerByCode(deps.db.knex, opts.seller);
        if (!seller) throw new InputError(`seller ${opts.seller} does not exist`);
        try {
          const run = await importer();
          const summary = await run(deps, seller, file, { dryRun: opts.dryRun });
          emit(app.json, summary, () => describe(summary));
        } catch (err) {
          if (err instanceof SheetError && opts.errorsOut) {
            const { writeErrorFile } = await import('../mappings/error-file.js');
            await writeErrorFile(opts.errorsOut, err.issues);
            process.stderr.write(`Wrote ${err.issues.length} errors to ${opts.errorsOut}\n`);
          }
          throw err;
        }
      }),
    );
}

/** `mallbridge skus import` and `mallbridge mappings import` (design.md §4a, §8). */
export function registerSheets(program: Command): void {
  importCommand(program.command('skus').description('warehouse SKUs and seller codes'), 'SKU sheet', async () => (await import('../pipelines/sheets/import-skus.js')).importSkuSheet);
  importCommand(program.command('mappings').description('product name + option text mappings (Rakuten fallback)'), 'name + option sheet', async () => (await import('../pipelines/sheets/import-mappings.js')).importNameSheet);
}
