import type { Conn } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';

/** A seller account (table `sellers`). */
export interface Seller {
  id: number;
  code: string;
  name: string | null;
  createdAt: Date;
}

interface SellerRow {
  id: number;
  code: string;
  name: string | null;
  created_at: string;
}

function toSeller(r: SellerRow): Seller {
  return { id: Number(r.id), code: r.code, name: r.name, createdAt: fromDbTime(r.created_at)! };
}

/** Inserts a seller. The caller checks the code is free first; a race loses to the unique key. */
export async function insertSeller(conn: Conn, code: string, name: string | null, now = new Date()): Promise<Seller> {
  const t = toDbTime(now);
  const [id] = await conn('sellers').insert({ code, name, created_at: t, updated_at: t });
  return { id: Number(id), code, name, createdAt: now };
}

/** The seller with this exact code, or undefined. */
export async function findSellerByCode(conn: Conn, code: string): Promise<Seller | undefined> {
  const row = (await conn('sellers').where({ code }).first()) as SellerRow | undefined;
  return row ? toSeller(row) : undefined;
}

/** The seller with this id, or undefined. */
export async function findSellerById(conn: Conn, id: number): Promise<Seller | undefined> {
  const row = (await conn('sellers').where({ id }).first()) as SellerRow | undefined;
  return row ? toSeller(row) : undefined;
}

/** All sellers by code. */
export async function listSellers(conn: Conn): Promise<Seller[]> {
  const rows = (await conn('sellers').orderBy('code')) as SellerRow[];
  return rows.map(toSeller);
}
