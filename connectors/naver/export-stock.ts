import { stockKey, type StockTarget, type WriteResult } from '../shared/exports.js';
import { callFailure, notSent, type CallFailure, type ItemOutcome } from './export-results.js';
import type { SinkDeps } from './remote-state.js';
import { STOCK_MAX, type MultiUpdateItem, type OptionInfo, type OptionStockRequest, type OriginProductAnswer } from './schemas.js';
import { chunks } from './windows.js';

/**
 * Products per multi-update call. The docs give no limit (UNCERTAIN): 50 keeps a refused call
 * small, and a refused call is split into single-product calls anyway.
 */
export const MULTI_UPDATE_BATCH = 50;

/** One target as planned: its index in the call, product and option numbers, clamped quantity. */
interface Plan {
  index: number;
  key: string;
  productNo: number;
  /** null: a product without options (multi-update). */
  optionId: number | null;
  quantity: number;
}

const NUMBER = /^\d{1,16}$/;

function plan(t: StockTarget, index: number): Plan | ItemOutcome {
  const key = stockKey(t);
  const product = t.listingProductId.trim();
  const option = t.listingOptionId.trim();
  if (!NUMBER.test(product) || !Number.isSafeInteger(Number(product)) || Number(product) <= 0) {
    return { outcome: 'failed', permanent: true, code: 'INVALID_TARGET', message: `listing product "${t.listingProductId}" is not a Naver origin product number` };
  }
  if (option !== '' && (!NUMBER.test(option) || !Number.isSafeInteger(Number(option)) || Number(option) <= 0)) {
    return { outcome: 'failed', permanent: true, code: 'INVALID_TARGET', message: `listing option "${t.listingOptionId}" is not a Naver option id` };
  }
  if (!Number.isFinite(t.quantity)) return { outcome: 'failed', permanent: true, code: 'INVALID_TARGET', message: `quantity ${t.quantity} is not a number` };
  // design.md §6: pushed stock floors at 0; Naver takes at most 99,999,999 (spec §6.3).
  const quantity = Math.min(STOCK_MAX, Math.max(0, Math.floor(t.quantity)));
  return { index, key, productNo: Number(product), optionId: option === '' ? null : Number(option), quantity };
}

/** A read (GET) that failed: nothing was written, so never `unknown`; permanent when the product is gone. */
function readFailure(err: unknown): CallFailure {
  const f = callFailure(err);
  // The product API's own 404 (`NOT_FOUND`, spec §6.3); a gateway `GW.NOT_FOUND` means a wrong path, not a deleted product.
  const gone = f.code === 'NOT_FOUND';
  return { ...f, outcome: 'failed', permanent: gone || f.permanent, message: `nothing written: reading the product first failed (${f.message})`, stop: f.stop && !gone };
}

/** Runs `fn` after every earlier call for the same key has settled (stock writes serialised per product, spec §6.3). */
function keyedQueue(): <T>(key: number, fn: () => Promise<T>) => Promise<T> {
  const tails = new Map<number, Promise<unknown>>();
  return async (key, fn) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

/**
 * The option-stock body (pure, spec §6.3, §10.7): every combination and standard option the
 * product has, each with its current price and `usable`, its current stock unless `stock` names a
 * new one; the current sale price; `useStockManagement` as read (true when the product does not
 * say, as in the spec's sample). Nothing is left out: Naver saves an omitted stock or price as 0,
 * and whether an option omitted from the array is reset is UNCERTAIN (spec §13.7), so the whole
 * list is always sent and the question never arises.
 */
export function optionStockBody(product: OriginProductAnswer, stock: Map<number, number>): OptionStockRequest {
  const info: OptionInfo | null | undefined = product.originProduct.detailAttribute?.optionInfo;
  const combos = info?.optionCombinations ?? [];
  const standards = info?.optionStandards ?? [];
  const keep = (current: number) => Math.min(STOCK_MAX, Math.max(0, current));
  return {
    productSalePrice: { salePrice: product.originProduct.salePrice },
    optionInfo: {
      ...(combos.length > 0 ? { optionCombinations: combos.map((c) => ({ id: c.id, stockQuantity: stock.get(c.id) ?? keep(c.stockQuantity), price: c.price, usable: c.usable })) } : {}),
      ...(standards.length > 0 ? { optionStandards: standards.map((s) => ({ id: s.id, stockQuantity: stock.get(s.id) ?? keep(s.stockQuantity), usable: s.usable })) } : {}),
      useStockManagement: info?.useStockManagement ?? true,
    },
  };
}

/** Writes the option stock of one product: GET, then PUT with every option (spec §6.3). */
async function writeOptions(deps: SinkDeps, productNo: number, plans: Plan[], out: Map<number, ItemOutcome>): Promise<CallFailure | undefined> {
  let product: OriginProductAnswer;
  try {
    product = await deps.api.originProduct(productNo);
  } catch (err) {
    const f = readFailure(err);
    for (const p of plans) out.set(p.index, f);
    return f.stop ? f : undefined;
  }
  const attr = product.originProduct.detailAttribute;
  const current = new Map<number, number>();
  for (const o of [...(attr?.optionInfo?.optionCombinations ?? []), ...(attr?.optionInfo?.optionStandards ?? [])]) current.set(o.id, o.stockQuantity);
  const addOns = new Set((attr?.supplementProductInfo?.supplementProducts ?? []).map((s) => s.id));
  const stock = new Map<number, number>();
  const writing: Plan[] = [];
  for (const p of plans) {
    const id = p.optionId!;
    if (current.has(id)) {
      stock.set(id, p.quantity); // the last target for an option wins
      writing.push(p);
    } else if (addOns.has(id)) {
      out.set(p.index, { outcome: 'failed', permanent: true, code: 'ADD_ON_PRODUCT', message: `${id} is an add-on product (추가상품) of ${productNo}: option-stock does not set add-on stock (not supported)` });
    } else {
      const known = current.size === 0 ? 'it has no options with stock' : `its options are ${[...current.keys()].join(', ')}`;
      out.set(p.index, { outcome: 'failed', permanent: true, code: 'UNKNOWN_OPTION', message: `product ${productNo} has no option ${id} at Naver (${known}); the option may have been deleted, or the order's optionCode is not the option id (UNCERTAIN, spec §13.6)` });
    }
  }
  if (writing.length === 0) return undefined;
  if ([...stock].every(([id, q]) => current.get(id) === q)) {
    for (const p of writing) out.set(p.index, { outcome: 'done', permanent: false, message: 'unchanged at Naver; nothing written' });
    return undefined;
  }
  try {
    await deps.api.updateOptionStock(productNo, optionStockBody(product, stock));
  } catch (err) {
    const f = callFailure(err);
    for (const p of writing) out.set(p.index, f);
    return f.stop ? f : undefined;
  }
  const total = [...current].reduce((sum, [id, q]) => sum + (stock.get(id) ?? q), 0);
  const revived = product.originProduct.statusType === 'OUTOFSTOCK' && total > 0;
  if (revived) deps.logger.warn(`product ${productNo} was OUTOFSTOCK at Naver; whether the new stock puts it back on sale without change-status is UNCERTAIN (spec §13.7)`);
  const note = revived ? 'the product was OUTOFSTOCK at Naver: check in Seller Center that it is on sale again (UNCERTAIN, spec §13.7)' : undefined;
  for (const p of writing) out.set(p.index, { outcome: 'done', permanent: false, ...(note ? { message: note } : {}) });
  return undefined;
}

/** Writes the stock of products without options through multi-update; a refused call is split into single products. */
async function writePlain(deps: SinkDeps, plans: Plan[], out: Map<number, ItemOutcome>, stopped: CallFailure | undefined): Promise<void> {
  const last = new Map<number, Plan>();
  for (const p of plans) last.set(p.productNo, p); // the last target for a product wins
  const settle = (productNos: number[], o: ItemOutcome) => {
    for (const p of plans) if (productNos.includes(p.productNo)) out.set(p.index, o);
  };
  const send = async (items: MultiUpdateItem[]) => deps.api.multiUpdateStock({ multiProductUpdateRequestVos: items });
  for (const batch of chunks([...last.values()], MULTI_UPDATE_BATCH)) {
    const nos = batch.map((p) => p.productNo);
    if (stopped) {
      settle(nos, notSent(stopped));
      continue;
    }
    const items = batch.map((p): MultiUpdateItem => ({ originProductNo: p.productNo, multiUpdateTypes: ['STOCK'], stockQuantity: p.quantity }));
    try {
      await send(items);
      settle(nos, { outcome: 'done', permanent: false });
      continue;
    } catch (err) {
      const f = callFailure(err);
      if (!(f.outcome === 'failed' && f.permanent && items.length > 1)) {
        settle(nos, f);
        if (f.stop) stopped = f;
        continue;
      }
    }
    // Refused as a whole (400): one product may be the cause, so each is sent on its own.
    for (const item of items) {
      if (stopped) {
        settle([item.originProductNo], notSent(stopped));
        continue;
      }
      try {
        await send([item]);
        settle([item.originProductNo], { outcome: 'done', permanent: false });
      } catch (err) {
        const f = callFailure(err);
        settle([item.originProductNo], f);
        if (f.stop) stopped = f;
      }
    }
  }
}

/**
 * The stock writer of one connector: `pushStock(targets)` is `ExportSink.pushStock` for Naver.
 * - Option listings (`listingOptionId` set), per origin product: `GET v2/products/origin-products/{no}`,
 *   then `PUT …/option-stock` with every option at its current price and `usable`, only the targeted
 *   stocks changed (spec §6.3, §8.12); no PUT when Naver already has those numbers; GET and PUT of
 *   one product are serialised across concurrent calls.
 * - Listings without option (`''`): `PATCH …/multi-update` with `STOCK`, ≤ 50 products a call
 *   (whether it works for option products is UNCERTAIN, spec §13.7: it is only used for listings
 *   learned from lines without an option).
 * Quantities are floored at 0 and capped at 99,999,999. Writes are not resent on 5xx or a lost
 * answer (`unknown`; stock is absolute, so the next push simply sends it again). One result per
 * target keyed `listingProductId/listingOptionId`, in the targets' order.
 */
export function createStockWriter(deps: SinkDeps): { pushStock(targets: StockTarget[]): Promise<WriteResult[]> } {
  const queue = keyedQueue();
  return {
    async pushStock(targets) {
      const out = new Map<number, ItemOutcome>();
      const optionPlans = new Map<number, Plan[]>();
      const plainPlans: Plan[] = [];
      targets.forEach((t, i) => {
        const p = plan(t, i);
        if (!('index' in p)) out.set(i, p);
        else if (p.optionId === null) plainPlans.push(p);
        else optionPlans.set(p.productNo, [...(optionPlans.get(p.productNo) ?? []), p]);
      });
      let stopped: CallFailure | undefined;
      for (const [productNo, plans] of optionPlans) {
        if (stopped) {
          for (const p of plans) out.set(p.index, notSent(stopped));
          continue;
        }
        stopped = await queue(productNo, () => writeOptions(deps, productNo, plans, out));
      }
      await writePlain(deps, plainPlans, out, stopped);
      return targets.map((t, i) => {
        const o = out.get(i)!;
        const r: WriteResult = { key: stockKey(t), outcome: o.outcome, permanent: o.outcome === 'failed' && o.permanent };
        if (o.code !== undefined) r.code = o.code;
        if (o.message !== undefined) r.message = o.message;
        return r;
      });
    },
  };
}
