import { listNameKeys, listSellerCodes, type NameKey } from '../../data/stores/catalog.js';
import { findUnmappedLines } from '../../data/stores/order-lines.js';
import { findSellerByCode } from '../../data/stores/sellers.js';
import { listShops } from '../../data/stores/shops.js';
import { InputError, type Mall } from '../../lib/errors.js';
import { lineNameKey } from '../../mappings/resolver.js';
import { codeSuggestions, nameSuggestions } from '../../mappings/near-miss.js';
import type { PipelineDeps } from '../deps.js';

/** One line waiting for a mapping, with what the seller must put in a sheet. */
export interface UnmappedLine {
  seller: string;
  mall: Mall;
  shopId: number;
  mallOrderId: string;
  mallLineId: string;
  /** The code on the order line, as the marketplace sent it (trimmed). */
  sellerCode: string | null;
  /** Product name and option text exactly as a name + option sheet must hold them (trimmed around). */
  productName: string;
  optionText: string;
  quantity: number;
  /** `no_code`, `code_not_registered` or `name_not_registered`. */
  reasonKind: string | null;
  reason: string;
  /** Registered codes or name + option texts that differ only in width, case or spacing (never applied). */
  suggestions: string[];
}

/**
 * The unmapped lines of one seller (or all sellers), oldest first: the code or the exact name +
 * option text to register, why the line did not map, and near misses among what the seller has
 * registered (design.md §1, §4).
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
  const codes = new Map<number, string[]>();
  const names = new Map<string, NameKey[]>();
  const out: UnmappedLine[] = [];
  for (const l of lines) {
    const shop = byId.get(l.shopId)!;
    if (!codes.has(shop.sellerId)) codes.set(shop.sellerId, await listSellerCodes(conn, shop.sellerId));
    const nameKey = `${shop.sellerId}:${shop.mall}`;
    if (shop.mall === 'rakuten' && !names.has(nameKey)) names.set(nameKey, await listNameKeys(conn, shop.sellerId, shop.mall));
    const key = lineNameKey(l);
    const suggestions = [
      ...(l.sellerCode ? codeSuggestions(l.sellerCode, codes.get(shop.sellerId)!).map((c) => `code ${c}`) : []),
      ...(shop.mall === 'rakuten' ? nameSuggestions(key, names.get(nameKey)!).map((k) => `${k.productName} / ${k.optionText.replace(/\n/g, '⏎')}`) : []),
    ];
    out.push({
      seller: shop.sellerCode,
      mall: shop.mall,
      shopId: shop.id,
      mallOrderId: l.mallOrderId,
      mallLineId: l.mallLineId,
      sellerCode: l.sellerCode,
      productName: key.productName,
      optionText: key.optionText,
      quantity: l.quantity,
      reasonKind: l.mappingRule,
      reason: l.unmappedReason ?? '',
      suggestions,
    });
  }
  return out;
}
