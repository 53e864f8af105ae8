import type { DetailAnswer, FeedPage, FeedQuery, NaverClient } from '../../connectors/naver/client.js';
import { pullWindow, readDetailPage, readWindowIds, type PullDeps } from '../../connectors/naver/pull.js';
import type { ProductOrderInfo } from '../../connectors/naver/schemas.js';
import type { OrderLinePage } from '../../connectors/shared/order-line.js';
import { ApiError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { toKstIsoMillis } from '../../lib/time.js';
import { specSamples } from '../helpers/spec-samples.js';

const window = { from: new Date('2026-03-03T00:00:00.000Z'), to: new Date('2026-03-03T23:59:59.999Z') };
const sampleInfo = (specSamples('naver-commerce-api.md', '### 10.3')[0] as { data: unknown[] }).data[0] as ProductOrderInfo;

function info(productOrderId: string, orderId: string): ProductOrderInfo {
  return { ...sampleInfo, order: { ...sampleInfo.order, orderId }, productOrder: { ...sampleInfo.productOrder, productOrderId } };
}
const row = (productOrderId: string, orderId: string, at = '2026-03-03T10:00:00.000+09:00') => ({
  orderId,
  productOrderId,
  lastChangedType: 'PAYED',
  lastChangedDate: at,
});

function fakeClient(pages: FeedPage[], detail: (ids: string[]) => DetailAnswer = (ids) => ({ infos: ids.map((id) => info(id, `o-${id}`)), failures: [] })) {
  const feedCalls: FeedQuery[] = [];
  const detailCalls: string[][] = [];
  const client = {
    tokens: { token: async () => 't', invalidate: () => undefined },
    requestToken: async () => ({ access_token: 't', expires_in: 10800 }),
    lastChangedStatuses: async (q: FeedQuery) => {
      feedCalls.push(q);
      const page = pages[feedCalls.length - 1];
      if (!page) throw new Error('no more fake pages');
      return page;
    },
    queryProductOrders: async (ids: string[]) => {
      detailCalls.push(ids);
      return detail(ids);
    },
  } satisfies NaverClient;
  return { client, feedCalls, detailCalls };
}

const deps = (client: NaverClient, detailBatchSize = 300): PullDeps => ({ client, logger: silentLogger(), feedPageSize: 300, detailBatchSize });

async function collect(gen: AsyncGenerator<OrderLinePage>): Promise<OrderLinePage[]> {
  const out: OrderLinePage[] = [];
  for await (const p of gen) out.push(p);
  return out;
}

describe('readWindowIds (spec §3.1, §8.6)', () => {
  test('follows data.more with a fixed lastChangedTo until it is absent', async () => {
    const moreFrom = '2026-03-03T12:00:00.000+09:00';
    const { client, feedCalls } = fakeClient([
      { lastChangeStatuses: [row('p1', 'A'), row('p2', 'A')], more: { moreFrom, moreSequence: 'p3' }, count: 2 },
      { lastChangeStatuses: [row('p3', 'B', moreFrom)], count: 1 },
    ]);
    const ids = await readWindowIds(deps(client), window);
    expect(ids.map((i) => i.productOrderId)).toEqual(['p1', 'p2', 'p3']);
    expect(feedCalls).toHaveLength(2);
    expect(feedCalls[0]).toMatchObject({ from: window.from, to: window.to, moreSequence: undefined });
    expect(toKstIsoMillis(feedCalls[1]!.from)).toBe(moreFrom);
    expect(feedCalls[1]).toMatchObject({ to: window.to, moreSequence: 'p3' });
  });

  test('throws instead of looping when the cursor repeats', async () => {
    const more = { moreFrom: '2026-03-03T12:00:00.000+09:00', moreSequence: 'p3' };
    const page = { lastChangeStatuses: [row('p3', 'B')], more, count: 1 };
    const { client, feedCalls } = fakeClient([page, page, page, page]);
    const err = await readWindowIds(deps(client), window).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('server');
    expect((err as ApiError).message).toMatch(/does not move forward/);
    expect(feedCalls).toHaveLength(2);
  });

  test('throws when the cursor moves backwards', async () => {
    const { client } = fakeClient([
      { lastChangeStatuses: [], more: { moreFrom: '2026-03-02T12:00:00.000+09:00', moreSequence: 'p0' }, count: 0 },
    ]);
    await expect(readWindowIds(deps(client), window)).rejects.toThrow(/does not move forward/);
  });
});

describe('readDetailPage (spec §3.2: match by productOrderId, not position)', () => {
  test('answers out of order are matched by id; a missing id and a bad element are RecordFailures', async () => {
    const { client } = fakeClient([], (ids) => ({
      infos: [...ids].reverse().filter((id) => id !== 'p2' && id !== 'p4').map((id) => info(id, 'A')),
      failures: [{ recordId: 'p4', reason: 'shape' }],
    }));
    const page = await readDetailPage(deps(client), ['p1', 'p2', 'p3', 'p4']);
    expect(page.lines.map((l) => l.mallLineId)).toEqual(['p1', 'p3']);
    expect(page.failures).toEqual([
      { recordId: 'p4', reason: 'shape' },
      { recordId: 'p2', reason: expect.stringMatching(/did not return/) },
    ]);
  });

  test('a line the mapper refuses is a RecordFailure and the others still come', async () => {
    const foreign = info('p2', 'A');
    const bad = { ...foreign, productOrder: { ...foreign.productOrder, shippingAddress: { ...foreign.productOrder.shippingAddress!, addressType: 'FOREIGN' as const } } };
    const { client } = fakeClient([], (ids) => ({ infos: ids.map((id) => (id === 'p2' ? bad : info(id, 'A'))), failures: [] }));
    const page = await readDetailPage(deps(client), ['p1', 'p2', 'p3']);
    expect(page.lines.map((l) => l.mallLineId)).toEqual(['p1', 'p3']);
    expect(page.failures).toEqual([{ recordId: 'p2', reason: expect.stringMatching(/FOREIGN/) }]);
  });

  test('an order larger than the batch size is queried in chunks and yielded whole', async () => {
    const { client, detailCalls } = fakeClient([]);
    const page = await readDetailPage(deps(client, 2), ['p1', 'p2', 'p3']);
    expect(detailCalls).toEqual([['p1', 'p2'], ['p3']]);
    expect(page.lines).toHaveLength(3);
  });
});

describe('pullWindow', () => {
  test('an empty window yields one empty page covering it', async () => {
    const { client, detailCalls } = fakeClient([{ lastChangeStatuses: [], count: 0 }]);
    expect(await collect(pullWindow(deps(client), window))).toEqual([{ lines: [], failures: [], coveredUntil: window.to }]);
    expect(detailCalls).toHaveLength(0);
  });

  test('one page per detail batch, orders whole, only the last page covers the window', async () => {
    const rows = [row('a1', 'A'), row('b1', 'B'), row('a2', 'A'), row('c1', 'C'), row('a1', 'A')];
    const { client, detailCalls } = fakeClient([{ lastChangeStatuses: rows, count: rows.length }], (ids) => ({
      infos: ids.map((id) => info(id, id.slice(0, 1).toUpperCase())),
      failures: [],
    }));
    const pages = await collect(pullWindow(deps(client, 2), window));
    expect(detailCalls).toEqual([['a1', 'a2'], ['b1', 'c1']]);
    expect(pages.map((p) => p.lines.map((l) => l.mallLineId))).toEqual([['a1', 'a2'], ['b1', 'c1']]);
    expect(pages.map((p) => p.coveredUntil)).toEqual([undefined, window.to]);
  });
});
