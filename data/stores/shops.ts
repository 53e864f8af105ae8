import type { Conn } from '../db.js';
import { fromDbTime, toDbTime } from '../../lib/time.js';
import type { Mall } from '../../lib/errors.js';

/** The four automation switches of a shop (design.md §3, §8). */
export interface ShopOptions {
  autoOrderSync: boolean;
  autoOrderConfirm: boolean;
  autoInstruct: boolean;
  autoStockSync: boolean;
}

/** What `shops add` stores. */
export interface NewShop extends ShopOptions {
  sellerId: number;
  mall: Mall;
  mallShopId: string;
  shopUrl: string | null;
  apiBaseUrl: string | null;
  /** Encrypted (lib/secrets.ts); never the plain credentials. */
  credentials: string;
  credentialsExpireAt: Date | null;
  carrierCode: string | null;
  /** Requests per second for this shop's limiter; null = the marketplace's documented rate. */
  rateLimitPerSec: number | null;
}

/** A marketplace connection (table `shops`); `credentials` stays encrypted here. */
export interface Shop extends NewShop {
  id: number;
  sellerCode: string;
  health: 'unknown' | 'healthy' | 'unhealthy';
  healthMessage: string | null;
  healthCheckedAt: Date | null;
  authFailures: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields `shops update` may change. */
export type ShopChanges = Partial<Omit<NewShop, 'sellerId' | 'mall' | 'mallShopId'>>;

type Row = Record<string, unknown>;

function toShop(r: Row): Shop {
  return {
    id: Number(r.id),
    sellerId: Number(r.seller_id),
    sellerCode: String(r.seller_code),
    mall: r.mall as Mall,
    mallShopId: String(r.mall_shop_id),
    shopUrl: (r.shop_url as string | null) ?? null,
    apiBaseUrl: (r.api_base_url as string | null) ?? null,
    credentials: String(r.credentials),
    credentialsExpireAt: fromDbTime(r.credentials_expire_at),
    autoOrderSync: Boolean(r.auto_order_sync),
    autoOrderConfirm: Boolean(r.auto_order_confirm),
    autoInstruct: Boolean(r.auto_instruct),
    autoStockSync: Boolean(r.auto_stock_sync),
    carrierCode: (r.carrier_code as string | null) ?? null,
    rateLimitPerSec: r.rate_limit_per_sec === null || r.rate_limit_per_sec === undefined ? null : Number(r.rate_limit_per_sec),
    health: r.health as Shop['health'],
    healthMessage: (r.health_message as string | null) ?? null,
    healthCheckedAt: fromDbTime(r.health_checked_at),
    authFailures: Number(r.auth_failures),
    createdAt: fromDbTime(r.created_at)!,
    updatedAt: fromDbTime(r.updated_at)!,
  };
}

const COLUMNS: Record<keyof ShopChanges, string> = {
  shopUrl: 'shop_url',
  apiBaseUrl: 'api_base_url',
  credentials: 'credentials',
  credentialsExpireAt: 'credentials_expire_at',
  autoOrderSync: 'auto_order_sync',
  autoOrderConfirm: 'auto_order_confirm',
  autoInstruct: 'auto_instruct',
  autoStockSync: 'auto_stock_sync',
  carrierCode: 'carrier_code',
  rateLimitPerSec: 'rate_limit_per_sec',
};

function toColumns(changes: ShopChanges): Row {
  const out: Row = {};
  for (const [key, column] of Object.entries(COLUMNS) as Array<[keyof ShopChanges, string]>) {
    if (!(key in changes)) continue;
    const v = changes[key];
    out[column] = v instanceof Date ? toDbTime(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return out;
}

function baseQuery(conn: Conn) {
  return conn('shops').join('sellers', 'sellers.id', 'shops.seller_id').select('shops.*', 'sellers.code as seller_code');
}

/** Inserts a shop and returns it with its new id. */
export async function insertShop(conn: Conn, shop: NewShop, now = new Date()): Promise<Shop> {
  const t = toDbTime(now);
  const [id] = await conn('shops').insert({
    seller_id: shop.sellerId,
    mall: shop.mall,
    mall_shop_id: shop.mallShopId,
    ...toColumns(shop),
    health: 'unknown',
    auth_failures: 0,
    created_at: t,
    updated_at: t,
  });
  return (await findShopById(conn, Number(id)))!;
}

/** Applies `changes` to shop `id`; returns the shop as stored afterwards. */
export async function updateShop(conn: Conn, id: number, changes: ShopChanges, now = new Date()): Promise<Shop> {
  const cols = toColumns(changes);
  if (Object.keys(cols).length > 0) await conn('shops').where({ id }).update({ ...cols, updated_at: toDbTime(now) });
  return (await findShopById(conn, id))!;
}

/** Records the outcome of talking to the marketplace (healthy, or unhealthy with the sentence why). */
export async function recordShopHealth(conn: Conn, id: number, healthy: boolean, message: string | null, authFailure: boolean, now = new Date()): Promise<void> {
  await conn('shops')
    .where({ id })
    .update({
      health: healthy ? 'healthy' : 'unhealthy',
      health_message: message,
      health_checked_at: toDbTime(now),
      auth_failures: healthy ? 0 : authFailure ? conn.raw('auth_failures + 1') : conn.raw('auth_failures'),
    });
}

/**
 * Forgets what talking to the marketplace said (health unknown, no authentication failures, so no
 * back-off): for when the credentials or the API base URL that caused it were just replaced.
 */
export async function resetShopHealth(conn: Conn, id: number): Promise<void> {
  await conn('shops').where({ id }).update({ health: 'unknown', health_message: null, health_checked_at: null, auth_failures: 0 });
}

export async function findShopById(conn: Conn, id: number): Promise<Shop | undefined> {
  const row = (await baseQuery(conn).where('shops.id', id).first()) as Row | undefined;
  return row ? toShop(row) : undefined;
}

/** Shops whose marketplace id is `mallShopId`, optionally of one mall (ids can repeat across malls). */
export async function findShopsByMallId(conn: Conn, mallShopId: string, mall?: Mall): Promise<Shop[]> {
  const q = baseQuery(conn).where('shops.mall_shop_id', mallShopId);
  if (mall) q.andWhere('shops.mall', mall);
  return ((await q.orderBy('shops.id')) as Row[]).map(toShop);
}

/** Every shop, optionally of one seller, by id. */
export async function listShops(conn: Conn, sellerId?: number): Promise<Shop[]> {
  const q = baseQuery(conn);
  if (sellerId !== undefined) q.where('shops.seller_id', sellerId);
  return ((await q.orderBy('shops.id')) as Row[]).map(toShop);
}

/** `shop 3 (naver:my-store)`: how messages name a shop. */
export function shopLabel(shop: Pick<Shop, 'id' | 'mall' | 'mallShopId'>): string {
  return `shop ${shop.id} (${shop.mall}:${shop.mallShopId})`;
}
