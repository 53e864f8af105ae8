/**
 * `npm run bench`: benchmarks that print what they measured; ratios are taken within one run.
 * Set MYSQL_URL=mysql://root@127.0.0.1:3306/ to include MySQL. The reconciliation report runs
 * over 200,000 generated lines by default (about 40 s); BENCH_REPORT_LINES=1000000 measures the
 * million-line day of issue 19 (about 3 ½ minutes, most of it generating the data).
 */
import { benchPull } from './pull.js';
import { benchSheetRead } from './sheet-read.js';
import { benchReport } from './report.js';
import { benchSheetImport } from './sheet-import.js';

process.stdout.write(`mallbridge benchmarks (node ${process.version}, ${new Date().toISOString()})\n`);
await benchSheetRead();
await benchSheetImport();
await benchPull();
await benchReport(Number(process.env.BENCH_REPORT_LINES ?? 200_000));
