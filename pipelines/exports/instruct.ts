import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { changeFulfillmentStatus, findBatchOrderIds, findFulfillmentOrdersByIds, findFulfillmentOrdersByStatus, findPickLines, markInstructed, type FulfillmentOrder } from '../../data/stores/fulfillment.js';
import { shopLabel, type Shop } from '../../data/stores/shops.js';
import { toDbTime } from '../../lib/time.js';
import { inTransaction } from '../../data/transaction.js';
import type { PipelineDeps } from '../deps.js';
import { writeInstructionFiles, type InstructionRow } from './instruction-file.js';
import { confirmedAtMarketplace, readyToShip } from './marketplace-state.js';
import { marketplaceLinesOf } from './parcel-lines.js';

/** What `orders:instruct` did for one shop. */
export interface InstructSummary {
  shopId: number;
  shop: string;
  batchId: number | null;
  orders: number;
  lines: number;
  files: string[];
  /** Parcels confirmed at the marketplace without a call (moved to `confirmed` first). */
  alreadyConfirmed: number;
  /** Earlier batches whose files were missing and were written again. */
  rewritten: number;
}

/** Where instruction files go: `$MALLBRIDGE_HOME/out/instructions/`. */
export function instructionsDir(home: string): string {
  return path.join(home, 'out', 'instructions');
}

function batchFiles(home: string, shopId: number, batchId: number): { csv: string; xlsx: string } {
  const base = path.join(instructionsDir(home), `instructions-shop${shopId}-batch${String(batchId).padStart(6, '0')}`);
  return { csv: `${base}.csv`, xlsx: `${base}.xlsx` };
}

async function rowsOf(conn: Knex | Knex.Transaction, shop: Shop, batchId: number, orders: FulfillmentOrder[]): Promise<InstructionRow[]> {
  const picks = await findPickLines(conn, orders.map((o) => o.id));
  const byId = new Map(orders.map((o) => [o.id, o]));
  return picks.map((p) => {
    const o = byId.get(p.fulfillmentOrderId)!;
    return {
      batchId,
      fulfillmentOrderId: o.id,
      mall: shop.mall,
      shop: shop.mallShopId,
      mallOrderId: o.mallOrderId,
      mallPackageId: o.mallPackageId,
      mallLineId: p.mallLineId,
      recipientName: o.recipient.name,
      recipientPhone: o.recipient.phone,
      postalCode: o.recipient.postalCode,
      address1: o.recipient.address1,
      address2: o.recipient.address2,
      country: o.recipient.country,
      skuCode: p.skuCode,
      skuName: p.skuName,
      optionName: p.optionName ?? '',
      barcode: p.barcode ?? '',
      quantity: p.quantity,
      orderedAt: o.orderedAt,
    };
  });
}

/**
 * `orders:instruct` for one shop (design.md §5): parcels `confirmed` whose marketplace lines are
 * ready to ship (Naver 발주확인 done; Rakuten 300) become `instructed` in one new instruction batch,
 * recorded in the database first (so no parcel is ever instructed twice), then written as CSV and
 * xlsx under `$MALLBRIDGE_HOME/out/instructions/`. A batch whose files a crash left unwritten is
 * written on the next run. Shops without auto-instruct are skipped unless `force`.
 */
export async function instructOrders(deps: PipelineDeps, shop: Shop, options: { force?: boolean } = {}): Promise<InstructSummary> {
  const knex = deps.db.knex;
  const home = deps.config.home;
  const summary: InstructSummary = { shopId: shop.id, shop: shopLabel(shop), batchId: null, orders: 0, lines: 0, files: [], alreadyConfirmed: 0, rewritten: 0 };

  // Batches recorded but not on disk (a crash after the commit): write them now.
  const batches = (await knex('instruction_batches').where('shop_id', shop.id).orderBy('id')) as Array<{ id: number; csv_path: string; xlsx_path: string }>;
  for (const b of batches) {
    if (fs.existsSync(b.csv_path) && fs.existsSync(b.xlsx_path)) continue;
    const fos = await findFulfillmentOrdersByIds(knex, await findBatchOrderIds(knex, Number(b.id)));
    await writeInstructionFiles(b.csv_path, b.xlsx_path, await rowsOf(knex, shop, Number(b.id), fos));
    summary.rewritten++;
  }

  if (!shop.autoInstruct && !options.force) return summary;
  const created = await inTransaction(knex, async (trx) => {
    const now = deps.now();
    // Parcels the marketplace already counts as confirmed need no call to become `confirmed`.
    const fresh = await findFulfillmentOrdersByStatus(trx, shop.id, ['new']);
    const freshLines = await marketplaceLinesOf(trx, fresh);
    for (const fo of fresh) {
      const live = (freshLines.get(fo.id) ?? []).filter((l) => l.lineState !== 'cancelled');
      if (live.length > 0 && live.every((l) => confirmedAtMarketplace(shop.mall, l)) && (await changeFulfillmentStatus(trx, fo.id, 'new', 'confirmed', 'already confirmed at the marketplace', now))) summary.alreadyConfirmed++;
    }
    const confirmed = await findFulfillmentOrdersByStatus(trx, shop.id, ['confirmed']);
    const lines = await marketplaceLinesOf(trx, confirmed);
    const ready = confirmed.filter((fo) => {
      const live = (lines.get(fo.id) ?? []).filter((l) => l.lineState !== 'cancelled');
      return live.length > 0 && live.every((l) => readyToShip(shop.mall, l));
    });
    if (ready.length === 0) return null;
    const [batchId] = await trx('instruction_batches').insert({ shop_id: shop.id, order_count: 0, created_at: toDbTime(now) });
    const id = Number(batchId);
    const files = batchFiles(home, shop.id, id);
    const moved = await markInstructed(trx, ready.map((f) => f.id), id, now);
    await trx('instruction_batches').where({ id }).update({ csv_path: files.csv, xlsx_path: files.xlsx, order_count: moved.length });
    return { id, files, orders: ready.filter((f) => moved.includes(f.id)) };
  });
  if (!created) return summary;
  const rows = await rowsOf(knex, shop, created.id, created.orders);
  await writeInstructionFiles(created.files.csv, created.files.xlsx, rows);
  Object.assign(summary, { batchId: created.id, orders: created.orders.length, lines: rows.length, files: [created.files.csv, created.files.xlsx] });
  deps.logger.child({ module: 'export:instruct', shop: shop.id }).info(`instruction batch ${created.id}: ${created.orders.length} parcels, ${rows.length} lines → ${created.files.xlsx}`);
  return summary;
}
