import type { Shop } from '../../data/stores/shops.js';
import { reportDay, yesterdayKst } from '../../pipelines/reports/day.js';
import { check, reconcileShops, summaryRows, totalsOf, type ReportCounts } from '../../pipelines/reports/summary.js';
import { InputError } from '../../lib/errors.js';

/** The report's day rule and arithmetic (design.md §10): pure functions, no database. */

describe('the day a report covers', () => {
  test('default: the KST day before now, also just after midnight KST and just before it', () => {
    expect(yesterdayKst(new Date('2026-12-01T16:00:00Z'))).toBe('2026-12-01'); // 01:00 KST on 2 December
    expect(yesterdayKst(new Date('2026-12-01T14:59:59.999Z'))).toBe('2026-11-30'); // 23:59:59.999 KST on 1 December
    expect(yesterdayKst(new Date('2027-01-01T00:00:00Z'))).toBe('2026-12-31');
    expect(reportDay(undefined, new Date('2026-12-01T16:00:00Z')).date).toBe('2026-12-01');
  });

  test('bounds are 00:00 KST to the next 00:00 KST, as UTC instants', () => {
    const d = reportDay('2026-11-20', new Date('2026-12-01T00:00:00Z'));
    expect(d).toEqual({ date: '2026-11-20', from: new Date('2026-11-19T15:00:00Z'), to: new Date('2026-11-20T15:00:00Z') });
  });

  test('today is allowed (the day so far); a future day, a non-date or a malformed text is refused with a sentence', () => {
    const now = new Date('2026-12-01T03:00:00Z'); // 12:00 KST
    expect(reportDay('2026-12-01', now).date).toBe('2026-12-01');
    expect(() => reportDay('2026-12-02', now)).toThrow(new InputError('--date 2026-12-02 is in the future (today is 2026-12-01 KST)'));
    expect(() => reportDay('2026-02-30', now)).toThrow(/--date 2026-02-30 is not a calendar date/);
    expect(() => reportDay('2026/11/20', now)).toThrow(/--date must be a day written YYYY-MM-DD \(KST\), not "2026\/11\/20"/);
    expect(() => reportDay('yesterday', now)).toThrow(InputError);
  });
});

const shop = (id: number, mall: 'naver' | 'rakuten', extra: Partial<Shop> = {}): Shop =>
  ({ id, sellerId: 1, sellerCode: 'acme', mall, mallShopId: `s${id}`, health: 'healthy', healthMessage: null, credentialsExpireAt: null, ...extra }) as Shop;

describe('counts that add up', () => {
  test('check: the total against its parts, with the sentence', () => {
    expect(check('seen = a + b', 5, [{ name: 'a', n: 2 }, { name: 'b', n: 3 }])).toMatchObject({ difference: 0, addsUp: true, text: 'adds up: 5 = 2 + 3' });
    expect(check('seen = a + b', 6, [{ name: 'a', n: 2 }, { name: 'b', n: 3 }])).toMatchObject({ difference: 1, addsUp: false, text: expect.stringMatching(/^does not add up: 6 ≠ 2 \+ 3 \(difference 1/) });
  });

  const now = new Date('2026-12-01T16:00:00Z');
  const counts: ReportCounts = {
    lines: [
      { shopId: 1, mappingStatus: 'mapped', mappingRule: 'seller_code', n: 5, loaded: 4 },
      { shopId: 1, mappingStatus: 'mapped', mappingRule: 'name_option', n: 2, loaded: 2 },
      { shopId: 1, mappingStatus: 'unmapped', mappingRule: 'no_code', n: 1, loaded: 0 },
      { shopId: 1, mappingStatus: 'unmapped', mappingRule: 'name_not_registered', n: 2, loaded: 0 },
      { shopId: 1, mappingStatus: 'ignored', mappingRule: null, n: 3, loaded: 0 },
      { shopId: 2, mappingStatus: 'mapped', mappingRule: 'seller_code', n: 4, loaded: 4 },
      { shopId: 2, mappingStatus: 'unmapped', mappingRule: null, n: 1, loaded: 0 },
      { shopId: 2, mappingStatus: 'lost', mappingRule: null, n: 2, loaded: 0 },
    ],
    orders: [
      { shopId: 1, status: 'tracking_sent', n: 3 },
      { shopId: 1, status: 'on_hold', n: 1 },
      { shopId: 2, status: 'shipped', n: 2 },
      { shopId: 2, status: 'exploded', n: 1 },
    ],
    confirmations: [
      { shopId: 1, status: 'pending', n: 1 },
      { shopId: 1, status: 'in_flight', n: 2 },
      { shopId: 1, status: 'failed', n: 1 },
    ],
    tracking: [{ shopId: 2, status: 'failed', n: 2 }],
    holds: [
      { shopId: 1, onHold: 2, cancelledAfterInstruction: 1 },
      { shopId: 2, onHold: 0, cancelledAfterInstruction: 0 },
    ],
    stockFailed: [{ shopId: 2, n: 3 }],
  };
  const shops = [shop(1, 'naver'), shop(2, 'rakuten', { credentialsExpireAt: new Date('2026-12-09T15:00:00Z'), health: 'unhealthy', healthMessage: 'ES01-01: the licence key was refused' })];

  test('per shop: lines by status and reason, parcels by status, exports, holds, stock, alerts; unknown statuses are differences', () => {
    const [a, b] = reconcileShops(shops, counts, now);
    expect(a!.lines).toEqual({ seen: 13, mapped: 7, loaded: 6, unmapped: 3, unmappedByReason: { no_code: 1, code_not_registered: 0, name_not_registered: 2, other: 0 }, ignored: 3, other: 0 });
    expect(a!.checks.map((c) => c.addsUp)).toEqual([true, true, true]);
    expect(a!.checks[0]!.text).toBe('adds up: 13 = 7 + 3 + 3');
    expect(a!.orders).toMatchObject({ total: 4, other: 0, byStatus: { tracking_sent: 3, on_hold: 1, new: 0 } });
    expect(a!.confirmations).toEqual({ pending: 3, failed: 1 });
    expect(a!.holds).toEqual({ onHold: 2, cancelledAfterInstruction: 1 });
    expect(a!.licence.alert).toBe(false);
    expect(b!.lines).toMatchObject({ seen: 7, mapped: 4, unmapped: 1, ignored: 0, other: 2 });
    expect(b!.checks.map((c) => [c.addsUp, c.difference])).toEqual([[false, 2], [false, 1], [false, 1]]);
    expect(b!.tracking).toEqual({ pending: 0, failed: 2 });
    expect(b!.stockFailed).toBe(3);
    // Last valid day 10 December KST, now 2 December KST: 8 days left, within 14.
    expect(b!.licence).toMatchObject({ expiresOn: '2026-12-10', daysLeft: 8, alert: true, warning: expect.stringContaining('2026-12-10') });
    expect(b!.health).toEqual({ status: 'unhealthy', message: 'ES01-01: the licence key was refused', alert: true });
  });

  test('totals sum the shops and check the sums; the Summary rows say whether everything adds up', () => {
    const rec = reconcileShops(shops, counts, now);
    const t = totalsOf(rec);
    expect(t.lines).toMatchObject({ seen: 20, mapped: 11, unmapped: 4, ignored: 3, other: 2 });
    expect(t.orders.total).toBe(7);
    expect(t.checks[0]!.text).toMatch(/^does not add up: 20 ≠ 11 \+ 4 \+ 3/);
    const rows = summaryRows({ date: '2026-12-01', generatedAt: '2026-12-02 01:00:00', shops: 2, addsUp: false, failedChecks: 6 }, rec, t);
    expect(rows[3]).toEqual([null, '', '', 'report', 'all counts add up', 6, 'check', expect.stringMatching(/^NO: 6 checks do not add up/)]);
    const seen = rows.filter((r) => r[4] === 'seen at the marketplace').map((r) => [r[1], r[5]]);
    expect(seen).toEqual([['naver:s1', 13], ['rakuten:s2', 7], ['all shops', 20]]);
    const checkRows = rows.filter((r) => r[4] === 'check: seen = mapped + unmapped + ignored').map((r) => [r[1], r[5], r[6]]);
    expect(checkRows).toEqual([['naver:s1', 0, ''], ['rakuten:s2', 2, 'check'], ['all shops', 2, 'check']]);
    expect(rows.find((r) => r[1] === 'rakuten:s2' && r[4] === 'licence key expired or expiring within 14 days')).toEqual([2, 'rakuten:s2', 'acme', 'now', 'licence key expired or expiring within 14 days', 1, 'shops', 'last valid day 2026-12-10 KST (8 days left)']);
    expect(rows.find((r) => r[1] === 'all shops' && r[4] === 'unhealthy shops')?.[5]).toBe(1);
  });

  test('no shops, or a day without orders: zeros that add up', () => {
    const rec = reconcileShops([shop(1, 'naver')], { lines: [], orders: [], confirmations: [], tracking: [], holds: [], stockFailed: [] }, now);
    expect(rec[0]!.checks.every((c) => c.addsUp && c.total === 0)).toBe(true);
    const t = totalsOf([]);
    expect(t.lines.seen).toBe(0);
    expect(t.checks.every((c) => c.addsUp)).toBe(true);
  });
});
