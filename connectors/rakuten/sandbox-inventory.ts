/**
 * The sandbox's Inventory API 2.0 `inventories/bulk-upsert` (spec §5.2, §5.3, §7.11): stock rows
 * keyed by manageNumber + variantId, checked all or nothing, applied with 204, and unknown keys
 * stored as orphans as Rakuten does.
 */
import type { SandboxAnswer } from './sandbox-search.js';

const DAY = 86_400_000;
/** Rows one request may carry (spec §5.2). */
export const SANDBOX_MAX_INVENTORY_ROWS = 400;
/** manageNumber ≤ 32 bytes (spec §5.1). variantId: 32 in the inventory docs, 40 in getOrder's (UNCERTAIN); the inventory API's own 32 is enforced. */
const MAX_KEY_BYTES = 32;

/**
 * Error codes. IE0004 (too long), IE0117 (quantity out of range), IE0500 (RELATIVE on a missing
 * row), IE1101 (list limit) and IE1102 (duplicate) are documented (spec §5.2, §5.3); a missing
 * field and a malformed value have no documented code, so `required` and `format` are the
 * sandbox's own (UNCERTAIN): clients must read the row from `propertyPath`, not rely on these.
 */
export const INVENTORY_CODES = {
  required: 'IE0001',
  format: 'IE0002',
  tooLong: 'IE0004',
  outOfRange: 'IE0117',
  relativeOnMissing: 'IE0500',
  tooMany: 'IE1101',
  duplicate: 'IE1102',
} as const;

/** One stock row as the sandbox holds it. */
export interface InventoryRecordRow {
  manageNumber: string;
  variantId: string;
  quantity: number;
  /** No such listing in the shop: Rakuten keeps the row and deletes it 24 h after its last update (spec §5.2). */
  orphan: boolean;
  updatedAt: Date;
}

/** One row written by a bulk upsert, in the order received. */
export interface InventoryWriteRecord {
  manageNumber: string;
  variantId: string;
  mode: 'ABSOLUTE' | 'RELATIVE';
  /** The quantity sent. */
  quantity: number;
  /** The stock after the write. */
  result: number;
  orphan: boolean;
  at: Date;
  requestSeq: number;
}

/** The sandbox's stock: listings the shop has, and every row written. */
export interface SandboxInventory {
  /** Registers a listing (e.g. from the catalogue) with its stock. */
  addListing(manageNumber: string, variantId: string, quantity: number): void;
  /** Current rows; orphans older than 24 h (sandbox clock) are gone. */
  rows(now: Date): InventoryRecordRow[];
  /** Answers one bulk-upsert request body. */
  answer(body: unknown, now: Date, requestSeq: number): SandboxAnswer;
  readonly writes: InventoryWriteRecord[];
}

type InvError = { code: string; message: string; metadata: { propertyPath: string } };

function err(code: string, message: string, propertyPath: string): InvError {
  return { code, message, metadata: { propertyPath } };
}

const keyOf = (m: string, v: string) => `${m}\u0000${v}`;

/** A stock store; `listings` are the keys the shop really has (stock as given). */
export function createSandboxInventory(listings: Iterable<{ manageNumber: string; variantId: string; quantity: number }>, now: Date): SandboxInventory {
  const known = new Set<string>();
  const rows = new Map<string, InventoryRecordRow>();
  const writes: InventoryWriteRecord[] = [];
  const addListing = (manageNumber: string, variantId: string, quantity: number, at = now) => {
    known.add(keyOf(manageNumber, variantId));
    rows.set(keyOf(manageNumber, variantId), { manageNumber, variantId, quantity, orphan: false, updatedAt: at });
  };
  for (const l of listings) addListing(l.manageNumber, l.variantId, l.quantity);
  const live = (r: InventoryRecordRow, at: Date) => !r.orphan || at.getTime() - r.updatedAt.getTime() < DAY;

  return {
    writes,
    addListing: (m, v, q) => addListing(m, v, q),
    rows(at) {
      return [...rows.values()].filter((r) => live(r, at)).map((r) => ({ ...r }));
    },

    /**
     * Checks every row (all or nothing): `inventories` present (own `required`), at most 400 rows
     * (IE1101, path `inventories`); per row `inventories[i].<field>`: manageNumber and variantId
     * present, ≤ 32 bytes (IE0004), manageNumber `[a-z0-9_-]` after upper case is folded to lower
     * case (Rakuten converts it), variantId `[A-Za-z0-9_-]` kept case-sensitive as received;
     * `mode` ABSOLUTE|RELATIVE; `quantity` an integer, ABSOLUTE 0–99999 and RELATIVE leaving
     * 0–99999 (IE0117), RELATIVE only on an existing row (IE0500); the same manageNumber +
     * variantId twice → IE1102 on the later row (path `inventories[j]`, message as spec §7.11).
     * Any error → 400 `{"errors": [...]}`, nothing written. Else every row is upserted (a key the
     * shop does not have becomes an orphan row, not an error) and the answer is 204 with no body.
     */
    answer(body, when, requestSeq) {
      const req = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      const list = req.inventories;
      if (list === undefined || list === null) return { status: 400, body: { errors: [err(INVENTORY_CODES.required, 'inventories is required.', 'inventories')] } };
      if (!Array.isArray(list) || list.length === 0) return { status: 400, body: { errors: [err(INVENTORY_CODES.format, 'inventories must be a non-empty list.', 'inventories')] } };
      if (list.length > SANDBOX_MAX_INVENTORY_ROWS) {
        return { status: 400, body: { errors: [err(INVENTORY_CODES.tooMany, `The number of inventories must be ${SANDBOX_MAX_INVENTORY_ROWS} or less.`, 'inventories')] } };
      }
      const errors: InvError[] = [];
      const seen = new Set<string>();
      const planned: Array<{ manageNumber: string; variantId: string; mode: 'ABSOLUTE' | 'RELATIVE'; quantity: number; result: number }> = [];
      list.forEach((raw, i) => {
        const row = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
        const path = (field: string) => `inventories[${i}].${field}`;
        const before = errors.length;
        const key = (field: 'manageNumber' | 'variantId', pattern: RegExp): string | null => {
          const v = row[field];
          if (v === undefined || v === null || v === '') errors.push(err(INVENTORY_CODES.required, `${field} is required.`, path(field)));
          else if (typeof v !== 'string') errors.push(err(INVENTORY_CODES.format, `${field} must be a string.`, path(field)));
          else if (Buffer.byteLength(v, 'utf8') > MAX_KEY_BYTES) errors.push(err(INVENTORY_CODES.tooLong, `Max length of ${field} must be within ${MAX_KEY_BYTES} bytes.`, path(field)));
          else if (!pattern.test(field === 'manageNumber' ? v.toLowerCase() : v)) errors.push(err(INVENTORY_CODES.format, `${field} contains characters that are not allowed.`, path(field)));
          else return field === 'manageNumber' ? v.toLowerCase() : v;
          return null;
        };
        const manageNumber = key('manageNumber', /^[a-z0-9_-]+$/);
        const variantId = key('variantId', /^[A-Za-z0-9_-]+$/);
        const mode = row.mode;
        if (mode === undefined || mode === null) errors.push(err(INVENTORY_CODES.required, 'mode is required.', path('mode')));
        else if (mode !== 'ABSOLUTE' && mode !== 'RELATIVE') errors.push(err(INVENTORY_CODES.format, 'mode must be ABSOLUTE or RELATIVE.', path('mode')));
        const q = row.quantity;
        if (q === undefined || q === null) errors.push(err(INVENTORY_CODES.required, 'quantity is required.', path('quantity')));
        else if (typeof q !== 'number' || !Number.isInteger(q)) errors.push(err(INVENTORY_CODES.format, 'quantity must be an integer.', path('quantity')));
        if (errors.length > before || manageNumber === null || variantId === null) return;
        const k = keyOf(manageNumber, variantId);
        if (seen.has(k)) {
          errors.push(err(INVENTORY_CODES.duplicate, `There are multiple occurrences of the same manageNumber and variantId : ${manageNumber},${variantId}`, `inventories[${i}]`));
          return;
        }
        seen.add(k);
        const current = rows.get(k);
        const quantity = q as number;
        if (mode === 'RELATIVE' && (!current || !live(current, when))) {
          errors.push(err(INVENTORY_CODES.relativeOnMissing, 'RELATIVE mode needs an existing inventory.', `inventories[${i}]`));
          return;
        }
        const result = mode === 'RELATIVE' ? current!.quantity + quantity : quantity;
        if (result < 0 || result > 99_999) {
          errors.push(err(INVENTORY_CODES.outOfRange, 'quantity must be between 0 and 99999.', path('quantity')));
          return;
        }
        planned.push({ manageNumber, variantId, mode: mode as 'ABSOLUTE' | 'RELATIVE', quantity, result });
      });
      if (errors.length > 0) return { status: 400, body: { errors } };
      for (const p of planned) {
        const k = keyOf(p.manageNumber, p.variantId);
        const orphan = !known.has(k);
        rows.set(k, { manageNumber: p.manageNumber, variantId: p.variantId, quantity: p.result, orphan, updatedAt: when });
        writes.push({ ...p, orphan, at: when, requestSeq });
      }
      return { status: 204, body: null };
    },
  };
}
