import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { readSheet } from '../mappings/sheet-reader.js';
import { writeBigXlsx } from '../tests/fixtures/sheets/big-sheet.js';
import { peakRssMb, report, timed } from './measure.js';

/**
 * Reading a 100,000-row Korean/Japanese xlsx: mallbridge's safe streaming reader against a bare
 * exceljs streaming read of the same file, in the same run (the ratio is what matters; exceljs's
 * own reader corrupts split multi-byte characters, which is why ours exists).
 */
export async function benchSheetRead(rows = 100_000): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-bench-'));
  const file = path.join(dir, 'big.xlsx');
  try {
    await writeBigXlsx(file, rows);
    const bare = await timed(async () => {
      let n = 0;
      for await (const ws of new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', styles: 'cache', worksheets: 'emit' })) {
        for await (const row of ws) if (row) n++;
      }
      return n;
    });
    const ours = await timed(async () => {
      let n = 0;
      for await (const row of readSheet(file)) if (row) n++;
      return n;
    });
    report(`sheet read ${rows.toLocaleString('en')} rows`, {
      'rows/s': Math.round(ours.result / (ours.ms / 1000)),
      'ms': Math.round(ours.ms),
      'bare exceljs ms': Math.round(bare.ms),
      'ratio': ours.ms / bare.ms,
      'peak RSS MB': Math.round(peakRssMb()),
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
