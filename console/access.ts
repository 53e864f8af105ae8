import { findSellerByCode, findSellerById, listSellers, type Seller } from '../data/stores/sellers.js';
import { findShopById, listShops, type Shop } from '../data/stores/shops.js';
import { InputError } from '../lib/errors.js';
import type { Viewer } from './auth.js';
import type { ConsoleContext } from './context.js';
import { ForbiddenError, NotFoundError } from './errors.js';

/**
 * Who may see what (design.md §13): a seller user its own seller's rows only, an operator all.
 * Every route asks here, on the server, for every object it touches; another seller's object is
 * "not found" (404), never a hint that it exists.
 */

/** The shops the viewer may see: its seller's, or every shop for an operator. */
export function visibleShops(ctx: ConsoleContext, v: Viewer): Promise<Shop[]> {
  return listShops(ctx.deps.db.knex, v.role === 'operator' ? undefined : (v.sellerId ?? -1));
}

/** Whether the viewer may see rows of this seller. */
export function canSeeSeller(v: Viewer, sellerId: number | null): boolean {
  return v.role === 'operator' || (sellerId !== null && v.sellerId === sellerId);
}

/**
 * The shop `idText` (a `shops.id`) when the viewer may see it.
 *
 * @throws NotFoundError for a malformed id, an unknown shop or another seller's shop.
 */
export async function shopFor(ctx: ConsoleContext, v: Viewer, idText: string | undefined): Promise<Shop> {
  if (!idText || !/^\d{1,9}$/.test(idText)) throw new NotFoundError();
  const shop = await findShopById(ctx.deps.db.knex, Number(idText));
  if (!shop || !canSeeSeller(v, shop.sellerId)) throw new NotFoundError();
  return shop;
}

/**
 * The seller a form acts for: a seller user's own (a form naming another seller is refused as not
 * found), or the seller an operator chose.
 *
 * @throws NotFoundError for another seller's code from a seller user; InputError when an operator named none or an unknown one.
 */
export async function sellerFor(ctx: ConsoleContext, v: Viewer, code: string | undefined): Promise<Seller> {
  const conn = ctx.deps.db.knex;
  if (v.role !== 'operator') {
    const own = v.sellerId !== null ? await findSellerById(conn, v.sellerId) : undefined;
    if (!own || (code !== undefined && code !== '' && code !== own.code)) throw new NotFoundError();
    return own;
  }
  if (!code) throw new InputError('choose a seller');
  const seller = await findSellerByCode(conn, code);
  if (!seller) throw new InputError(`seller ${code} does not exist`);
  return seller;
}

/** The sellers the viewer may act for (its own, or all for an operator). */
export async function visibleSellers(ctx: ConsoleContext, v: Viewer): Promise<Seller[]> {
  const all = await listSellers(ctx.deps.db.knex);
  return all.filter((s) => canSeeSeller(v, s.id));
}

/** @throws ForbiddenError unless the viewer is an operator. */
export function requireOperator(v: Viewer): void {
  if (v.role !== 'operator') throw new ForbiddenError();
}
