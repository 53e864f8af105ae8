import { detailBatches, feedWindows } from '../../connectors/naver/windows.js';

const H = 3600_000;
const now = new Date('2026-03-04T12:00:00.000Z');
const ago = (h: number) => new Date(now.getTime() - h * H);

describe('feedWindows (spec §3.1, §7.4, §8.5)', () => {
  test('cuts a long range into contiguous windows of at most 24 h and ends 5 s before now', () => {
    const windows = feedWindows({ from: ago(50), to: now }, now);
    expect(windows).toHaveLength(3);
    expect(windows[0]!.from).toEqual(ago(50));
    for (const w of windows) expect(w.to.getTime() - w.from.getTime()).toBeLessThanOrEqual(24 * H);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.from.getTime()).toBe(windows[i - 1]!.to.getTime() + 1);
    expect(windows[2]!.to.getTime()).toBe(now.getTime() - 5000);
  });

  test('a window of exactly 24 h stays one window', () => {
    expect(feedWindows({ from: ago(30), to: ago(6) }, now)).toEqual([{ from: ago(30), to: ago(6) }]);
  });

  test('a window entirely in the future gives nothing; one reaching into it is clamped', () => {
    expect(feedWindows({ from: new Date(now.getTime() + H), to: new Date(now.getTime() + 2 * H) }, now)).toEqual([]);
    expect(feedWindows({ from: new Date(now.getTime() - 2000), to: new Date(now.getTime() + H) }, now)).toEqual([]);
    expect(feedWindows({ from: ago(1), to: new Date(now.getTime() + H) }, now)).toEqual([{ from: ago(1), to: new Date(now.getTime() - 5000) }]);
  });
});

describe('detailBatches', () => {
  test('dedupes ids, keeps each order whole and fills batches up to the maximum', () => {
    const ids = [
      { productOrderId: 'a1', orderId: 'A' },
      { productOrderId: 'b1', orderId: 'B' },
      { productOrderId: 'a2', orderId: 'A' },
      { productOrderId: 'b1', orderId: 'B' },
      { productOrderId: 'c1', orderId: 'C' },
      { productOrderId: 'c2', orderId: 'C' },
      { productOrderId: 'd1', orderId: 'D' },
    ];
    expect(detailBatches(ids, 3)).toEqual([['a1', 'a2', 'b1'], ['c1', 'c2', 'd1']]);
    expect(detailBatches(ids, 2)).toEqual([['a1', 'a2'], ['b1'], ['c1', 'c2'], ['d1']]);
  });

  test('an order larger than the maximum gets a batch of its own', () => {
    const ids = [{ productOrderId: 'x', orderId: 'X' }, ...['1', '2', '3'].map((n) => ({ productOrderId: `y${n}`, orderId: 'Y' }))];
    expect(detailBatches(ids, 2)).toEqual([['x'], ['y1', 'y2', 'y3']]);
  });

  test('nothing in, nothing out', () => {
    expect(detailBatches([], 300)).toEqual([]);
  });
});
