/**
 * One measurement in a process of its own, so its peak RSS is its own:
 * `node dist/bench/child.js <measurement> <args…>` prints one JSON object
 * `{ ms, peakRssMb, …result }` on stdout.
 */
import os from 'node:os';
import crypto from 'node:crypto';
import { createReadStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse';
import { insertSeller } from '../data/stores/sellers.js';
import { loadConfig } from '../lib/config.js';
import { silentLogger } from '../lib/logger.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { importSkuSheet } from '../pipelines/sheets/import-skus.js';
import { benchDatabase } from './databases.js';
import { peakRssMb, timed } from './measure.js';

async function bareXlsx(file: string): Promise<number> {
  let n = 0;
  for await (const ws of new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' })) {
    for await (const r of ws) if (r) n++;
  }
  return n;
}

async function bareCsv(file: string): Promise<number> {
  let n = 0;
  for await (const r of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) if (r) n++;
  return n;
}

async function importInto(file: string, target: 'sqlite' | 'mysql'): Promise<Record<string, unknown>> {
  const b = await benchDatabase(target);
  try {
    const key = crypto.randomBytes(32);
    const deps: PipelineDeps = { config: loadConfig({}, os.tmpdir()), db: b.db, logger: silentLogger(), now: () => new Date(), secretKey: () => key };
    const seller = await insertSeller(b.db.knex, 'bench', null);
    const run = await timed(() => importSkuSheet(deps, seller, file, { dryRun: false }));
    return { ms: run.ms, rows: run.result.rows, inserted: run.result.changes.skus?.inserted };
  } finally {
    await b.drop();
  }
}

const [what, file, target] = process.argv.slice(2);
let out: Record<string, unknown>;
if (what === 'bare-xlsx') out = { ms: (await timed(() => bareXlsx(file!))).ms };
else if (what === 'bare-csv') out = { ms: (await timed(() => bareCsv(file!))).ms };
else if (what === 'import') out = await importInto(file!, target as 'sqlite' | 'mysql');
else throw new Error(`unknown measurement ${what}`);
process.stdout.write(`${JSON.stringify({ ...out, peakRssMb: peakRssMb() })}\n`);
