import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toKstIsoMillis } from '../../lib/time.js';
import { originProductJson, settleStatus, type SandboxProduct } from './sandbox-catalog.js';
import type { NaverSandboxWrite } from './sandbox-writes.js';

/** The product routes of the Naver sandbox (spec §6.2, §6.3), registered under `/external`. */

export const ORIGIN_PRODUCT_ROUTE = '/v2/products/origin-products/:originProductNo';
export const OPTION_STOCK_ROUTE = '/v1/products/origin-products/:originProductNo/option-stock';
export const MULTI_UPDATE_ROUTE = '/v1/products/origin-products/multi-update';
export const PRODUCT_SEARCH_ROUTE = '/v1/products/search';

const STOCK_MAX = 99_999_999;
const PRICE_MAX = 999_999_990;
const MULTI_UPDATE_TYPES = new Set(['SALE_PRICE', 'IMMEDIATE_DISCOUNT', 'STOCK', 'PRODUCT_STATUS_SALE', 'PRODUCT_STATUS_SUSPENSION']);

/** What the product routes share with the server. */
export interface ProductRouteContext {
  products: Map<string, SandboxProduct>;
  now: () => Date;
  traceId: (req: FastifyRequest) => string;
  /** Records one write; `request` is the write request's number among all write requests received. */
  record: (req: FastifyRequest, write: NaverSandboxWrite) => void;
  writeRequestNo: (req: FastifyRequest) => number;
}

type Invalid = { name: string; type: string; message: string };

/** The product API's error format (spec §6.3): `{code, message, invalidInputs, timestamp}` (no traceId). */
function productError(ctx: ProductRouteContext, reply: FastifyReply, status: number, code: string, message: string, invalidInputs: Invalid[] = []): FastifyReply {
  return reply.code(status).send({ code, message, invalidInputs, timestamp: toKstIsoMillis(ctx.now()) });
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/**
 * Checks an option-stock body against the product (spec §6.3): `optionInfo` required; option ids
 * must exist (this API cannot add options); stock 0–99,999,999; |price| ≤ 999,999,990; the
 * product must have combination options. Returns the first problem, or undefined.
 */
function optionStockProblem(p: SandboxProduct, body: Record<string, unknown>): Invalid | undefined {
  const info = body.optionInfo as Record<string, unknown> | undefined;
  if (!info || typeof info !== 'object') return { name: 'optionInfo', type: 'NotNull', message: '옵션 정보는 필수입니다.' };
  if (!p.options) return { name: 'optionInfo', type: 'Invalid', message: '옵션이 없는 상품입니다. 옵션 재고를 변경할 수 없습니다.' };
  const sale = body.productSalePrice as { salePrice?: unknown } | undefined;
  if (sale !== undefined && (!isInt(sale.salePrice) || sale.salePrice < 0 || sale.salePrice > PRICE_MAX)) {
    return { name: 'productSalePrice.salePrice', type: 'Range', message: '판매가를 확인해 주세요.' };
  }
  if (Array.isArray(info.optionStandards) && info.optionStandards.length > 0) return { name: 'optionInfo.optionStandards', type: 'Invalid', message: '표준형 옵션 상품이 아닙니다.' };
  const combos = info.optionCombinations;
  if (combos !== undefined && !Array.isArray(combos)) return { name: 'optionInfo.optionCombinations', type: 'Invalid', message: '조합형 옵션 형식이 올바르지 않습니다.' };
  const seen = new Set<number>();
  for (const [i, raw] of ((combos as unknown[] | undefined) ?? []).entries()) {
    const c = raw as Record<string, unknown>;
    const at = `optionInfo.optionCombinations[${i}]`;
    if (!isInt(c.id)) return { name: `${at}.id`, type: 'NotNull', message: '옵션 ID는 필수입니다.' };
    if (!p.options.some((o) => o.id === c.id) || seen.has(c.id)) return { name: `${at}.id`, type: 'Invalid', message: '존재하지 않거나 중복된 옵션 ID입니다.' };
    seen.add(c.id);
    if (c.stockQuantity !== undefined && (!isInt(c.stockQuantity) || c.stockQuantity < 0 || c.stockQuantity > STOCK_MAX)) return { name: `${at}.stockQuantity`, type: 'Range', message: '재고 수량을 확인해 주세요.' };
    if (c.price !== undefined && (!isInt(c.price) || Math.abs(c.price) > PRICE_MAX)) return { name: `${at}.price`, type: 'Range', message: '옵션가를 확인해 주세요.' };
    if (c.usable !== undefined && typeof c.usable !== 'boolean') return { name: `${at}.usable`, type: 'Invalid', message: '사용 여부를 확인해 주세요.' };
  }
  return undefined;
}

/**
 * Applies an option-stock body as the API documents it (spec §6.3): a sent option without
 * `stockQuantity` or `price` gets 0, without `usable` gets true. An option left out of the array
 * (UNCERTAIN, spec §13.7) is taken the strict way: its stock and price become 0, so a client that
 * does not send the whole list is caught. The sale price changes only when `productSalePrice` is
 * sent; a discount only when `immediateDiscountPolicy` is. Returns the options as written.
 */
function applyOptionStock(p: SandboxProduct, body: Record<string, unknown>): Array<{ id: string; stockQuantity: number; price: number; usable: boolean; sent: boolean }> {
  const info = body.optionInfo as { optionCombinations?: Array<Record<string, unknown>>; useStockManagement?: unknown };
  const sent = new Map((info.optionCombinations ?? []).map((c) => [c.id as number, c]));
  for (const o of p.options!) {
    const c = sent.get(o.id);
    o.stockQuantity = isInt(c?.stockQuantity) ? c.stockQuantity : 0;
    o.price = isInt(c?.price) ? c.price : 0;
    if (c) o.usable = typeof c.usable === 'boolean' ? c.usable : true;
  }
  if (typeof info.useStockManagement === 'boolean') p.useStockManagement = info.useStockManagement;
  const sale = body.productSalePrice as { salePrice?: number } | undefined;
  if (sale && isInt(sale.salePrice)) p.salePrice = sale.salePrice;
  const discount = (body.immediateDiscountPolicy as { discountMethod?: { value?: number; unitType?: 'WON' | 'PERCENT' } } | undefined)?.discountMethod;
  if (discount && isInt(discount.value) && discount.unitType) p.discount = { value: discount.value, unitType: discount.unitType };
  settleStatus(p);
  return p.options!.map((o) => ({ id: String(o.id), stockQuantity: o.stockQuantity, price: o.price, usable: o.usable, sent: sent.has(o.id) }));
}

/** Registers the product routes on `app` (prefixed with `/external`); auth happens in the server's hooks. */
export function registerProductRoutes(app: FastifyInstance, ctx: ProductRouteContext): void {
  const find = (req: FastifyRequest) => ctx.products.get((req.params as { originProductNo: string }).originProductNo);
  const notFound = (reply: FastifyReply) => productError(ctx, reply, 404, 'NOT_FOUND', '상품이 존재하지 않습니다.');

  app.get(ORIGIN_PRODUCT_ROUTE, async (req, reply) => {
    const p = find(req);
    return p ? reply.send(originProductJson(p)) : notFound(reply);
  });

  app.put(OPTION_STOCK_ROUTE, async (req, reply) => {
    const p = find(req);
    if (!p) return notFound(reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problem = optionStockProblem(p, body);
    if (problem) return productError(ctx, reply, 400, 'BAD_REQUEST', problem.message, [problem]);
    const options = applyOptionStock(p, body);
    ctx.record(req, { kind: 'option-stock', request: ctx.writeRequestNo(req), at: ctx.now(), originProductNo: p.originProductNo, salePriceSent: body.productSalePrice !== undefined, options });
    const json = originProductJson(p);
    return reply.send({ originProductNo: Number(p.originProductNo), smartstoreChannelProductNo: Number(p.channelProductNo), originProduct: json.originProduct });
  });

  // Multi-update (spec §6.3): validated whole first, then applied; `STOCK` on a product with options is
  // refused (UNCERTAIN, spec §13.7: the strict reading). The answer is `{code, message, data}`.
  app.patch(MULTI_UPDATE_ROUTE, async (req, reply) => {
    const vos = (req.body as { multiProductUpdateRequestVos?: unknown } | undefined)?.multiProductUpdateRequestVos;
    if (!Array.isArray(vos) || vos.length === 0) {
      return productError(ctx, reply, 400, 'BAD_REQUEST', '멀티 상품 수정 요청이 없습니다.', [{ name: 'multiProductUpdateRequestVos', type: 'NotEmpty', message: '필수 값입니다.' }]);
    }
    const plan: Array<{ p: SandboxProduct; vo: Record<string, unknown> }> = [];
    for (const [i, raw] of vos.entries()) {
      const vo = raw as Record<string, unknown>;
      const at = `multiProductUpdateRequestVos[${i}]`;
      const types = vo.multiUpdateTypes;
      const bad = (name: string, message: string) => productError(ctx, reply, 400, 'BAD_REQUEST', message, [{ name: `${at}.${name}`, type: 'Invalid', message }]);
      const p = isInt(vo.originProductNo) ? ctx.products.get(String(vo.originProductNo)) : undefined;
      if (!p) return bad('originProductNo', '존재하지 않는 원상품 번호입니다.');
      if (!Array.isArray(types) || types.length === 0 || !types.every((x) => MULTI_UPDATE_TYPES.has(String(x)))) return bad('multiUpdateTypes', '멀티 업데이트 종류를 확인해 주세요.');
      if (types.includes('STOCK')) {
        if (!isInt(vo.stockQuantity) || vo.stockQuantity < 0 || vo.stockQuantity > STOCK_MAX) return bad('stockQuantity', '재고 수량을 확인해 주세요.');
        if (p.options) return bad('stockQuantity', '옵션 상품의 재고는 옵션 재고 변경으로 수정해 주세요.');
      }
      plan.push({ p, vo });
    }
    for (const { p, vo } of plan) {
      const types = vo.multiUpdateTypes as string[];
      if (types.includes('STOCK')) p.stockQuantity = vo.stockQuantity as number;
      const sale = (vo.productSalePrice as { salePrice?: unknown } | undefined)?.salePrice;
      if (types.includes('SALE_PRICE') && isInt(sale)) p.salePrice = sale;
      if (types.includes('PRODUCT_STATUS_SUSPENSION')) p.statusType = 'SUSPENSION';
      if (types.includes('PRODUCT_STATUS_SALE')) p.statusType = 'SALE';
      settleStatus(p);
      if (types.includes('STOCK')) ctx.record(req, { kind: 'multi-update', request: ctx.writeRequestNo(req), at: ctx.now(), originProductNo: p.originProductNo, stockQuantity: p.stockQuantity });
    }
    return reply.send({ code: 'SUCCESS', message: '요청이 처리되었습니다.', data: {} });
  });

  // Product search (spec §6.2), paged; the answer is not wrapped in an envelope.
  app.post(PRODUCT_SEARCH_ROUTE, async (req, reply) => {
    const body = (req.body ?? {}) as { page?: unknown; size?: unknown };
    const page = body.page === undefined ? 1 : body.page;
    const size = body.size === undefined ? 50 : body.size;
    if (!isInt(page) || page < 1 || !isInt(size) || size < 1 || size > 500) {
      return productError(ctx, reply, 400, 'BAD_REQUEST', '페이지 정보를 확인해 주세요.', [{ name: 'size', type: 'Range', message: 'size는 1~500입니다.' }]);
    }
    const all = [...ctx.products.values()];
    const contents = all.slice((page - 1) * size, page * size).map((p) => ({
      originProductNo: Number(p.originProductNo),
      channelProducts: [
        { channelProductNo: Number(p.channelProductNo), originProductNo: Number(p.originProductNo), name: p.name, sellerManagementCode: p.sellerManagementCode, statusType: p.statusType, salePrice: p.salePrice, stockQuantity: p.stockQuantity },
      ],
    }));
    const totalPages = Math.ceil(all.length / size);
    return reply.send({ contents, page, size, totalElements: all.length, totalPages, first: page === 1, last: page >= totalPages });
  });
}
