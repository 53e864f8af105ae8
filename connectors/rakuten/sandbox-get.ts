/**
 * The sandbox's getOrder (spec §3): `version` required, ≤ 100 order numbers, INFO_102 entries with
 * `orderNumber` for orders it does not have, and the order tree trimmed to what the asked version
 * returns. A pure function of the request body and the stored orders.
 */
import { messageEntry, type SandboxAnswer, type StoredOrder } from './sandbox-search.js';

const PREFIX = 'ORDER_EXT_API_GET_ORDER_';
/** Versions getOrder answers: 1 and 2 are rejected (spec §3.1, [TS-zod] dry run); 10 is the latest. */
const MIN_VERSION = 3;
const MAX_VERSION = 10;

function refused(code: string, message: string): SandboxAnswer {
  return { status: 400, body: { MessageModelList: [messageEntry('ERROR', `${PREFIX}${code}`, message)], OrderModelList: null } };
}

/**
 * An order as getOrder `version` shows it (spec §3.1): before 7 without `SkuModelList`, before 9
 * without `dropOffFlag`/`dropOffLocation`, before 10 without `socialGiftFlag`/`SocialGiftModel`.
 */
export function orderForVersion(order: StoredOrder, version: number): StoredOrder {
  const copy = structuredClone(order);
  if (version < 10) delete copy.socialGiftFlag;
  const packages = Array.isArray(copy.PackageModelList) ? (copy.PackageModelList as Array<Record<string, unknown>>) : [];
  for (const pkg of packages) {
    if (version < 10) delete pkg.SocialGiftModel;
    if (version < 9) {
      delete pkg.dropOffFlag;
      delete pkg.dropOffLocation;
    }
    const items = Array.isArray(pkg.ItemModelList) ? (pkg.ItemModelList as Array<Record<string, unknown>>) : [];
    if (version < 7) for (const item of items) delete item.SkuModelList;
  }
  return copy;
}

/**
 * Answers one getOrder request body (spec §3, §7.5, §7.6): 400 with `ERROR_009` when
 * `orderNumberList` or `version` is missing, `ERROR_010` for an empty list, `ERROR_011` for more
 * than 100 numbers or a version outside 3–10 (the code of those two is UNCERTAIN); else 200 with
 * INFO_101 (when any order is found), one INFO_102 entry with `orderNumber` per number not found
 * (or listed in `hidden`), the echoed `version`, and the orders in the order asked.
 */
export function answerGetOrder(body: unknown, orders: ReadonlyMap<string, StoredOrder>, hidden: ReadonlySet<string>): SandboxAnswer {
  const req = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const list = req.orderNumberList;
  if (list === undefined || list === null) return refused('ERROR_009', 'orderNumberListの項目を指定して下さい。');
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) return refused('ERROR_011', 'orderNumberListの書式が不正です。');
  if (list.length === 0) return refused('ERROR_010', 'orderNumberListの値を指定して下さい。');
  if (list.length > 100) return refused('ERROR_011', 'orderNumberListは100件以内で指定して下さい。');
  if (req.version === undefined || req.version === null || req.version === '') return refused('ERROR_009', 'versionの項目を指定して下さい。');
  // [JakeJP] sends the version as a string ("7"), which also works (spec §3.1).
  const version = typeof req.version === 'string' && /^\d+$/.test(req.version) ? Number(req.version) : req.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < MIN_VERSION || version > MAX_VERSION) {
    return refused('ERROR_011', 'versionの値が不正です。');
  }

  const found: StoredOrder[] = [];
  const missing: string[] = [];
  for (const n of new Set(list as string[])) {
    const order = hidden.has(n) ? undefined : orders.get(n);
    if (order) found.push(orderForVersion(order, version));
    else missing.push(n);
  }
  const messages = [
    ...(found.length > 0 ? [messageEntry('INFO', `${PREFIX}INFO_101`, `受注情報取得に成功しました。(取得件数${found.length}件)`)] : []),
    ...missing.map((n) => messageEntry('INFO', `${PREFIX}INFO_102`, '受注情報が取得できませんでした。', n)),
  ];
  return { status: 200, body: { MessageModelList: messages, version, OrderModelList: found } };
}
