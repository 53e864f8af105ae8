/**
 * `npm run bench`: benchmarks that print what they measured; ratios are taken within one run.
 * Set MYSQL_URL=mysql://root@127.0.0.1:3306/ to include MySQL.
 */
import { benchPull } from './pull.js';
import { benchSheetRead } from './sheet-read.js';
import { benchSheetImport } from './sheet-import.js';

process.stdout.write(`mallbridge benchmarks (node ${process.version}, ${new Date().toISOString()})\n`);
await benchSheetRead();
await benchSheetImport();
await benchPull();
