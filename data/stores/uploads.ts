import type { Conn } from '../db.js';
import { toDbTime } from '../../lib/time.js';
import type { SheetIssue } from '../../lib/errors.js';

/** What kind of sheet an upload was. */
export type UploadKind = 'skus' | 'mappings' | 'stock' | 'shipments';

/** One sheet upload as recorded in `upload_batches`. */
export interface UploadRecord {
  sellerId: number | null;
  kind: UploadKind;
  fileName: string;
  fileSha256: string;
  status: 'applied' | 'rejected' | 'dry_run';
  rowCount: number;
  inserted: number;
  updated: number;
  unchanged: number;
  releasedOrders: number;
  errors: SheetIssue[];
}

/** Records an upload; keeps at most the first 1 000 errors (the count is kept whole). Returns its id. */
export async function recordUpload(conn: Conn, u: UploadRecord, now = new Date()): Promise<number> {
  const [id] = await conn('upload_batches').insert({
    seller_id: u.sellerId,
    kind: u.kind,
    file_name: u.fileName.slice(0, 500),
    file_sha256: u.fileSha256,
    status: u.status,
    row_count: u.rowCount,
    inserted: u.inserted,
    updated: u.updated,
    unchanged: u.unchanged,
    released_orders: u.releasedOrders,
    error_count: u.errors.length,
    errors: u.errors.length ? JSON.stringify(u.errors.slice(0, 1000)) : null,
    created_at: toDbTime(now),
  });
  return Number(id);
}
