/**
 * The sandbox's searchOrder (spec §2): validation in the order API's own words, the window rules,
 * the hit cap, sorting and paging, and the INFO_101 / INFO_102 / ERROR answers of spec §7.2–§7.4.
 * A pure function of the request body, the stored orders and the sandbox clock.
 */
import { parseOffsetTime } from '../../lib/time.js';

/** What a sandbox route answers: HTTP status and JSON body. */
export interface SandboxAnswer {
  status: number;
  body: unknown;
}

/** What the sandbox stores of an order: a full OrderModel (or a deliberately broken one). */
export type StoredOrder = Record<string, unknown> & { orderNumber: string; orderProgress: number; orderDatetime: string };

/** One MessageModel entry; `orderNumber` only when given (searchOrder entries carry none, spec §7.2). */
export function messageEntry(messageType: 'INFO' | 'ERROR' | 'WARNING', messageCode: string, message: string, orderNumber?: string) {
  return orderNumber === undefined ? { messageType, messageCode, message } : { messageType, messageCode, message, orderNumber };
}

const PREFIX = 'ORDER_EXT_API_SEARCH_ORDER_';
const DAY = 86_400_000;
/** Only `YYYY-MM-DDThh:mm:ss+0900` is accepted (spec §2.1, pitfall 1): no `Z`, `+09:00`, millis or space. */
const RAKUTEN_TIME = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+0900$/;

/**
 * Codes of the window and paging rules. Rakuten documents the rules (spec §2.1, §2.2) but not the
 * codes their violations carry (UNCERTAIN): the sandbox uses these numbers, and the client only
 * relies on `messageType: ERROR`, never on the number.
 */
export const SEARCH_RULE_CODES = {
  endBeforeStart: `${PREFIX}ERROR_012`,
  windowTooLong: `${PREFIX}ERROR_013`,
  startTooOld: `${PREFIX}ERROR_014`,
  pageTooLarge: `${PREFIX}ERROR_015`,
} as const;

/** searchOrder `dateType` → the OrderModel field it filters on. 4 (発送日) and 6 (決済確定日) find nothing in the sandbox. */
const DATE_FIELD: Record<number, string | undefined> = {
  1: 'orderDatetime',
  2: 'shopOrderCfmDatetime',
  3: 'orderFixDatetime',
  5: 'shippingCmplRptDatetime',
};

const PROGRESS = new Set([100, 200, 300, 400, 500, 600, 700, 800, 900]);

function validTime(text: string): Date | undefined {
  const m = RAKUTEN_TIME.exec(text);
  if (!m) return undefined;
  const [, mo, d, h, mi, s] = m.map(Number);
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) return undefined;
  const date = parseOffsetTime(text);
  // Reject 2025-02-31 and the like: the parsed date must show the same day.
  if (!date || new Date(date.getTime() + 9 * 3600_000).getUTCDate() !== d) return undefined;
  return date;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** The 400 answer of spec §7.4: `orderNumberList` and `PaginationResponseModel` null, ERROR entries. */
function refused(errors: Array<ReturnType<typeof messageEntry>>): SandboxAnswer {
  return { status: 400, body: { orderNumberList: null, MessageModelList: errors, PaginationResponseModel: null } };
}

/** Options of the sandbox's searchOrder. */
export interface SearchOptions {
  now: Date;
  /** Hits a search can reach (Rakuten: 15,000); later hits are not returned. */
  maxHits: number;
}

/**
 * Answers one searchOrder request body (spec §2): 400 with `ERROR_009` (missing field),
 * `ERROR_010` (empty value), `ERROR_011` (bad format, e.g. `Z` or `+09:00`), or a window/paging
 * rule code; else 200 with the page of order numbers sorted by order date (asc unless
 * `sortDirection` 2), INFO_101 and pagination, or INFO_102 with null pagination fields when
 * nothing matches. `totalRecordsAmount` is the true number of hits; only the first `maxHits` of
 * them can be paged to (`totalPages` counts those), later pages come back empty with INFO_101.
 * How Rakuten reports hits past 15,000 and pages past the last are not documented (UNCERTAIN,
 * spec §2.2): these are the sandbox's readings, and the connector does not depend on them
 * (it halves a window that reaches the cap, and stops on an empty page).
 */
export function answerSearchOrder(body: unknown, orders: readonly StoredOrder[], opts: SearchOptions): SandboxAnswer {
  const req = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const errors: Array<ReturnType<typeof messageEntry>> = [];
  const err = (n: '009' | '010' | '011', field: string) => {
    const text = n === '009' ? `${field}の項目を指定して下さい。` : n === '010' ? `${field}の値を指定して下さい。` : `${field}の書式が不正です。`;
    errors.push(messageEntry('ERROR', `${PREFIX}ERROR_${n}`, text));
  };

  if (req.dateType === undefined || req.dateType === null) err('009', 'dateType');
  else if (!isInt(req.dateType) || req.dateType < 1 || req.dateType > 6) err('011', 'dateType');

  const times: Record<string, Date | undefined> = {};
  for (const field of ['startDatetime', 'endDatetime']) {
    const v = req[field];
    if (v === undefined || v === null) err('009', field);
    else if (v === '') err('010', field);
    else if (typeof v !== 'string' || !(times[field] = validTime(v))) err('011', field);
  }

  const progress = req.orderProgressList;
  if (progress !== undefined && progress !== null && !(Array.isArray(progress) && progress.every((p) => isInt(p) && PROGRESS.has(p)))) {
    err('011', 'orderProgressList');
  }

  const pagination = (req.PaginationRequestModel ?? {}) as Record<string, unknown>;
  const pageSize = pagination.requestRecordsAmount ?? 30; // DocMD: default 30
  const page = pagination.requestPage ?? 1;
  if (!isInt(pageSize) || pageSize < 1) err('011', 'requestRecordsAmount');
  else if (pageSize > 1000) errors.push(messageEntry('ERROR', SEARCH_RULE_CODES.pageTooLarge, 'requestRecordsAmountは1000以下で指定して下さい。'));
  if (!isInt(page) || page < 1) err('011', 'requestPage');
  const sorts = pagination.SortModelList;
  let direction = 1;
  if (sorts !== undefined && sorts !== null) {
    const list = Array.isArray(sorts) ? (sorts as Array<Record<string, unknown>>) : null;
    const ok = list?.every((s) => typeof s === 'object' && s !== null && s.sortColumn === 1 && (s.sortDirection === 1 || s.sortDirection === 2));
    if (!ok) err('011', 'SortModelList');
    else direction = (list?.[0]?.sortDirection as number | undefined) ?? 1;
  }

  const start = times.startDatetime;
  const end = times.endDatetime;
  if (start && end) {
    if (end.getTime() < start.getTime()) {
      errors.push(messageEntry('ERROR', SEARCH_RULE_CODES.endBeforeStart, 'endDatetimeはstartDatetime以降を指定して下さい。'));
    } else if (end.getTime() - start.getTime() > 63 * DAY) {
      errors.push(messageEntry('ERROR', SEARCH_RULE_CODES.windowTooLong, '検索期間は63日以内で指定して下さい。'));
    }
    if (start.getTime() < opts.now.getTime() - 730 * DAY) {
      errors.push(messageEntry('ERROR', SEARCH_RULE_CODES.startTooOld, 'startDatetimeは過去2年（730日）以内で指定して下さい。'));
    }
  }
  if (errors.length > 0 || !start || !end) return refused(errors);

  const field = DATE_FIELD[req.dateType as number];
  const statuses = Array.isArray(progress) && progress.length > 0 ? new Set(progress as number[]) : null;
  const hits = field
    ? orders
        .map((o) => ({ o, at: typeof o[field] === 'string' ? parseOffsetTime(o[field]) : undefined }))
        .filter((h): h is { o: StoredOrder; at: Date } => h.at !== undefined && h.at >= start && h.at <= end)
        .filter((h) => statuses === null || statuses.has(h.o.orderProgress))
        .sort((a, b) => (a.at.getTime() - b.at.getTime() || a.o.orderNumber.localeCompare(b.o.orderNumber)) * (direction === 2 ? -1 : 1))
    : [];

  if (hits.length === 0) {
    return {
      status: 200,
      body: {
        orderNumberList: [],
        MessageModelList: [messageEntry('INFO', `${PREFIX}INFO_102`, '注文検索に成功しました。(検索結果０件)')],
        PaginationResponseModel: { totalRecordsAmount: null, totalPages: null, requestPage: null },
      },
    };
  }
  const size = pageSize as number;
  const reachable = hits.slice(0, opts.maxHits);
  const totalPages = Math.ceil(reachable.length / size);
  const current = page as number;
  const slice = reachable.slice((current - 1) * size, current * size);
  return {
    status: 200,
    body: {
      orderNumberList: slice.map((h) => h.o.orderNumber),
      MessageModelList: [messageEntry('INFO', `${PREFIX}INFO_101`, '注文検索に成功しました。')],
      PaginationResponseModel: { totalRecordsAmount: hits.length, totalPages, requestPage: current },
    },
  };
}
