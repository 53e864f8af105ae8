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
  /** The sheet itself, under the seller's own file name (cleaned, at most 200 UTF-8 bytes): the importers record and show it. */
  file: string;
}

/** The longest cleaned file name kept, in UTF-8 bytes: file systems allow 255 bytes (not characters: 84 Hangul are 252), download names add `.errors.xlsx`. */
const MAX_NAME_BYTES = 200;

/** The first characters of `text` that fit in `bytes` UTF-8 bytes (never half a character). */
function fitBytes(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const c of text) {
    used += Buffer.byteLength(c);
    if (used > bytes) break;
    out += c;
  }
  return out;
}

/** A browser's file name made safe as a file name: the last path part, no control characters, at most 200 UTF-8 bytes (the extension kept). */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = [...base].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f).join('').replace(/^\.+/, '').trim();
  if (!clean || clean === 'meta.json' || clean.startsWith('errors.')) return 'sheet';
  if (Buffer.byteLength(clean) <= MAX_NAME_BYTES) return clean;
  const ext = /^\.[A-Za-z0-9]{1,10}$/.test(path.extname(clean)) ? path.extname(clean) : '';
  return fitBytes(clean, MAX_NAME_BYTES - ext.length) + ext;
}

/** Stores an uploaded sheet for `seller` and returns it; removes uploads older than the console's upload TTL first. */
export function stageUpload(ctx: ConsoleContext, viewerId: number, seller: Seller, kind: SheetKind, upload: UploadedFile): StagedUpload {
  pruneUploads(ctx);
  const id = crypto.randomBytes(16).toString('hex');
  const dir = path.join(ctx.uploadsDir, id);
  const meta: UploadMeta = { sellerId: seller.id, sellerCode: seller.code, kind, fileName: safeFileName(upload.name), userId: viewerId, createdAt: ctx.deps.now().toISOString() };
  const file = path.join(dir, meta.fileName);
  fs.mkdirSync(dir, { mode: 0o700 });
  try {
    fs.writeFileSync(file, upload.data, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta), { mode: 0o600 });
  } catch (err) {
    removeUpload({ dir });
    throw err;
  }
  return { ...meta, id, dir, file };
}

/** Removes a staged upload and its error files (a preview that failed leaves nothing behind). */
export function removeUpload(upload: Pick<StagedUpload, 'dir'>): void {
  fs.rmSync(upload.dir, { recursive: true, force: true });
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
