import type { Conn } from '../../data/db.js';
import { findFulfillmentLines, type FulfillmentOrder } from '../../data/stores/fulfillment.js';
import { findLinesByIds, type StoredLine } from '../../data/stores/order-lines.js';

/** The marketplace lines behind each parcel (fulfillment order id → its distinct lines). */
export async function marketplaceLinesOf(conn: Conn, fos: Pick<FulfillmentOrder, 'id'>[]): Promise<Map<number, StoredLine[]>> {
  const fl = await findFulfillmentLines(conn, fos.map((f) => f.id));
  const lines = await findLinesByIds(conn, fl.map((l) => l.mallOrderLineId));
  const out = new Map<number, StoredLine[]>();
  for (const f of fos) out.set(f.id, []);
  const seen = new Set<string>();
  for (const l of fl) {
    const key = `${l.fulfillmentOrderId}:${l.mallOrderLineId}`;
    const line = lines.get(l.mallOrderLineId);
    if (seen.has(key) || !line) continue;
    seen.add(key);
    out.get(l.fulfillmentOrderId)!.push(line);
  }
  return out;
}
