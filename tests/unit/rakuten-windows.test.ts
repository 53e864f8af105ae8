import { halveWindow, searchableRange, splitWindows } from '../../connectors/rakuten/windows.js';

const DAY = 86_400_000;
const now = new Date('2026-03-04T03:00:00.250Z');

describe('search windows (spec §2.1, §2.2)', () => {
  test('the end is clamped to now and the start to the 730-day horizon (with a one-day margin), to whole seconds', () => {
    const range = searchableRange({ from: new Date(now.getTime() - 800 * DAY), to: new Date(now.getTime() + DAY) }, now)!;
    expect(range.to).toEqual(new Date('2026-03-04T03:00:00.000Z'));
    expect(range.from.getTime()).toBe(Math.floor((now.getTime() - 729 * DAY) / 1000) * 1000);
  });

  test('a window in the future, or wholly before the horizon, leaves nothing to search', () => {
    expect(searchableRange({ from: new Date(now.getTime() + 1000), to: new Date(now.getTime() + DAY) }, now)).toBeNull();
    expect(searchableRange({ from: new Date(now.getTime() - 900 * DAY), to: new Date(now.getTime() - 800 * DAY) }, now)).toBeNull();
  });

  test('a long range is cut into touching windows of at most 63 days, in order, covering it exactly', () => {
    const from = new Date('2025-01-01T00:00:00Z');
    const to = new Date('2025-07-01T12:34:56Z');
    const windows = splitWindows({ from, to });
    expect(windows.length).toBe(3);
    expect(windows[0]!.from).toEqual(from);
    expect(windows.at(-1)!.to).toEqual(to);
    for (const [i, w] of windows.entries()) {
      expect(w.to.getTime() - w.from.getTime()).toBeLessThanOrEqual(63 * DAY);
      if (i > 0) expect(w.from.getTime()).toBe(windows[i - 1]!.to.getTime() + 1000);
    }
  });

  test('a short range is one window', () => {
    const from = new Date('2025-01-01T00:00:00Z');
    expect(splitWindows({ from, to: from })).toEqual([{ from, to: from }]);
  });

  test('halving gives two touching halves; a single second cannot be halved', () => {
    const w = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:09Z') };
    const [a, b] = halveWindow(w)!;
    expect(a).toEqual({ from: w.from, to: new Date('2025-01-01T00:00:04Z') });
    expect(b).toEqual({ from: new Date('2025-01-01T00:00:05Z'), to: w.to });
    expect(halveWindow({ from: w.from, to: w.from })).toBeNull();
  });
});
