import { nameKeyId, type Component, type NameKey } from '../data/stores/catalog.js';
import type { Mall } from '../lib/errors.js';

/** Why a line did not map: the keyword stored in `mall_order_lines.mapping_rule` for unmapped lines. */
export type UnmappedKind = 'no_code' | 'code_not_registered' | 'name_not_registered';

/** The outcome of design.md §4 for one line. */
export type Resolution =
  | { status: 'mapped'; rule: 'seller_code' | 'name_option'; components: Component[]; ref: string }
  | { status: 'unmapped'; kind: UnmappedKind; reason: string };

/** What the resolver reads of a line. */
export interface ResolvableLine {
  mall: Mall;
  sellerCode: string | null;
  sellerCodeField: string | null;
  productName: string;
  optionText: string;
}

/** The seller's mapping tables, loaded for a batch of lines. */
export interface MappingLookups {
  sellerCode: string;
  /** Components by seller code (exact). */
  codes: Map<string, Component[]>;
  /** Components by {@link nameKeyId} of the trimmed name and option text (Rakuten only). */
  names: Map<string, Component[]>;
}

/** The name + option key of a line: both texts trimmed of surrounding whitespace, nothing else. */
export function lineNameKey(line: Pick<ResolvableLine, 'productName' | 'optionText'>): NameKey {
  return { productName: line.productName.trim(), optionText: line.optionText.trim() };
}

function ref(table: string, components: Component[]): string {
  return `${table}:${components.map((c) => c.mappingId).join(',')}`;
}

/**
 * Maps one order line by design.md §4: the seller code first (exact after trimming), then, for
 * Rakuten, the exact product name + option text; otherwise unmapped with a sentence a seller can
 * act on. Pure: the caller loads `lookups` for the whole batch.
 */
export function resolveLine(line: ResolvableLine, lookups: MappingLookups): Resolution {
  const code = line.sellerCode?.trim() || null;
  if (code) {
    const components = lookups.codes.get(code);
    if (components && components.length > 0) return { status: 'mapped', rule: 'seller_code', components, ref: ref('sku_codes', components) };
  }
  if (line.mall === 'rakuten') {
    const components = lookups.names.get(nameKeyId(lineNameKey(line)));
    if (components && components.length > 0) return { status: 'mapped', rule: 'name_option', components, ref: ref('name_mappings', components) };
  }
  const seller = lookups.sellerCode;
  if (code) {
    const tail = line.mall === 'rakuten' ? ', and its product name + option text is not in a name + option sheet either' : '';
    return {
      status: 'unmapped',
      kind: 'code_not_registered',
      reason: `code ${code} (${line.sellerCodeField ?? 'seller code'}) is not registered for seller ${seller}${tail}: add it to a SKU sheet as 판매자 정의 코드 / seller_code`,
    };
  }
  if (line.mall === 'rakuten') {
    return {
      status: 'unmapped',
      kind: 'name_not_registered',
      reason: `no code on the order line (${line.sellerCodeField === 'itemNumber' ? 'no 商品番号 (itemNumber)' : 'no システム連携用SKU番号 (merchantDefinedSkuId)'}), and this product name + option text is not registered for seller ${seller}: add it to a name + option sheet exactly as written (\`mallbridge orders unmapped --out F.xlsx\` writes it for you)`,
    };
  }
  return {
    status: 'unmapped',
    kind: 'no_code',
    reason: line.sellerCodeField === 'optionManageCode'
      ? 'no code on the order line: the option has no 판매자 관리 코드 (optionManageCode); set one on the option in SmartStore and register it in a SKU sheet'
      : 'no code on the order line: the product has no 판매자 상품 코드 (sellerProductCode); set one in SmartStore and register it in a SKU sheet',
  };
}
