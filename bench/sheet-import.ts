import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { bigSheetRow } from '../tests/fixtures/sheets/big-sheet.js';
import { benchTargets } from './databases.js';
import { report } from './measure.js';

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

/** Runs one measurement in a child process (bench/child.ts) and returns what it printed. */
function child(args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, [path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.js'), ...args], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
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
    const bare = { xlsx: child(['bare-xlsx', xlsx]), csv: child(['bare-csv', csv]) };
    for (const target of benchTargets()) {
      for (const [kind, file] of [['xlsx', xlsx], ['csv', csv]] as const) {
        const run = child(['import', file, target]);
        if (run.inserted !== rows) throw new Error(`expected ${rows} SKUs inserted, got ${JSON.stringify(run)}`);
        report(`skus import ${rows / 1000}k ${kind} → ${target}`, {
          'rows/s': Math.round(rows / (run.ms! / 1000)),
          ms: Math.round(run.ms!),
          [`bare ${kind === 'xlsx' ? 'exceljs' : 'csv-parse'} read ms`]: Math.round(bare[kind].ms!),
          ratio: run.ms! / bare[kind].ms!,
          'peak RSS MB': Math.round(run.peakRssMb!),
        });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
