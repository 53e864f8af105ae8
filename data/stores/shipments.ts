import type { Conn } from '../db.js';
import { chunks } from './chunks.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/** A tracking number (table `shipments`). */
export interface Shipment {
  id: number;
  fulfillmentOrderId: number;
  trackingNumber: string;
  carrier: string | null;
  source: 'invoice' | 'import';
  shippedAt: Date | null;
}

type Row = Record<string, unknown>;

function toShipment(r: Row): Shipment {
  return { id: Number(r.id), fulfillmentOrderId: Number(r.fulfillment_order_id), trackingNumber: String(r.tracking_number), carrier: (r.carrier as string | null) ?? null, source: r.source as Shipment['source'], shippedAt: fromDbTime(r.shipped_at) };
}

/** Records a tracking number for a parcel. */
export async function insertShipment(conn: Conn, s: Omit<Shipment, 'id'>, now = new Date()): Promise<void> {
  await conn('shipments').insert({ fulfillment_order_id: s.fulfillmentOrderId, tracking_number: s.trackingNumber, carrier: s.carrier, source: s.source, shipped_at: s.shippedAt ? toDbTime(s.shippedAt) : null, created_at: toDbTime(now) });
}

/** Shipments of these parcels. */
export async function findShipmentsOf(conn: Conn, fulfillmentOrderIds: number[]): Promise<Shipment[]> {
  const out: Shipment[] = [];
  for (const part of chunks([...new Set(fulfillmentOrderIds)])) out.push(...((await conn('shipments').whereIn('fulfillment_order_id', part).orderBy('id')) as Row[]).map(toShipment));
  return out;
}

/** Shipments with these tracking numbers. */
export async function findShipmentsByNumber(conn: Conn, numbers: string[]): Promise<Map<string, Shipment>> {
  const out = new Map<string, Shipment>();
  for (const part of chunks([...new Set(numbers)])) for (const r of (await conn('shipments').whereIn('tracking_number', part)) as Row[]) out.set(String(r.tracking_number), toShipment(r));
  return out;
}
