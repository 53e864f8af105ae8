import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Seller } from '../data/stores/sellers.js';
import { canSeeSeller } from './access.js';
import type { Viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { NotFoundError } from './errors.js';
import type { UploadedFile } from './forms.js';

/** The sheets the console imports (the two that map order lines). */
export type SheetKind = 'skus' | 'mappings';

/** What is kept beside an uploaded sheet. */
interface UploadMeta {
  sellerId: number;
  sellerCode: string;
  kind: SheetKind;
  fileName: string;
  userId: number;
  createdAt: string;
}

/**
 * A sheet uploaded through the console, kept between its preview and its apply in
 * `$MALLBRIDGE_HOME/console/uploads/<random id>/` with its error files, on disk so that any
 * console process sharing MALLBRIDGE_HOME can apply it.
 */
export interface StagedUpload extends UploadMeta {
  id: string;
  dir: string;
  /** The sheet itself, under the seller's own file name (cleaned). */
  file: string;
}

/** A browser's file name made safe as a file name: the last path part, no control characters, at most 150 characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('').replace(/^\.+/, '').trim();
  if (!clean || clean === 'meta.json' || clean.startsWith('errors.')) return 'sheet';
  if (clean.length <= 150) return clean;
  const ext = path.extname(clean).slice(0, 10);
  return clean.slice(0, 150 - ext.length) + ext;
}

/** Stores an uploaded sheet for `seller` and returns it; removes uploads older than the console's upload TTL first. */
export function stageUpload(ctx: ConsoleContext, viewerId: number, seller: Seller, kind: SheetKind, upload: UploadedFile): StagedUpload {
  pruneUploads(ctx);
  const id = crypto.randomBytes(16).toString('hex');
  const dir = path.join(ctx.uploadsDir, id);
  fs.mkdirSync(dir, { mode: 0o700 });
  const meta: UploadMeta = { sellerId: seller.id, sellerCode: seller.code, kind, fileName: safeFileName(upload.name), userId: viewerId, createdAt: ctx.deps.now().toISOString() };
  const file = path.join(dir, meta.fileName);
  fs.writeFileSync(file, upload.data, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
  return { ...meta, id, dir, file };
}

/**
 * The staged upload `id` when the viewer may see it.
 *
 * @throws NotFoundError for a malformed or unknown id, an expired upload, or another seller's.
 */
export function findUpload(ctx: ConsoleContext, v: Viewer, id: string | undefined): StagedUpload {
  if (!id || !/^[0-9a-f]{32}$/.test(id)) throw new NotFoundError();
  const dir = path.join(ctx.uploadsDir, id);
  let meta: UploadMeta;
  try {
    meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as UploadMeta;
  } catch {
    throw new NotFoundError();
  }
  if (!canSeeSeller(v, meta.sellerId)) throw new NotFoundError();
  return { ...meta, id, dir, file: path.join(dir, meta.fileName) };
}

/** Removes staged uploads older than the upload TTL. */
export function pruneUploads(ctx: ConsoleContext): void {
  const cutoff = ctx.deps.now().getTime() - ctx.options.uploadTtlMs;
  for (const entry of fs.readdirSync(ctx.uploadsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(ctx.uploadsDir, entry.name);
    try {
      if (fs.statSync(dir).mtimeMs < cutoff) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another console process removed it first.
    }
  }
}
