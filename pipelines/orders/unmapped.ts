import { findUnmappedLines } from '../../data/stores/order-lines.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import { listShops } from '../../data/stores/shops.js';
import { InputError } from '../../lib/errors.js';
import type { PipelineDeps } from '../deps.js';

/** One line waiting for a mapping, with what the seller must put in a sheet. */
export interface UnmappedLine {
  seller: string;
  mall: string;
  shopId: number;
  mallOrderId: string;
  mallLineId: string;
  sellerCode: string | null;
  productName: string;
  optionText: string;
  quantity: number;
  reasonKind: string | null;
  reason: string;
}

/**
 * The unmapped lines of one seller (or all sellers), oldest first: the code or the exact name +
 * option text to register, and why the line did not map (design.md §1, §4).
 *
 * @throws InputError for an unknown seller.
 */
export async function listUnmapped(deps: PipelineDeps, sellerCode?: string): Promise<UnmappedLine[]> {
  const conn = deps.db.knex;
  let shops = await listShops(conn);
  if (sellerCode !== undefined) {
    const seller = await findSellerByCode(conn, sellerCode);
    if (!seller) throw new InputError(`seller ${sellerCode} does not exist`);
    shops = shops.filter((s) => s.sellerId === seller.id);
  }
  const byId = new Map(shops.map((s) => [s.id, s]));
  const lines = await findUnmappedLines(conn, [...byId.keys()]);
  return lines.map((l) => {
    const shop = byId.get(l.shopId)!;
    return {
      seller: shop.sellerCode,
      mall: shop.mall,
      shopId: shop.id,
      mallOrderId: l.mallOrderId,
      mallLineId: l.mallLineId,
      sellerCode: l.sellerCode,
      productName: l.productName,
      optionText: l.optionText,
      quantity: l.quantity,
      reasonKind: l.mappingRule,
      reason: l.unmappedReason ?? '',
    };
  });
}
