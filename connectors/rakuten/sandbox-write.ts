/**
 * The sandbox's order writes: confirmOrder (spec §4.1, §7.7) and updateOrderShipping (spec §4.2,
 * §7.8, §7.9), applied to the stored orders and recorded in order for tests.
 */
import { kstDayStart, toRakutenDatetime } from '../../lib/time.js';
import { DELIVERY_COMPANIES, isKnownDeliveryCompany } from './carriers.js';
import { messageEntry, type SandboxAnswer, type StoredOrder } from './sandbox-search.js';

/** An order moved 100 → 200 by confirmOrder. */
export interface ConfirmationRecord {
  orderNumber: string;
  /** Sandbox clock. */
  at: Date;
  /** `seq` of the request that did it (see SandboxRequestRecord). */
  requestSeq: number;
}

/** A shipping row added, updated or deleted by updateOrderShipping (or put there "in RMS" by a test). */
export interface ShippingRowRecord {
  orderNumber: string;
  basketId: number;
  shippingDetailId: number;
  action: 'add' | 'update' | 'delete';
  /** The row after the change (before, for a delete). */
  deliveryCompany: string | null;
  shippingNumber: string | null;
  shippingDate: string | null;
  at: Date;
  /** `seq` of the request, or null for a row put there by `addShippingRow` (typed in RMS). */
  requestSeq: number | null;
}

/** What the write routes work on. */
export interface WriteContext {
  orders: Map<string, StoredOrder>;
  now: Date;
  requestSeq: number;
  confirmations: ConfirmationRecord[];
  shippingRows: ShippingRowRecord[];
  /** Issues the next Rakuten-style shippingDetailId (≤ 12 digits). */
  nextShippingDetailId(): number;
  /** Called when an order is confirmed, so the sandbox can move it 200 → 300 later. */
  onConfirmed(orderNumber: string): void;
}

/** A stored shipping row (ShippingModel, spec §3.2). */
export interface StoredShippingRow {
  shippingDetailId: number;
  shippingNumber: string | null;
  deliveryCompany: string | null;
  deliveryCompanyName: string | null;
  shippingDate: string | null;
}

interface StoredPackage {
  basketId: number;
  ShippingModelList: StoredShippingRow[];
}

const CONFIRM = 'ORDER_EXT_API_CONFIRM_ORDER_';
const SHIPPING = 'ORDER_EXT_API_UPDATE_ORDERSHIPPING_';

/**
 * Codes of rules whose violation Rakuten documents without a code (UNCERTAIN): the sandbox's own
 * numbers, in a 9xx range no source mentions. Clients must rely on `messageType`, not on these.
 */
export const SANDBOX_WRITE_CODES = {
  confirmUnknownOrder: `${CONFIRM}ERROR_901`,
  shippingUnknownOrder: `${SHIPPING}ERROR_901`,
  shippingUnknownBasket: `${SHIPPING}ERROR_902`,
  shippingUnknownRow: `${SHIPPING}ERROR_903`,
  shippingTooManyRows: `${SHIPPING}ERROR_904`,
} as const;

/** Most rows a basket holds (spec §4.2). */
export const SANDBOX_MAX_SHIPPING_ROWS = 20;

function asRecord(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function packagesOf(order: StoredOrder): StoredPackage[] {
  const list = Array.isArray(order.PackageModelList) ? (order.PackageModelList as StoredPackage[]) : [];
  for (const p of list) if (!Array.isArray(p.ShippingModelList)) p.ShippingModelList = [];
  return list;
}

// ------------------------------------------------------------------------------ confirmOrder

/**
 * Answers confirmOrder (spec §4.1, §7.7): 400 ERROR_009 / 010 / 011 for a missing, empty or
 * malformed `orderNumberList` (and ERROR_011 past 100 numbers: code UNCERTAIN); else 200 with one
 * entry per distinct order number, naming it: INFO_101 for an order in 100, which moves to 200
 * (注文確認 recorded, `shopOrderCfmDatetime` set); ERROR_102 for an order cancelled or being
 * cancelled (800/900) and ERROR_103 for one already past 100 — both codes come from one source
 * (UNCERTAIN, spec §1.3); an unknown order gets the sandbox's own ERROR_901.
 */
export function answerConfirmOrder(body: unknown, ctx: WriteContext): SandboxAnswer {
  const refused = (n: string, text: string): SandboxAnswer => ({ status: 400, body: { MessageModelList: [messageEntry('ERROR', `${CONFIRM}ERROR_${n}`, text)] } });
  const req = asRecord(body);
  const list = req?.orderNumberList;
  if (list === undefined || list === null) return refused('009', 'orderNumberListの項目を指定して下さい。');
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string' && n !== '')) return refused('011', 'orderNumberListの書式が不正です。');
  if (list.length === 0) return refused('010', 'orderNumberListの値を指定して下さい。');
  if (list.length > 100) return refused('011', 'orderNumberListは100件以内で指定して下さい。');
  const messages = [...new Set(list as string[])].map((n) => {
    const order = ctx.orders.get(n);
    if (!order) return messageEntry('ERROR', SANDBOX_WRITE_CODES.confirmUnknownOrder, '注文が存在しません。', n);
    if (order.orderProgress === 800 || order.orderProgress === 900) return messageEntry('ERROR', `${CONFIRM}ERROR_102`, '注文はキャンセルされています。', n);
    if (order.orderProgress !== 100) return messageEntry('ERROR', `${CONFIRM}ERROR_103`, '注文ステータスが注文確認待ちではありません。', n);
    order.orderProgress = 200;
    order.shopOrderCfmDatetime = toRakutenDatetime(ctx.now);
    ctx.confirmations.push({ orderNumber: n, at: ctx.now, requestSeq: ctx.requestSeq });
    ctx.onConfirmed(n);
    return messageEntry('INFO', `${CONFIRM}INFO_101`, '注文確認に成功しました。', n);
  });
  return { status: 200, body: { MessageModelList: messages } };
}

// ------------------------------------------------------------------------------ updateOrderShipping

type ShippingEntry = { messageType: 'INFO' | 'ERROR'; messageCode: string; message: string; dataNumber: number | null; shippingDetailId: number | null };

function entry(type: 'INFO' | 'ERROR', code: string, message: string, dataNumber: number | null, shippingDetailId: number | null = null): ShippingEntry {
  return { messageType: type, messageCode: code, message, dataNumber, shippingDetailId };
}

function validDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  try {
    kstDayStart(text);
    return true;
  } catch {
    return false;
  }
}

/** The problem of one field of a row, as `<field>の書式が不正です。` (ERROR_011), or null. */
function fieldProblem(row: Record<string, unknown>): string | null {
  const dc = row.deliveryCompany;
  if (dc !== undefined && dc !== null && (typeof dc !== 'string' || (dc !== '' && !isKnownDeliveryCompany(dc)))) return 'deliveryCompany';
  const sn = row.shippingNumber;
  if (sn !== undefined && sn !== null && (typeof sn !== 'string' || sn.length > 120)) return 'shippingNumber';
  const sd = row.shippingDate;
  if (sd !== undefined && sd !== null && (typeof sd !== 'string' || (sd !== '' && !validDate(sd)))) return 'shippingDate';
  const del = row.shippingDeleteFlag;
  if (del !== undefined && del !== null && del !== 0 && del !== 1) return 'shippingDeleteFlag';
  const id = row.shippingDetailId;
  if (id !== undefined && id !== null && !(typeof id === 'number' && Number.isInteger(id) && id > 0)) return 'shippingDetailId';
  return null;
}

/** A field as sent: undefined = left out (unchanged), '' = cleared (null), else the value (spec §4.2 Parameter Behavior). */
function fieldValue(v: unknown, before: string | null): string | null {
  if (v === undefined || v === null) return before;
  return v === '' ? null : (v as string);
}

/**
 * Answers updateOrderShipping (spec §4.2, §7.8, §7.9). Every row is checked first, numbered by
 * `dataNumber` across all baskets of the request; any problem → HTTP 400 with one ERROR entry
 * per faulty row (`dataNumber`, `shippingDetailId` null) and nothing applied (whether Rakuten
 * applies the valid rows of a refused request is UNCERTAIN; the sandbox applies none). Checks:
 * `orderNumber` / `BasketidModelList` present (ERROR_009 / 010); the order known (own ERROR_901);
 * the basket part of the order (own ERROR_902); `shippingDetailId` a row of that basket (own
 * ERROR_903); carrier code in the §4.4 list, `shippingNumber` ≤ 120 characters, `shippingDate`
 * `YYYY-MM-DD` (ERROR_011 `<field>の書式が不正です。`); at most 20 rows per basket (own ERROR_904).
 * A cancelled order (900) is refused row by row with ERROR_102 and HTTP 200 (its status on the
 * synchronous call is UNCERTAIN). Otherwise 200 with one entry per row: INFO_101 added (with the
 * new Rakuten-issued `shippingDetailId`), INFO_102 updated, INFO_103 deleted; fields left out stay,
 * '' clears. When every basket then has at least one row and every row is complete (carrier,
 * number, date), an order in 300 moves to 500 発送済 at once (the exact moment is UNCERTAIN,
 * spec §10 item 10).
 */
export function answerUpdateOrderShipping(body: unknown, ctx: WriteContext): SandboxAnswer {
  const req = asRecord(body);
  const whole = (code: string, text: string): SandboxAnswer => ({ status: 400, body: { MessageModelList: [entry('ERROR', code, text, null)] } });
  const orderNumber = req?.orderNumber;
  if (orderNumber === undefined || orderNumber === null) return whole(`${SHIPPING}ERROR_009`, 'orderNumberの項目を指定して下さい。');
  if (typeof orderNumber !== 'string' || orderNumber === '') return whole(`${SHIPPING}ERROR_011`, 'orderNumberの書式が不正です。');
  const baskets = req?.BasketidModelList;
  if (baskets === undefined || baskets === null) return whole(`${SHIPPING}ERROR_009`, 'BasketidModelListの項目を指定して下さい。');
  if (!Array.isArray(baskets) || baskets.length === 0) return whole(`${SHIPPING}ERROR_010`, 'BasketidModelListの値を指定して下さい。');
  const order = ctx.orders.get(orderNumber);
  if (!order) return whole(SANDBOX_WRITE_CODES.shippingUnknownOrder, '注文が存在しません。');
  const packages = packagesOf(order);

  const errors: ShippingEntry[] = [];
  const planned: Array<{ dataNumber: number; pkg: StoredPackage; row: Record<string, unknown> }> = [];
  let dataNumber = 0;
  for (const rawBasket of baskets) {
    const basket = asRecord(rawBasket);
    const rows = Array.isArray(basket?.ShippingModelList) ? (basket.ShippingModelList as unknown[]) : null;
    if (!basket || !rows || rows.length === 0) {
      errors.push(entry('ERROR', `${SHIPPING}ERROR_009`, 'ShippingModelListの項目を指定して下さい。', null));
      continue;
    }
    const pkg = packages.find((p) => p.basketId === basket.basketId);
    let total = pkg?.ShippingModelList.length ?? 0;
    for (const rawRow of rows) {
      dataNumber++;
      const row = asRecord(rawRow) ?? {};
      const id = row.shippingDetailId;
      const bad = fieldProblem(row);
      if (!pkg) errors.push(entry('ERROR', SANDBOX_WRITE_CODES.shippingUnknownBasket, `basketId ${String(basket.basketId)}はこの注文に存在しません。`, dataNumber));
      else if (bad) errors.push(entry('ERROR', `${SHIPPING}ERROR_011`, `${bad}の書式が不正です。`, dataNumber));
      else if (typeof id === 'number' && !pkg.ShippingModelList.some((r) => r.shippingDetailId === id)) {
        errors.push(entry('ERROR', SANDBOX_WRITE_CODES.shippingUnknownRow, `shippingDetailId ${id}は存在しません。`, dataNumber));
      } else if (row.shippingDeleteFlag === 1 && typeof id !== 'number') {
        errors.push(entry('ERROR', `${SHIPPING}ERROR_009`, 'shippingDetailIdの項目を指定して下さい。', dataNumber));
      } else if (typeof id !== 'number' && ++total > SANDBOX_MAX_SHIPPING_ROWS) {
        errors.push(entry('ERROR', SANDBOX_WRITE_CODES.shippingTooManyRows, `発送情報は1送付先につき${SANDBOX_MAX_SHIPPING_ROWS}件までです。`, dataNumber));
      } else planned.push({ dataNumber, pkg, row });
    }
  }
  if (errors.length > 0) return { status: 400, body: { MessageModelList: errors } };
  if (order.orderProgress === 900) {
    const text = '既にキャンセルされているため発送完了報告が出来る状態ではありません';
    return { status: 200, body: { MessageModelList: planned.map((p) => entry('ERROR', `${SHIPPING}ERROR_102`, text, p.dataNumber)) } };
  }

  const answers = planned.map(({ dataNumber: d, pkg, row }) => {
    const id = row.shippingDetailId;
    const record = (action: ShippingRowRecord['action'], r: StoredShippingRow) =>
      ctx.shippingRows.push({ orderNumber, basketId: pkg.basketId, shippingDetailId: r.shippingDetailId, action, deliveryCompany: r.deliveryCompany, shippingNumber: r.shippingNumber, shippingDate: r.shippingDate, at: ctx.now, requestSeq: ctx.requestSeq });
    if (typeof id === 'number') {
      const i = pkg.ShippingModelList.findIndex((r) => r.shippingDetailId === id);
      const current = pkg.ShippingModelList[i]!;
      if (row.shippingDeleteFlag === 1) {
        pkg.ShippingModelList.splice(i, 1);
        record('delete', current);
        return entry('INFO', `${SHIPPING}INFO_103`, '発送情報の削除設定が完了しました。', d, id);
      }
      current.deliveryCompany = fieldValue(row.deliveryCompany, current.deliveryCompany);
      current.deliveryCompanyName = current.deliveryCompany ? (DELIVERY_COMPANIES[current.deliveryCompany] ?? null) : null;
      current.shippingNumber = fieldValue(row.shippingNumber, current.shippingNumber);
      current.shippingDate = fieldValue(row.shippingDate, current.shippingDate);
      record('update', current);
      return entry('INFO', `${SHIPPING}INFO_102`, '発送情報の更新設定が完了しました。', d, id);
    }
    const added = newShippingRow(ctx.nextShippingDetailId(), row);
    pkg.ShippingModelList.push(added);
    record('add', added);
    return entry('INFO', `${SHIPPING}INFO_101`, '発送情報の追加設定が完了しました。', d, added.shippingDetailId);
  });
  markShippedWhenComplete(order, ctx.now);
  return { status: 200, body: { MessageModelList: answers } };
}

/** A new stored row from request fields (left-out and '' fields are null). */
export function newShippingRow(shippingDetailId: number, row: Record<string, unknown>): StoredShippingRow {
  const deliveryCompany = fieldValue(row.deliveryCompany, null);
  return {
    shippingDetailId,
    shippingNumber: fieldValue(row.shippingNumber, null),
    deliveryCompany,
    deliveryCompanyName: deliveryCompany ? (DELIVERY_COMPANIES[deliveryCompany] ?? null) : null,
    shippingDate: fieldValue(row.shippingDate, null),
  };
}

/** 300 → 500 once every basket has a row and every row has carrier, number and date (spec §4.2). */
export function markShippedWhenComplete(order: StoredOrder, now: Date): void {
  if (order.orderProgress !== 300) return;
  const packages = packagesOf(order);
  const complete = (r: StoredShippingRow) => !!r.deliveryCompany && !!r.shippingNumber && !!r.shippingDate;
  if (packages.length > 0 && packages.every((p) => p.ShippingModelList.length > 0 && p.ShippingModelList.every(complete))) {
    order.orderProgress = 500;
    order.shippingCmplRptDatetime = toRakutenDatetime(now);
  }
}
