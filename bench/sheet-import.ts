import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse';
import { insertSeller } from '../data/stores/sellers.js';
import { loadConfig } from '../lib/config.js';
import { silentLogger } from '../lib/logger.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import { importSkuSheet } from '../pipelines/sheets/import-skus.js';
import { bigSheetRow } from '../tests/fixtures/sheets/big-sheet.js';
import { benchDatabase, benchTargets } from './databases.js';
import { peakRssMb, report, timed } from './measure.js';

const HEADER = ['SKU코드', '상품명', '옵션명', '판매자 정의 코드', '수량', '바코드'];

function row(i: number): string[] {
  const [code, name, option] = bigSheetRow(i);
  return [code, name, option.split('\n')[0]!, `SC-${String(i).padStart(6, '0')}`, String(1 + (i % 3)), `880${String(i).padStart(10, '0')}`];
}

async function writeXlsx(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: createWriteStream(file), useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('SKU');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) ws.addRow(row(i)).commit();
  ws.commit();
  await wb.commit();
}

function writeCsv(file: string, rows: number): void {
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) lines.push(row(i).map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
  fs.writeFileSync(file, `\uFEFF${lines.join('\r\n')}\r\n`);
}

async function bareXlsxRead(file: string): Promise<number> {
  let n = 0;
  for await (const ws of new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' })) {
    for await (const r of ws) if (r) n++;
  }
  return n;
}

async function bareCsvRead(file: string): Promise<number> {
  let n = 0;
  for await (const r of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) if (r) n++;
  return n;
}

/**
 * `skus import` of a 100,000-row SKU sheet (every row with a seller code), as xlsx and as the same
 * rows in CSV, into a fresh SQLite and MySQL database each time: rows/s, the ratio of the whole
 * import (read, validate, cross-check, apply in one transaction) to a bare streaming read of the
 * same file (exceljs for xlsx, csv-parse for CSV) measured in the same run, and peak RSS.
 */
export async function benchSheetImport(rows = 100_000): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-bench-import-'));
  try {
    const xlsx = path.join(dir, 'skus.xlsx');
    const csv = path.join(dir, 'skus.csv');
    await writeXlsx(xlsx, rows);
    writeCsv(csv, rows);
    const bare = { xlsx: (await timed(() => bareXlsxRead(xlsx))).ms, csv: (await timed(() => bareCsvRead(csv))).ms };
    for (const target of benchTargets()) {
      for (const [kind, file] of [['xlsx', xlsx], ['csv', csv]] as const) {
        const b = await benchDatabase(target);
        try {
          const key = crypto.randomBytes(32);
          const deps: PipelineDeps = { config: loadConfig({}, os.tmpdir()), db: b.db, logger: silentLogger(), now: () => new Date(), secretKey: () => key };
          const seller = await insertSeller(b.db.knex, 'bench', null);
          const run = await timed(() => importSkuSheet(deps, seller, file, { dryRun: false }));
          if (run.result.changes.skus!.inserted !== rows) throw new Error(`expected ${rows} SKUs, got ${JSON.stringify(run.result.changes)}`);
          report(`skus import ${rows / 1000}k ${kind} → ${target}`, {
            'rows/s': Math.round(rows / (run.ms / 1000)),
            'ms': Math.round(run.ms),
            [`bare ${kind === 'xlsx' ? 'exceljs' : 'csv-parse'} read ms`]: Math.round(bare[kind]),
            'ratio': run.ms / bare[kind],
            'peak RSS MB': Math.round(peakRssMb()),
          });
        } finally {
          await b.drop();
        }
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
