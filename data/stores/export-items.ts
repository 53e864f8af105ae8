import type { Conn } from '../db.js';
import { chunks } from './chunks.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/** What an export item tells a marketplace. */
export type ExportKind = 'confirm' | 'tracking' | 'stock';

/** `pending` waits to be sent, `in_flight` was handed to the marketplace and awaits its answer, `done`, `failed` (permanent). */
export type ExportStatus = 'pending' | 'in_flight' | 'done' | 'failed';

/** One thing to tell a marketplace (table `export_items`): the intent, written before the call. */
export interface ExportItem {
  id: number;
  kind: ExportKind;
  shopId: number;
  /** Unique per kind and shop: the marketplace order, `order/package`, or `product/option`. */
  targetKey: string;
  payload: Record<string, unknown>;
  status: ExportStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  settledAt: Date | null;
}

type Row = Record<string, unknown>;

function toItem(r: Row): ExportItem {
  return {
    id: Number(r.id),
    kind: r.kind as ExportKind,
    shopId: Number(r.shop_id),
    targetKey: String(r.target_key),
    payload: JSON.parse(String(r.payload)) as Record<string, unknown>,
    status: r.status as ExportStatus,
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    nextAttemptAt: fromDbTime(r.next_attempt_at),
    settledAt: fromDbTime(r.settled_at),
  };
}

/**
 * Records intents (status `pending`) unless one exists for the same kind, shop and target:
 * an intent is written once, whatever happens to it later.
 */
export async function recordIntents(conn: Conn, kind: ExportKind, shopId: number, intents: Array<{ targetKey: string; payload: Record<string, unknown> }>, now = new Date()): Promise<void> {
  const t = toDbTime(now);
  for (const part of chunks(intents, 200)) {
    await conn('export_items')
      .insert(part.map((i) => ({ kind, shop_id: shopId, target_key: i.targetKey, payload: JSON.stringify(i.payload), status: 'pending', attempts: 0, created_at: t, updated_at: t })))
      .onConflict(['kind', 'shop_id', 'target_key'])
      .ignore();
  }
}

/**
 * Replaces the payload of intents that are still `pending` (a stock value that changed before it
 * was sent); returns how many were replaced.
 */
export async function updatePendingPayload(conn: Conn, kind: ExportKind, shopId: number, targetKey: string, payload: Record<string, unknown>, now = new Date()): Promise<number> {
  return Number(await conn('export_items').where({ kind, shop_id: shopId, target_key: targetKey, status: 'pending' }).update({ payload: JSON.stringify(payload), updated_at: toDbTime(now) }));
}

/** Items of one kind and shop in these statuses (oldest first). */
export async function findExportItems(conn: Conn, kind: ExportKind, shopId: number, statuses: ExportStatus[], targetKeys?: string[]): Promise<ExportItem[]> {
  const q = conn('export_items').where({ kind, shop_id: shopId }).whereIn('status', statuses).orderBy('id');
  if (targetKeys) {
    const out: ExportItem[] = [];
    for (const part of chunks(targetKeys)) out.push(...((await q.clone().whereIn('target_key', part)) as Row[]).map(toItem));
    return out;
  }
  return ((await q) as Row[]).map(toItem);
}

/**
 * Takes the `pending` items that are due (never tried, or their back-off has passed) and marks
 * them `in_flight` — only those still `pending` when the update runs, so two takers never get
 * the same item. Returns the items taken.
 */
export async function takeDueItems(conn: Conn, kind: ExportKind, shopId: number, now: Date, limit = 5000): Promise<ExportItem[]> {
  const due = (await conn('export_items')
    .where({ kind, shop_id: shopId, status: 'pending' })
    .andWhere((q) => q.whereNull('next_attempt_at').orWhere('next_attempt_at', '<=', toDbTime(now)))
    .orderBy('id')
    .limit(limit)
    .select('id')) as Row[];
  const taken: ExportItem[] = [];
  for (const part of chunks(due.map((r) => Number(r.id)))) {
    await conn('export_items').whereIn('id', part).andWhere('status', 'pending').update({ status: 'in_flight', attempts: conn.raw('attempts + 1'), updated_at: toDbTime(now) });
    taken.push(...((await conn('export_items').whereIn('id', part).andWhere('status', 'in_flight')) as Row[]).map(toItem));
  }
  return taken;
}

/** Settles one item with the marketplace's answer. */
export async function settleItem(conn: Conn, id: number, status: Exclude<ExportStatus, 'in_flight'>, error: string | null, now: Date, nextAttemptAt: Date | null = null): Promise<void> {
  await conn('export_items')
    .where({ id })
    .update({
      status,
      last_error: error,
      next_attempt_at: nextAttemptAt ? toDbTime(nextAttemptAt) : null,
      settled_at: status === 'done' || status === 'failed' ? toDbTime(now) : null,
      updated_at: toDbTime(now),
    });
}

/** Counts per kind and status for these shops (reports). */
export async function countExportItems(conn: Conn, shopIds: number[]): Promise<Array<{ shopId: number; kind: ExportKind; status: ExportStatus; n: number }>> {
  if (shopIds.length === 0) return [];
  const rows = (await conn('export_items').whereIn('shop_id', shopIds).groupBy('shop_id', 'kind', 'status').select('shop_id', 'kind', 'status').count({ n: '*' })) as Row[];
  return rows.map((r) => ({ shopId: Number(r.shop_id), kind: r.kind as ExportKind, status: r.status as ExportStatus, n: Number(r.n) }));
}

/** Keeps an item `in_flight` with a note: sent, but the answer for it was lost (the next run asks the marketplace). */
export async function noteUnanswered(conn: Conn, id: number, error: string, now = new Date()): Promise<void> {
  await conn('export_items').where({ id }).update({ last_error: error, updated_at: toDbTime(now) });
}

/**
 * Sets a new value to send for a target whose intent row already exists and is not in flight
 * (stock: one row per listing, sent again whenever the value changes); creates it otherwise.
 * Returns false when the row is in flight (the new value waits for the next run).
 */
export async function reviveIntent(conn: Conn, kind: ExportKind, shopId: number, targetKey: string, payload: Record<string, unknown>, now = new Date()): Promise<boolean> {
  const t = toDbTime(now);
  const row = (await conn('export_items').where({ kind, shop_id: shopId, target_key: targetKey }).first('id', 'status')) as Row | undefined;
  if (!row) {
    await recordIntents(conn, kind, shopId, [{ targetKey, payload }], now);
    return true;
  }
  if (row.status === 'in_flight') return false;
  await conn('export_items').where({ id: row.id }).whereNot('status', 'in_flight').update({ payload: JSON.stringify(payload), status: 'pending', attempts: 0, last_error: null, next_attempt_at: null, settled_at: null, updated_at: t });
  return true;
}

/** Withdraws an intent that was never sent (still `pending`); returns whether it was withdrawn. */
export async function withdrawPending(conn: Conn, id: number): Promise<boolean> {
  return Number(await conn('export_items').where({ id, status: 'pending' }).del()) > 0;
}
