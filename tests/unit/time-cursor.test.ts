import { kstDate, kstDayStart, parseOffsetTime, toDbTime, fromDbTime, toKstIsoMillis, toRakutenDatetime } from '../../lib/time.js';
import { isEmptyWindow, nextCursor, pullWindow } from '../../pipelines/orders/cursor.js';
import { parseSince } from '../../cli/run.js';

describe('KST and UTC', () => {
  const t = new Date('2025-03-04T00:58:41.005Z');
  test('Naver format: KST with milliseconds; Rakuten format: JST +0900 without them', () => {
    expect(toKstIsoMillis(t)).toBe('2025-03-04T09:58:41.005+09:00');
    expect(toRakutenDatetime(t)).toBe('2025-03-04T09:58:41+0900');
    expect(toKstIsoMillis(new Date('2025-03-04T15:00:00Z'))).toBe('2025-03-05T00:00:00.000+09:00');
  });
  test('parses offsets with and without a colon; refuses times without one', () => {
    expect(parseOffsetTime('2025-06-01T21:14:05+0900')?.toISOString()).toBe('2025-06-01T12:14:05.000Z');
    expect(parseOffsetTime('2025-03-04T09:58:41.000+09:00')?.toISOString()).toBe('2025-03-04T00:58:41.000Z');
    expect(parseOffsetTime('2025-03-04T09:58:41Z')?.toISOString()).toBe('2025-03-04T09:58:41.000Z');
    expect(parseOffsetTime('2025-03-04T09:58:41')).toBeUndefined();
    expect(parseOffsetTime('yesterday')).toBeUndefined();
  });
  test('a KST day starts at 15:00 UTC the day before; impossible dates are refused', () => {
    expect(kstDayStart('2026-11-29').toISOString()).toBe('2026-11-28T15:00:00.000Z');
    expect(kstDate(new Date('2026-11-28T15:00:00.000Z'))).toBe('2026-11-29');
    expect(() => kstDayStart('2026-02-30')).toThrow(RangeError);
  });
  test('database times are UTC text and read back as the same instant', () => {
    expect(toDbTime(t)).toBe('2025-03-04 00:58:41.005');
    expect(fromDbTime('2025-03-04 00:58:41.005')?.getTime()).toBe(t.getTime());
    expect(fromDbTime(null)).toBeNull();
  });
  test('--since: an ISO time with offset, or a date meaning 00:00 KST; anything else exits 2', () => {
    expect(parseSince('2026-11-28').toISOString()).toBe('2026-11-27T15:00:00.000Z');
    expect(parseSince('2026-11-28T09:00:00+09:00').toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(() => parseSince('2026-11-28 09:00')).toThrow(/a real time in ISO 8601 with an offset/);
    expect(() => parseSince('2026-13-01')).toThrow(/not a calendar date/);
  });
  test('--since refuses times that do not exist, the future, and more than 730 days back', () => {
    const now = new Date('2026-11-29T06:00:00Z');
    for (const bad of ['2026-02-30T00:00:00+09:00', '2026-11-28T25:00:00+09:00', '2026-11-28T10:61:00+09:00', '2026-11-28T10:00:00+25:00', '2026-11-28T24:00:00+09:00']) {
      expect(() => parseSince(bad, now)).toThrow(/a real time/);
    }
    expect(() => parseSince('2030-01-01', now)).toThrow(/in the future/);
    expect(() => parseSince('1999-01-01', now)).toThrow(/more than 730 days back/);
    expect(parseSince('2025-01-01', now).toISOString()).toBe('2024-12-31T15:00:00.000Z');
  });
});

describe('cursor and window (pure)', () => {
  const now = new Date('2026-11-29T06:00:00.000Z');
  test('first run reads 3 days back; later runs start 10 minutes before the cursor', () => {
    expect(pullWindow({ cursor: undefined, now })).toEqual({ from: new Date('2026-11-26T06:00:00.000Z'), to: now });
    expect(pullWindow({ cursor: '2026-11-29T05:00:00.000Z', now })).toEqual({ from: new Date('2026-11-29T04:50:00.000Z'), to: now });
  });
  test('--since wins over the cursor', () => {
    const since = new Date('2026-11-01T00:00:00Z');
    expect(pullWindow({ cursor: '2026-11-29T05:00:00.000Z', since, now }).from).toEqual(since);
  });
  test('a cursor in the future gives an empty window: nothing is read', () => {
    const w = pullWindow({ cursor: '2026-11-29T07:00:00.000Z', now });
    expect(isEmptyWindow(w)).toBe(true);
  });
  test('the cursor only moves forward', () => {
    expect(nextCursor(undefined, now)).toBe(now.toISOString());
    expect(nextCursor('2026-11-30T00:00:00.000Z', now)).toBe('2026-11-30T00:00:00.000Z');
    expect(nextCursor('2026-11-28T00:00:00.000Z', now)).toBe(now.toISOString());
  });
});
