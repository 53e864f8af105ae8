import type { Knex } from 'knex';
import { listShops } from '../../data/stores/shops.js';
import { inTransaction } from '../../data/transaction.js';
import { recordUpload, type UploadKind } from '../../data/stores/uploads.js';
import { InputError, SheetError, type SheetIssue } from '../../lib/errors.js';
import type { PipelineDeps } from '../deps.js';
import { releaseWaitingOrders } from '../orders/release.js';

/** Inserted / updated / unchanged counts of one kind of row. */
export interface ChangeCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** The summary every sheet import prints (and `--json` returns). */
export interface ImportSummary {
  file: string;
  /** The worksheet read (xlsx: the first visible one); null for CSV. */
  sheet: string | null;
  sha256: string;
  dryRun: boolean;
  rows: number;
  /** Per kind of record: `skus`, `seller_codes`, `name_mappings`. */
  changes: Record<string, ChangeCounts>;
  /** Fulfillment orders created because this sheet mapped their waiting lines (would be, in a dry run). */
  releasedOrders: number;
  /** Which: `mallOrderId` or `mallOrderId/mallPackageId` (the first 100). */
  releasedOrderIds: string[];
  /** Orders still waiting for a mapping afterwards. */
  waitingOrders: number;
  unknownColumns: string[];
  /** Things to know though the sheet was accepted (other worksheets not imported). */
  warnings: string[];
  uploadId: number;
}

class DryRunRollback extends Error {}

/**
 * Applies a validated sheet in one transaction together with the release of waiting orders of
 * the seller's shops (design.md §4: released automatically). A dry run does exactly the same and
 * rolls it back, so its counts are the real ones. Records the upload in `upload_batches`.
 */
export async function applySheet(
  deps: PipelineDeps,
  args: { kind: UploadKind; sellerId: number | null; file: string; sha256: string; rows: number; dryRun: boolean; unknownColumns: string[]; sheet: string | null; warnings: string[] },
  write: (trx: Knex.Transaction, now: Date) => Promise<Record<string, ChangeCounts>>,
): Promise<ImportSummary> {
  const knex = deps.db.knex;
  let changes: Record<string, ChangeCounts> = {};
  let released = { created: 0, waiting: 0, keys: [] as string[] };
  try {
    await inTransaction(knex, async (trx) => {
      const now = deps.now();
      changes = await write(trx, now);
      if (args.sellerId !== null && (args.kind === 'skus' || args.kind === 'mappings')) {
        const shops = await listShops(trx, args.sellerId);
        const r = await releaseWaitingOrders(deps, shops, trx);
        released = { created: r.created, waiting: r.waiting, keys: r.createdKeys.slice(0, 100) };
      }
      if (args.dryRun) throw new DryRunRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  const total = Object.values(changes).reduce((a, c) => ({ inserted: a.inserted + c.inserted, updated: a.updated + c.updated, unchanged: a.unchanged + c.unchanged }), { inserted: 0, updated: 0, unchanged: 0 });
  const uploadId = await recordUpload(knex, {
    sellerId: args.sellerId,
    kind: args.kind,
    fileName: args.file,
    fileSha256: args.sha256,
    status: args.dryRun ? 'dry_run' : 'applied',
    rowCount: args.rows,
    ...total,
    releasedOrders: released.created,
    errors: [],
  }, deps.now());
  return { file: args.file, sheet: args.sheet, sha256: args.sha256, dryRun: args.dryRun, rows: args.rows, changes, releasedOrders: released.created, releasedOrderIds: released.keys, waitingOrders: released.waiting, unknownColumns: args.unknownColumns, warnings: args.warnings, uploadId };
}

/**
 * Records a refused sheet in `upload_batches` and throws its SheetError (exit 2, nothing applied).
 */
export async function rejectSheet(deps: PipelineDeps, args: { kind: UploadKind; sellerId: number | null; file: string; sha256: string; rows: number }, issues: SheetIssue[]): Promise<never> {
  const sorted = [...issues].sort((a, b) => a.row - b.row);
  await recordUpload(deps.db.knex, { sellerId: args.sellerId, kind: args.kind, fileName: args.file, fileSha256: args.sha256, status: 'rejected', rowCount: args.rows, inserted: 0, updated: 0, unchanged: 0, releasedOrders: 0, errors: sorted }, deps.now());
  throw new SheetError(args.file, sorted);
}

/** The seller a per-seller sheet is for. @throws InputError when none was named. */
export function requireSeller<S>(seller: S | null): S {
  if (seller === null) throw new InputError('--seller is required for this sheet');
  return seller;
}
