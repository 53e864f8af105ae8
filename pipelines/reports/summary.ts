import { licenceDaysLeft, licenceExpiryWarning } from '../../connectors/rakuten/connection-test.js';
import type { LineCount } from '../../data/stores/report-counts.js';
import { FULFILLMENT_STATUSES, UNMAPPED_REASONS } from '../../data/stores/reports.js';
import type { Shop } from '../../data/stores/shops.js';
import { kstDate } from '../../lib/time.js';
import type { Cell, Check, ListDef, ShopReconciliation } from './model.js';

/** The counts read for a report, as the store returns them (all shops of the scope). */
export interface ReportCounts {
  lines: LineCount[];
  orders: Array<{ shopId: number; status: string; n: number }>;
  confirmations: Array<{ shopId: number; status: string; n: number }>;
  tracking: Array<{ shopId: number; status: string; n: number }>;
  holds: Array<{ shopId: number; onHold: number; cancelledAfterInstruction: number }>;
  stockFailed: Array<{ shopId: number; n: number }>;
}

/** `naver:acme-store`: how the report names a shop. */
export function shopName(shop: Pick<Shop, 'mall' | 'mallShopId'>): string {
  return `${shop.mall}:${shop.mallShopId}`;
}

/** Builds a check: `total` against the sum of `parts`, with a sentence either way. */
export function check(name: string, total: number, parts: Array<{ name: string; n: number }>): Check {
  const sum = parts.reduce((a, p) => a + p.n, 0);
  const difference = total - sum;
  const formula = `${total} ${difference === 0 ? '=' : '≠'} ${parts.map((p) => p.n).join(' + ')}`;
  return {
    name,
    total,
    parts,
    difference,
    addsUp: difference === 0,
    text: difference === 0 ? `adds up: ${formula}` : `does not add up: ${formula} (difference ${difference}; the rows are listed in the check sheet)`,
  };
}

/** The three checks of a shop's counts (design.md §10: seen = mapped + unmapped + ignored, and the breakdowns). */
export function checksOf(r: Pick<ShopReconciliation, 'lines' | 'orders'>): Check[] {
  const l = r.lines;
  return [
    check('seen = mapped + unmapped + ignored', l.seen, [{ name: 'mapped', n: l.mapped }, { name: 'unmapped', n: l.unmapped }, { name: 'ignored', n: l.ignored }]),
    check(`unmapped = ${UNMAPPED_REASONS.join(' + ')}`, l.unmapped, UNMAPPED_REASONS.map((k) => ({ name: k, n: l.unmappedByReason[k] ?? 0 }))),
    check(`fulfillment orders = ${FULFILLMENT_STATUSES.join(' + ')}`, r.orders.total, FULFILLMENT_STATUSES.map((s) => ({ name: s, n: r.orders.byStatus[s] ?? 0 }))),
  ];
}

function emptyCounts(): Omit<ShopReconciliation, 'shopId' | 'shop' | 'seller' | 'mall' | 'licence' | 'health' | 'checks'> {
  return {
    lines: { seen: 0, mapped: 0, loaded: 0, unmapped: 0, unmappedByReason: Object.fromEntries([...UNMAPPED_REASONS, 'other'].map((k) => [k, 0])), ignored: 0, other: 0 },
    orders: { total: 0, byStatus: Object.fromEntries(FULFILLMENT_STATUSES.map((s) => [s, 0])), other: 0 },
    confirmations: { pending: 0, failed: 0 },
    tracking: { pending: 0, failed: 0 },
    holds: { onHold: 0, cancelledAfterInstruction: 0 },
    stockFailed: 0,
  };
}

/**
 * The counts of each shop of the scope, in shop id order, with its licence and health alerts
 * (a Rakuten key whose last valid day is within 14 days of `now` or past; health `unhealthy`) and
 * its checks.
 */
export function reconcileShops(shops: Shop[], c: ReportCounts, now: Date): ShopReconciliation[] {
  return shops.map((shop) => {
    const r: ShopReconciliation = { shopId: shop.id, shop: shopName(shop), seller: shop.sellerCode, mall: shop.mall, ...emptyCounts(), licence: { expiresOn: null, daysLeft: null, alert: false, warning: null }, health: { status: shop.health, message: shop.healthMessage, alert: shop.health === 'unhealthy' }, checks: [] };
    for (const x of c.lines.filter((x) => x.shopId === shop.id)) {
      r.lines.seen += x.n;
      if (x.mappingStatus === 'mapped') {
        r.lines.mapped += x.n;
        r.lines.loaded += x.loaded;
      } else if (x.mappingStatus === 'unmapped') {
        r.lines.unmapped += x.n;
        const reason = x.mappingRule !== null && (UNMAPPED_REASONS as readonly string[]).includes(x.mappingRule) ? x.mappingRule : 'other';
        r.lines.unmappedByReason[reason] = (r.lines.unmappedByReason[reason] ?? 0) + x.n;
      } else if (x.mappingStatus === 'ignored') r.lines.ignored += x.n;
      else r.lines.other += x.n;
    }
    for (const x of c.orders.filter((x) => x.shopId === shop.id)) {
      r.orders.total += x.n;
      if ((FULFILLMENT_STATUSES as readonly string[]).includes(x.status)) r.orders.byStatus[x.status] = (r.orders.byStatus[x.status] ?? 0) + x.n;
      else r.orders.other += x.n;
    }
    for (const [key, rows] of [['confirmations', c.confirmations], ['tracking', c.tracking]] as const) {
      for (const x of rows.filter((x) => x.shopId === shop.id)) {
        if (x.status === 'failed') r[key].failed += x.n;
        else r[key].pending += x.n;
      }
    }
    const holds = c.holds.find((x) => x.shopId === shop.id);
    if (holds) r.holds = { onHold: holds.onHold, cancelledAfterInstruction: holds.cancelledAfterInstruction };
    r.stockFailed = c.stockFailed.find((x) => x.shopId === shop.id)?.n ?? 0;
    if (shop.mall === 'rakuten' && shop.credentialsExpireAt) {
      const expiresOn = kstDate(shop.credentialsExpireAt);
      const warning = licenceExpiryWarning(expiresOn, now);
      r.licence = { expiresOn, daysLeft: licenceDaysLeft(expiresOn, now), alert: warning !== null, warning };
    }
    r.checks = checksOf(r);
    return r;
  });
}

/** The counts summed over `shops` (shop id 0, `all shops`), with the checks of the sums. */
export function totalsOf(shops: ShopReconciliation[]): ShopReconciliation {
  const t: ShopReconciliation = { shopId: 0, shop: 'all shops', seller: '', mall: '', ...emptyCounts(), licence: { expiresOn: null, daysLeft: null, alert: false, warning: null }, health: { status: '', message: null, alert: false }, checks: [] };
  let licenceAlerts = 0;
  let healthAlerts = 0;
  for (const s of shops) {
    for (const k of ['seen', 'mapped', 'loaded', 'unmapped', 'ignored', 'other'] as const) t.lines[k] += s.lines[k];
    for (const [k, n] of Object.entries(s.lines.unmappedByReason)) t.lines.unmappedByReason[k] = (t.lines.unmappedByReason[k] ?? 0) + n;
    t.orders.total += s.orders.total;
    t.orders.other += s.orders.other;
    for (const [k, n] of Object.entries(s.orders.byStatus)) t.orders.byStatus[k] = (t.orders.byStatus[k] ?? 0) + n;
    for (const k of ['confirmations', 'tracking'] as const) {
      t[k].pending += s[k].pending;
      t[k].failed += s[k].failed;
    }
    t.holds.onHold += s.holds.onHold;
    t.holds.cancelledAfterInstruction += s.holds.cancelledAfterInstruction;
    t.stockFailed += s.stockFailed;
    if (s.licence.alert) licenceAlerts++;
    if (s.health.alert) healthAlerts++;
  }
  t.licence.alert = licenceAlerts > 0;
  t.health.alert = healthAlerts > 0;
  t.checks = checksOf(t);
  return t;
}

/** How many shops of `shops` carry a licence or a health alert. */
export function alertCounts(shops: ShopReconciliation[]): { licence: number; health: number } {
  return { licence: shops.filter((s) => s.licence.alert).length, health: shops.filter((s) => s.health.alert).length };
}

/** The Summary list: one row per shop and measure, then the same measures for all shops. */
export const SUMMARY: ListDef = {
  name: 'Summary',
  columns: [
    { header: 'shop_id', width: 9, type: 'number' },
    { header: 'shop', width: 26, type: 'text' },
    { header: 'seller', width: 14, type: 'text' },
    { header: 'section', width: 20, type: 'text' },
    { header: 'measure', width: 52, type: 'text' },
    { header: 'count', width: 10, type: 'number' },
    { header: 'list', width: 14, type: 'text' },
    { header: 'note', width: 90, type: 'text' },
  ],
};

/** What the Summary says about the report as a whole before the shops: day, date rule, time, verdict. */
export interface SummaryHead {
  date: string;
  generatedAt: string;
  shops: number;
  addsUp: boolean;
  failedChecks: number;
}

/** The rows of the Summary list: the report's head, each shop's measures and checks, then the totals. */
export function summaryRows(head: SummaryHead, shops: ShopReconciliation[], totals: ShopReconciliation): Cell[][] {
  const rows: Cell[][] = [
    [null, '', '', 'report', 'day (KST)', null, '', `${head.date}: every line and parcel ordered on this KST day (by the marketplace's order time), in its state as of the time below`],
    [null, '', '', 'report', 'generated at (KST)', null, '', head.generatedAt],
    [null, '', '', 'report', 'shops', head.shops, 'shops', ''],
    [null, '', '', 'report', 'all counts add up', head.failedChecks, 'check', head.addsUp ? 'yes: every check below adds up (count = checks that do not)' : `NO: ${head.failedChecks} checks do not add up; the rows behind them are in the check list`],
  ];
  const alerts = alertCounts(shops);
  for (const s of [...shops, totals]) {
    const id = s.shopId === 0 ? null : s.shopId;
    const row = (section: string, measure: string, count: number | null, list: string, note = ''): void => {
      rows.push([id, s.shop, s.seller, section, measure, count, list, note]);
    };
    const lines = 'lines of the day';
    row(lines, 'seen at the marketplace', s.lines.seen, 'lines');
    row(lines, 'mapped', s.lines.mapped, 'lines', 'mapping_status = mapped');
    row(lines, 'mapped: in a fulfillment order', s.lines.loaded, 'lines', 'the rest wait for other lines of their order');
    row(lines, 'unmapped', s.lines.unmapped, 'unmapped', '`mallbridge orders unmapped` shows what to register, with near misses');
    for (const k of UNMAPPED_REASONS) row(lines, `unmapped: ${k}`, s.lines.unmappedByReason[k] ?? 0, 'unmapped');
    if ((s.lines.unmappedByReason.other ?? 0) > 0) row(lines, 'unmapped: no known reason keyword', s.lines.unmappedByReason.other ?? 0, 'check');
    row(lines, 'ignored (not awaiting shipment)', s.lines.ignored, 'lines', 'cancelled, closed, unpaid, or unconfirmed in a shop without auto-confirm');
    const parcels = 'fulfillment orders';
    row(parcels, 'total', s.orders.total, 'orders');
    for (const st of FULFILLMENT_STATUSES) row(parcels, st, s.orders.byStatus[st] ?? 0, 'orders');
    if (s.orders.other > 0) row(parcels, 'unknown status', s.orders.other, 'check');
    row('exports', 'confirmations pending (pending + in flight)', s.confirmations.pending, 'confirmations');
    row('exports', 'confirmations failed', s.confirmations.failed, 'confirmations');
    row('exports', 'tracking numbers pending (pending + in flight)', s.tracking.pending, 'tracking');
    row('exports', 'tracking numbers failed', s.tracking.failed, 'tracking');
    row('holds', 'on hold now (orders of any day)', s.holds.onHold, 'holds', 'never shipped automatically; `mallbridge orders resume <order>` once dealt with');
    row('holds', 'cancelled after instruction', s.holds.cancelledAfterInstruction, 'holds', 'the warehouse had the instruction: make sure nothing ships');
    row('now', 'stock pushes failed', s.stockFailed, 'stock', 'current, not bound to the day');
    if (s.shopId === 0) {
      row('now', 'shops with a licence key expired or expiring within 14 days', alerts.licence, 'shops');
      row('now', 'unhealthy shops', alerts.health, 'shops');
    } else {
      row('now', 'licence key expired or expiring within 14 days', s.licence.alert ? 1 : 0, s.licence.alert ? 'shops' : '', s.licence.expiresOn ? `last valid day ${s.licence.expiresOn} KST (${s.licence.daysLeft} days left)` : '');
      row('now', 'unhealthy', s.health.alert ? 1 : 0, s.health.alert ? 'shops' : '', s.health.alert ? (s.health.message ?? '') : `health: ${s.health.status}`);
    }
    for (const c of s.checks) row('check', `check: ${c.name}`, c.difference, c.addsUp ? '' : 'check', c.text);
  }
  return rows;
}
