/**
 * `pushStock` of the ExportSink (spec §5.2, §5.3, §7.11): Inventory API 2.0 bulk upsert, ≤ 400
 * rows per call, absolute quantities, per-row errors read from `errors[].metadata.propertyPath`.
 */
import type { StockTarget, WriteResult } from '../shared/exports.js';
import { stockKey } from '../shared/exports.js';
import { MAX_INVENTORY_QUANTITY, type InventoryAnswer } from './client-write.js';
import type { InventoryError, InventoryUpsertRow } from './schemas.js';
import { callFailure, tally, unsent, withKeys, type Outcome, type WriteDeps } from './write-results.js';

/** One row to send and the targets (indexes) it answers for. */
export interface StockRow {
  row: InventoryUpsertRow;
  targets: number[];
  /** Said in the result of every target of the row (a clamped quantity, a duplicate). */
  notes: string[];
}

/**
 * The key two rows collide on. manageNumber: Rakuten converts upper case to lower case (spec
 * §5.1). variantId: case-sensitive per variants.upsert, lower-cased per the bulk-upsert copy —
 * UNCERTAIN (spec §5.1, §10 item 7); the safe reading for IE1102 is to fold case, so two rows whose
 * variantIds differ only in case never share a request (each is still sent, as given).
 */
function foldedKey(row: InventoryUpsertRow): string {
  return `${row.manageNumber.toLowerCase()}\u0000${row.variantId.toLowerCase()}`;
}

/**
 * Rows to send for `targets`, and the targets settled without sending.
 * - An empty manageNumber or variantId → failed, permanent (a pre-migration listing has no
 *   variantId, and Inventory API 2.0 needs one: spec §5.1).
 * - A quantity that is not a finite number → failed, permanent; otherwise floored and clamped to
 *   0–99999 (IE0117, spec §5.2) with a note.
 * - The same listing (manageNumber as Rakuten stores it, lower case; variantId exactly) given twice
 *   is sent once with the last quantity; every target of it gets that row's result, with a note.
 * Keys are sent as given (trimmed): an unknown key is stored by Rakuten as an orphan row and is not
 * an error (spec §5.2), so nothing here can tell a typo.
 */
export function planStockRows(targets: readonly StockTarget[]): { rows: StockRow[]; settled: Map<number, Outcome> } {
  const settled = new Map<number, Outcome>();
  const byKey = new Map<string, StockRow>();
  targets.forEach((t, i) => {
    const manageNumber = t.listingProductId.trim();
    const variantId = t.listingOptionId.trim();
    if (manageNumber === '' || variantId === '') {
      settled.set(i, {
        outcome: 'failed',
        permanent: true,
        message: manageNumber === '' ? 'no manageNumber for this listing' : `listing ${manageNumber} has no variantId (a pre-migration listing?): Inventory API 2.0 needs manageNumber + variantId`,
      });
      return;
    }
    if (!Number.isFinite(t.quantity)) {
      settled.set(i, { outcome: 'failed', permanent: true, message: `quantity ${String(t.quantity)} is not a number` });
      return;
    }
    const notes: string[] = [];
    const whole = Math.floor(t.quantity);
    const quantity = Math.min(MAX_INVENTORY_QUANTITY, Math.max(0, whole));
    if (quantity !== t.quantity) notes.push(`quantity ${t.quantity} sent as ${quantity} (Rakuten takes whole numbers 0–${MAX_INVENTORY_QUANTITY})`);
    const row: InventoryUpsertRow = { manageNumber, variantId, mode: 'ABSOLUTE', quantity };
    const key = `${manageNumber.toLowerCase()}\u0000${variantId}`;
    const before = byKey.get(key);
    if (before) {
      byKey.delete(key); // re-inserted below, so the row keeps the place of its last occurrence
      notes.push(...before.notes, `listing given ${before.targets.length + 1} times in one push; the last quantity (${quantity}) was sent`);
    }
    byKey.set(key, { row, targets: [...(before?.targets ?? []), i], notes });
  });
  return { rows: [...byKey.values()], settled };
}

/**
 * Packs rows into requests of at most `size` rows where no two rows share a {@link foldedKey}:
 * each row goes into the first request that has room and no row colliding with it.
 */
export function packStockBatches(rows: readonly StockRow[], size: number): StockRow[][] {
  const batches: Array<{ rows: StockRow[]; keys: Set<string> }> = [];
  for (const r of rows) {
    const key = foldedKey(r.row);
    let batch = batches.find((b) => b.rows.length < size && !b.keys.has(key));
    if (!batch) {
      batch = { rows: [], keys: new Set() };
      batches.push(batch);
    }
    batch.rows.push(r);
    batch.keys.add(key);
  }
  return batches.map((b) => b.rows);
}

/** `inventories[3].quantity` → 3; null when the path names no row. */
export function rowOfPath(path: string | null | undefined): number | null {
  const m = /^inventories\[(\d+)\]/.exec(path ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Row errors that repeating the same row cannot cure: the IE0xxx validation codes (IE0004 too long,
 * IE0117 out of range, …). IE1101/IE1102 (list limit, duplicates) concern how rows were batched and
 * CE0001 (409) a concurrent update: not permanent.
 */
function permanentCode(code: string): boolean {
  return /^IE0\d{3}$/.test(code);
}

function errorText(e: InventoryError): string {
  return `${e.code} ${e.message ?? ''}`.trimEnd();
}

/** A refused request's rounds: rows without an error of their own are sent again without the refused ones, at most this often. */
const MAX_ROUNDS = 3;

/**
 * Pushes absolute stock for `targets` (`listingProductId` = manageNumber, `listingOptionId` =
 * variantId), `mode: ABSOLUTE`, in requests of at most `batchSize` (≤ 400) rows. One result per
 * target keyed `manageNumber/variantId`, in the order given:
 * - 204 → done (an unknown key becomes an orphan row at Rakuten and is still 204, spec §5.2);
 * - a 400 `errors[]` entry whose `metadata.propertyPath` is `inventories[i]…` → row i failed
 *   (permanent for IE0xxx); an error naming no row → every row of the request failed;
 * - rows of a refused request without an error of their own were not applied (the safe reading:
 *   whether Rakuten applies the valid rows of a 400 is not documented — UNCERTAIN; resending an
 *   absolute quantity is harmless either way) and are sent again at once
 *   in a request without the refused rows — one bad row never holds back the others (peers §5.5);
 * - a call refused as a whole follows `callFailure` (5xx / timeout / garbled → unknown, not resent;
 *   ES01-01 → failed and nothing more is sent).
 */
export async function pushStockRows(deps: WriteDeps, targets: readonly StockTarget[], batchSize: number): Promise<WriteResult[]> {
  const { rows, settled } = planStockRows(targets);
  const outcomes: Array<Outcome | undefined> = targets.map((_, i) => settled.get(i));
  const settle = (r: StockRow, o: Outcome) => {
    const message = [o.message, ...r.notes].filter((m): m is string => !!m).join('; ');
    for (const i of r.targets) outcomes[i] = { ...o, ...(message ? { message } : {}) };
  };
  let stopper: Outcome | undefined;
  for (const batch of packStockBatches(rows, batchSize)) {
    let pending = batch;
    for (let round = 1; pending.length > 0; round++) {
      if (stopper) {
        for (const r of pending) settle(r, unsent(stopper));
        break;
      }
      let answer: InventoryAnswer;
      try {
        answer = await deps.writer.bulkUpsertInventory(pending.map((r) => r.row));
      } catch (err) {
        const f = callFailure(err, true, deps.licenceNote());
        for (const r of pending) settle(r, f.outcome);
        if (f.stop) stopper = f.outcome;
        break;
      }
      if (answer.applied) {
        for (const r of pending) settle(r, { outcome: 'done', permanent: false });
        break;
      }
      const byRow = new Map<number, InventoryError>();
      const general: InventoryError[] = [];
      for (const e of answer.errors) {
        const i = rowOfPath(e.metadata?.propertyPath);
        if (i !== null && i < pending.length) {
          if (!byRow.has(i)) byRow.set(i, e);
        } else general.push(e);
      }
      for (const [i, e] of byRow) settle(pending[i]!, { outcome: 'failed', permanent: permanentCode(e.code), code: e.code, message: errorText(e) });
      const rest = pending.filter((_, i) => !byRow.has(i));
      const first = general[0];
      if (first) {
        for (const r of rest) settle(r, { outcome: 'failed', permanent: false, code: first.code, message: errorText(first) });
        break;
      }
      if (rest.length > 0 && round >= MAX_ROUNDS) {
        for (const r of rest) settle(r, { outcome: 'failed', permanent: false, message: `not applied: Rakuten refused the request ${round} times because of other rows` });
        break;
      }
      if (rest.length > 0) deps.logger.info(`inventories.bulk.upsert: ${byRow.size} row(s) refused; sending the other ${rest.length} again`);
      pending = rest;
    }
    deps.logger.info(`inventories.bulk.upsert: ${batch.length} row(s): ${tally(batch.flatMap((r) => r.targets.map((i) => outcomes[i])))}`);
  }
  return withKeys(targets.map(stockKey), outcomes);
}
