import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import { SheetError, type SheetErrorReason } from '../../lib/errors.js';

/** The committed rule fixtures (tests/fixtures/sheets/rules/, built by tests/fixtures/sheets/build.ts from rules.ts). */
export const RULES = fileURLToPath(new URL('../fixtures/sheets/rules/', import.meta.url));
/** The clock of every rule test: 2025-03-05 09:00 KST. */
export const NOW = new Date('2025-03-05T00:00:00.000Z');

/** One issue of a refused sheet: [row, column, reason, value]. */
export type Issue = [row: number, column: string, reason: SheetErrorReason, value: string];

/** The path of a rule fixture. */
export function rule(file: string): string {
  return path.join(RULES, file);
}

/** Tuples in a fixed order, so the expectation need not follow insertion order. */
export function sorted<T extends ReadonlyArray<unknown>>(rows: readonly T[]): T[] {
  const key = (r: T) => JSON.stringify(r);
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The issues a sheet import was refused with; throws when it was accepted. */
export async function issuesOf(work: Promise<unknown>): Promise<Issue[]> {
  try {
    await work;
  } catch (err) {
    if (err instanceof SheetError) return err.issues.map((i) => [i.row, i.column, i.reason, i.value]);
    throw err;
  }
  throw new Error('the sheet was accepted');
}

/** Every table a sheet import may write, row by row (upload_batches aside: a refusal is recorded there). */
export async function everything(k: Knex): Promise<unknown> {
  const tables = ['sellers', 'skus', 'sku_codes', 'name_mappings', 'fulfillment_orders', 'fulfillment_order_events', 'shipments', 'export_items'];
  return Object.fromEntries(await Promise.all(tables.map(async (name) => [name, await k(name).orderBy('id')])));
}
