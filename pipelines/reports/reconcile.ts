import fs from 'node:fs';
import path from 'node:path';
import { countFailedStock, countReportExports, countReportHolds, countReportLines, countReportOrders } from '../../data/stores/report-counts.js';
import { inReadSnapshot } from '../../data/stores/reports.js';
import { listShops, type Shop } from '../../data/stores/shops.js';
import { InputError } from '../../lib/errors.js';
import { toKstIsoMillis } from '../../lib/time.js';
import type { PipelineDeps } from '../deps.js';
import { resolveShop } from '../shops.js';
import { CsvSink } from './csv-sink.js';
import { reportDay, type ReportDay } from './day.js';
import { CHECK_DEF, REPORT_LISTS } from './lists.js';
import type { Cell, ListCheck, ReconcileResult, ReportSink } from './model.js';
import { reconcileShops, SUMMARY, summaryRows, totalsOf } from './summary.js';
import { XlsxSink } from './xlsx-sink.js';

/**
 * The reconciliation report (design.md §10, issue 19): for each shop and KST day, the order lines
 * seen at the marketplace, how they mapped, the fulfillment orders by status, what is still to
 * tell the marketplace or failed, holds, failed stock pushes, and shop alerts — counts that add up
 * (checked and said so in the Summary) and the lists behind each count.
 *
 * **Which day a row belongs to.** A marketplace line belongs to the KST calendar day of its
 * `ordered_at`, the order time the marketplace gives (its `first_seen_at` when there is none);
 * a parcel to the day of its own `ordered_at` (its lines'); a confirmation or tracking number to
 * its parcel's day. Each row is shown in its state as of the report's snapshot. The order time
 * never changes, so a line is in exactly one day's report however often and whenever it was
 * pulled (the pull's overlapping windows and the nightly sweep re-read lines; `first_seen_at` or
 * `updated_at` would move them between days or count them twice), and it is the day the
 * marketplaces' own order lists filter by (Rakuten `searchOrder` dateType 1, Naver's order
 * date), so the day's "seen" can be compared with the seller centre. A report re-run later shows
 * the same lines in their newer states. Not bound to the day: parcels on hold now (whatever their
 * order day: a hold waits for an operator and is always reported, design.md §5), failed stock
 * pushes, licence keys and shop health.
 *
 * All counts and lists come from one read snapshot (data/stores/reports.ts), so they agree with
 * each other; each list's rows are also counted per shop as they are written and compared with
 * the Summary's counts.
 */

/** Where the nightly report of `date` goes: `$MALLBRIDGE_HOME/reports/<date>/`. */
export function reportFolder(deps: Pick<PipelineDeps, 'config'>, date: string): string {
  return path.join(deps.config.home, 'reports', date);
}

/**
 * Checks an output path given by a person: `.xlsx` or `.csv`, not a folder, in an existing,
 * writable folder.
 *
 * @throws InputError with the sentence to print.
 */
export function checkOutPath(out: string): string {
  const file = path.resolve(out);
  if (!/\.(xlsx|csv)$/i.test(file)) throw new InputError(`--out must name an .xlsx or .csv file, not ${out}`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`--out: the folder ${dir} does not exist`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new InputError(`--out: ${file} is a folder`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new InputError(`--out: the folder ${dir} is not writable`);
  }
  return file;
}

function makeFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new InputError(`cannot write reports in ${dir} (${(err as Error).message}); check MALLBRIDGE_HOME`, { cause: err });
  }
}

function sinkFor(file: string): ReportSink {
  return /\.csv$/i.test(file) ? new CsvSink(file) : new XlsxSink(file);
}

async function toAll(sinks: ReportSink[], f: (s: ReportSink) => Promise<unknown>): Promise<void> {
  for (const s of sinks) await f(s);
}

/**
 * Reads the day's counts and lists for `shops` in one snapshot and writes them to every sink
 * (Summary, then each list, the check list last); returns the counts, the checks and the paths.
 * On any error the sinks' temporary files are removed and nothing is left at the final paths.
 */
async function produce(deps: PipelineDeps, day: ReportDay, shopIds: number[] | 'all', sinks: ReportSink[], signal?: AbortSignal): Promise<ReconcileResult> {
  try {
    return await inReadSnapshot(deps.db.knex, async (trx) => {
      const now = deps.now();
      const all = await listShops(trx);
      const shops: Shop[] = shopIds === 'all' ? all : all.filter((s) => shopIds.includes(s.id));
      const scope = { shopIds: shops.map((s) => s.id), from: day.from, to: day.to };
      const counts = {
        lines: await countReportLines(trx, scope),
        orders: await countReportOrders(trx, scope),
        confirmations: await countReportExports(trx, 'confirm', scope),
        tracking: await countReportExports(trx, 'tracking', scope),
        holds: await countReportHolds(trx, scope),
        stockFailed: await countFailedStock(trx, scope.shopIds),
      };
      const rec = reconcileShops(shops, counts, now);
      const totals = totalsOf(rec);
      const failedChecks = [...rec, totals].flatMap((r) => r.checks).filter((c) => !c.addsUp).length;
      const generatedAt = toKstIsoMillis(now);

      await toAll(sinks, (s) => s.begin(SUMMARY));
      const summary = summaryRows({ date: day.date, generatedAt: `${generatedAt.slice(0, 10)} ${generatedAt.slice(11, 19)}`, shops: rec.length, addsUp: failedChecks === 0, failedChecks }, rec, totals);
      await toAll(sinks, (s) => s.rows(summary));
      await toAll(sinks, (s) => s.end());

      const ctx = { conn: trx, scope, shops: rec, names: new Map(rec.map((r) => [r.shopId, r.shop])) };
      const listChecks: ListCheck[] = [];
      const listRows: Record<string, number> = {};
      for (const list of REPORT_LISTS) {
        signal?.throwIfAborted();
        const perShop = new Map<number, number>();
        await toAll(sinks, (s) => s.begin(list.def));
        for await (const batch of list.read(ctx)) {
          for (const r of batch) perShop.set(r.shopId, (perShop.get(r.shopId) ?? 0) + 1);
          const cells = batch.map((r) => r.cells);
          await toAll(sinks, (s) => s.rows(cells));
          signal?.throwIfAborted();
        }
        for (const r of rec) {
          const written = perShop.get(r.shopId) ?? 0;
          if (written !== list.expected(r)) listChecks.push({ list: list.def.name, shopId: r.shopId, expected: list.expected(r), written });
        }
        if (list.def.name === CHECK_DEF.name && listChecks.length > 0) {
          // Said where the differences are listed: these rows are not part of the check list's own count.
          const rows: Cell[][] = listChecks.map((c) => [c.shopId, ctx.names.get(c.shopId) ?? '', `rows in ${c.list} = its count`, 'list', null, '', '', `${c.written} rows`, `the Summary counts ${c.expected}: the data changed outside the report's snapshot, or a report bug`]);
          await toAll(sinks, (s) => s.rows(rows));
        }
        listRows[list.def.name] = [...perShop.values()].reduce((a, b) => a + b, 0);
        await toAll(sinks, (s) => s.end());
      }
      const files: string[] = [];
      for (const s of sinks) files.push(...(await s.finish()));
      return {
        date: day.date,
        from: toKstIsoMillis(day.from),
        to: toKstIsoMillis(day.to),
        generatedAt,
        addsUp: failedChecks === 0 && listChecks.length === 0,
        shops: rec,
        totals,
        listChecks,
        listRows,
        files,
      };
    });
  } catch (err) {
    for (const s of sinks) await s.abort().catch(() => undefined);
    throw err;
  }
}

/** What `mallbridge report reconcile` is given. */
export interface ReconcileOptions {
  /** `YYYY-MM-DD`, a KST day no later than today; default yesterday (KST). */
  date?: string;
  /** `<shop>` as the command line names it (id, marketplace id, `naver:ID`); default every shop. */
  shop?: string;
  /**
   * `F.xlsx` (one workbook) or `F.csv` (the Summary there, each list as `F.<list>.csv`); default
   * `$MALLBRIDGE_HOME/reports/<date>/reconcile.xlsx` (`reconcile-shop-<id>.xlsx` for one shop).
   */
  out?: string;
  signal?: AbortSignal;
}

/**
 * `mallbridge report reconcile`: writes the reconciliation report of one KST day for every shop
 * (or one) to an xlsx workbook or a set of CSV files, and returns its counts and paths.
 *
 * @throws InputError (exit 2, nothing written) for a bad date, an unknown shop or an unusable
 *   output path; database errors as they come (nothing left at the output path).
 */
export async function reconcileReport(deps: PipelineDeps, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const day = reportDay(options.date, deps.now());
  const shop = options.shop !== undefined ? await resolveShop(deps.db.knex, options.shop) : undefined;
  let out: string;
  if (options.out !== undefined) out = checkOutPath(options.out);
  else {
    const dir = reportFolder(deps, day.date);
    makeFolder(dir);
    out = path.join(dir, shop ? `reconcile-shop-${shop.id}.xlsx` : 'reconcile.xlsx');
  }
  return produce(deps, day, shop ? [shop.id] : 'all', [sinkFor(out)], options.signal);
}

/**
 * The nightly `reconcile` job's work (design.md §7, 01:00 KST): the report of `date` (default
 * yesterday, KST) for every shop, written to `$MALLBRIDGE_HOME/reports/<date>/reconcile.xlsx` and,
 * from the same snapshot in the same pass, as CSV beside it (`reconcile.csv` the Summary,
 * `reconcile.<list>.csv` each list). Files are written under temporary names and renamed into
 * place at the end, so running it again (or two workers at once) replaces the files whole.
 * Call it once per night, not once per shop: every shop is in the one report.
 *
 * @returns the counts per shop and in total, `addsUp`, and the paths written (xlsx first).
 * @throws InputError when `date` is not a KST day up to today or the folder cannot be written.
 */
export async function writeNightlyReconcile(deps: PipelineDeps, options: { date?: string; signal?: AbortSignal } = {}): Promise<ReconcileResult> {
  const day = reportDay(options.date, deps.now());
  const dir = reportFolder(deps, day.date);
  makeFolder(dir);
  return produce(deps, day, 'all', [new XlsxSink(path.join(dir, 'reconcile.xlsx')), new CsvSink(path.join(dir, 'reconcile.csv'))], options.signal);
}
