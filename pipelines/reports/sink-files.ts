import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { escapeCell } from '../../lib/spreadsheet-escape.js';
import type { Cell, CellType } from './model.js';

/**
 * What the report writers share: temporary files renamed into place at the end (so a reader, or
 * a second run writing the same report, never meets a half-written file) and the text form of a
 * cell.
 */

/** A temporary path beside `file`, in the same folder so the final rename is atomic. */
export function partialPath(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.partial-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
}

/** Renames each temporary file onto its final path; returns the final paths. */
export function publish(pairs: Array<{ tmp: string; file: string }>): string[] {
  for (const p of pairs) fs.renameSync(p.tmp, p.file);
  return pairs.map((p) => p.file);
}

/** Removes temporary files, ignoring those already gone. */
export function discard(paths: string[]): void {
  for (const p of paths) fs.rmSync(p, { force: true });
}

const KST_OFFSET_MS = 9 * 3600_000;

/** `2026-12-01 10:05:03`: a UTC instant as KST wall-clock time, to the second. */
export function kstTimeText(date: Date): string {
  return new Date(date.getTime() + KST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** A UTC instant as a Date whose UTC fields are the KST wall clock (what an xlsx date cell shows). */
export function kstWallClock(date: Date): Date {
  return new Date(date.getTime() + KST_OFFSET_MS);
}

/** The text of a cell for CSV: escaped when formula-like (text columns), KST for times, '' for null. */
export function cellText(value: Cell, type: CellType): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return kstTimeText(value);
  if (typeof value === 'number') return String(value);
  return type === 'text' ? escapeCell(value) : value;
}
