import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { findSellerByCode } from '../data/stores/sellers.js';
import { InputError, SheetError } from '../lib/errors.js';
import type { ImportSummary } from '../pipelines/sheets/apply.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { Seller } from '../data/stores/sellers.js';
import { action } from './command.js';
import { emit, table } from './output.js';
import { rowProgress } from './progress.js';

/** Loads an import pipeline (lazily: exceljs and friends only for the commands that read sheets). `seller` is null for sheets that span sellers (shipments). */
type Importer = () => Promise<(deps: PipelineDeps, seller: Seller | null, file: string, options: { dryRun: boolean; onRow?: (row: number) => void }) => Promise<ImportSummary>>;

function describe(s: ImportSummary): string {
  const rows = Object.entries(s.changes).map(([kind, c]) => [kind, c.inserted, c.updated, c.unchanged]);
  const where = s.sheet === null ? s.file : `${s.file} (sheet "${s.sheet}")`;
  const lines = [`${s.dryRun ? 'Dry run (nothing applied)' : 'Applied'}: ${where}, ${s.rows} ${s.rows === 1 ? 'row' : 'rows'}.`, table(['', 'inserted', 'updated', 'unchanged'], rows)];
  if (s.releasedOrders > 0 || s.waitingOrders > 0 || 'seller_codes' in s.changes || 'name_mappings' in s.changes) {
    lines.push(`Waiting orders ${s.dryRun ? 'this sheet would release' : 'released'}: ${s.releasedOrders}${s.releasedOrderIds.length ? ` (${s.releasedOrderIds.slice(0, 20).join(', ')}${s.releasedOrderIds.length > 20 ? ', …' : ''})` : ''}; still waiting for a mapping: ${s.waitingOrders}.`);
  }
  if (s.unknownColumns.length) lines.push(`Ignored columns: ${s.unknownColumns.join(', ')}`);
  for (const w of s.warnings) lines.push(`Warning: ${w}`);
  return lines.join('\n');
}

/** What `--dry-run` shows for sheets that map order lines (and so may release waiting orders). */
const DRY_RUN_MAPPINGS = 'show what would change (and which waiting orders would be released) without applying';

/**
 * Adds `<group> import <file> [--seller S] [--dry-run] [--errors-out F]` for one kind of sheet.
 * `dryRun` is the help text of `--dry-run`: what that kind of sheet would change.
 */
export function importCommand(group: Command, what: string, importer: Importer, options: { needsSeller?: boolean; dryRun?: string } = {}): void {
  const cmd = group
    .command('import <file>')
    .description(`import a ${what} (xlsx or CSV); every error is listed and nothing is applied unless the whole sheet is clean`);
  if (options.needsSeller ?? true) cmd.requiredOption('--seller <code>', 'seller code');
  cmd
    .option('--dry-run', options.dryRun ?? DRY_RUN_MAPPINGS, false)
    .option('--errors-out <file>', 'write the errors to this .xlsx (with your rows and an error column) or .csv file')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, file: string, opts: { seller?: string; dryRun: boolean; errorsOut?: string }) => {
        if (opts.errorsOut !== undefined) {
          if (!/\.(xlsx|csv)$/i.test(opts.errorsOut)) throw new InputError(`--errors-out must name an .xlsx or .csv file, not ${opts.errorsOut}`);
          if (!fs.existsSync(path.dirname(path.resolve(opts.errorsOut)))) throw new InputError(`--errors-out: the folder ${path.dirname(path.resolve(opts.errorsOut))} does not exist`);
          if (path.resolve(opts.errorsOut) === path.resolve(file)) throw new InputError('--errors-out names the sheet being imported; choose another file (the sheet would be overwritten)');
          if (fs.existsSync(opts.errorsOut) && fs.statSync(opts.errorsOut).isDirectory()) throw new InputError(`--errors-out ${opts.errorsOut} is a folder; name a file`);
        }
        if (opts.seller !== undefined && opts.seller.trim() === '') throw new InputError('--seller: the seller code is empty; give the code of a seller (see sellers add)');
        const deps = await app.deps();
        const seller = opts.seller === undefined ? null : ((await findSellerByCode(deps.db.knex, opts.seller)) ?? null);
        if (opts.seller !== undefined && !seller) throw new InputError(`seller ${opts.seller} does not exist`);
        try {
          const run = await importer();
          const progress = rowProgress(`reading ${path.basename(file)}:`, app.json);
          let summary: ImportSummary;
          try {
            summary = await run(deps, seller, file, { dryRun: opts.dryRun, onRow: progress.onRow });
          } finally {
            progress.stop();
          }
          emit(app.json, summary, () => describe(summary));
        } catch (err) {
          if (err instanceof SheetError && opts.errorsOut) {
            const { writeErrorFile } = await import('../mappings/error-file.js');
            try {
              await writeErrorFile(opts.errorsOut, err.issues, file);
              const n = err.issues.length;
              process.stderr.write(`Wrote ${n} ${n === 1 ? 'error' : 'errors'} to ${opts.errorsOut}${opts.errorsOut.toLowerCase().endsWith('.csv') ? '' : ' (first sheet: your rows with an error column to fix in place)'}\n`);
            } catch (writeErr) {
              process.stderr.write(`Could not write the errors to ${opts.errorsOut}: ${(writeErr as Error).message}\n`);
              throw err;
            }
            throw new SheetError(err.fileName, err.issues, { errorFile: opts.errorsOut });
          }
          throw err;
        }
      }),
    );
}

/** `mallbridge skus template | import` and `mallbridge mappings import` (design.md §4a, §8). */
export function registerSheets(program: Command): void {
  const skus = program.command('skus').description('warehouse SKUs and seller codes');
  skus
    .command('template')
    .description('write an xlsx template for the SKU sheet (Korean headers, notes, examples)')
    .option('--out <file>', 'where to write it', 'sku-template.xlsx')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, opts: { out: string }) => {
        const out = path.resolve(opts.out);
        if (!out.toLowerCase().endsWith('.xlsx')) throw new InputError(`--out must name an .xlsx file, not ${opts.out}`);
        if (fs.existsSync(out)) throw new InputError(`${out} already exists; choose another --out (nothing was overwritten)`);
        if (!fs.existsSync(path.dirname(out))) throw new InputError(`the folder ${path.dirname(out)} does not exist`);
        const { writeSkuTemplate } = await import('../mappings/sku-template.js');
        await writeSkuTemplate(out);
        emit(app.json, { file: out }, () => `Wrote the SKU sheet template to ${out}`);
      }),
    );
  importCommand(skus, 'SKU sheet', async () => (await import('../pipelines/sheets/import-skus.js')).importSkuSheet);
  importCommand(program.command('mappings').description('product name + option text mappings (Rakuten fallback)'), 'name + option sheet', async () => (await import('../pipelines/sheets/import-mappings.js')).importNameSheet);
}
