import Bottleneck from 'bottleneck';
import type { Got } from 'got';
import { rakutenHeaders } from '../../connectors/rakuten/auth.js';
import {
  CONTENT_TYPE_SENTENCE,
  createRakutenClient,
  FUNCTION_DISABLED_SENTENCE,
  GET_ORDER_PATH,
  LICENCE_KEY_SENTENCE,
  rakutenFailure,
  SEARCH_ORDER_PATH,
} from '../../connectors/rakuten/client.js';
import type { HttpContext } from '../../connectors/shared/http.js';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { specSamples } from '../helpers/spec-samples.js';

const spec = (heading: string) => specSamples('rakuten-rms-api.md', heading);
const keys = { serviceSecret: 'SP123456_abcDEF0123', licenseKey: 'SL123456_xyzXYZ9876' };
const answer = (status: number, body: unknown) => ({ status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body) });

interface Sent {
  path: string;
  options: { method: string; headers: Record<string, string>; body: string };
}

/** A client whose got answers from a list, recording what was sent: no network. */
function clientWith(answers: Array<{ status: number; body: unknown }>) {
  const sent: Sent[] = [];
  const fake = (async (path: string, options: Sent['options']) => {
    sent.push({ path, options });
    const a = answers.shift();
    if (!a) throw new Error('no more answers');
    return { statusCode: a.status, headers: { 'content-type': 'application/json;charset=utf-8' }, body: typeof a.body === 'string' ? a.body : JSON.stringify(a.body) };
  }) as unknown as Got;
  const limiter = new Bottleneck({ maxConcurrent: 1 });
  const sleeps: number[] = [];
  const http: HttpContext = {
    mall: 'rakuten',
    got: fake,
    limiter,
    logger: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { client: createRakutenClient(http, rakutenHeaders(keys)), sent, sleeps, limiter };
}

const search = {
  dateType: 1 as const,
  startDatetime: '2025-05-01T00:00:00+0900',
  endDatetime: '2025-06-02T23:59:59+0900',
  orderProgressList: [300 as const],
  PaginationRequestModel: { requestRecordsAmount: 1000, requestPage: 1, SortModelList: [{ sortColumn: 1 as const, sortDirection: 1 as const }] },
};

describe('rakutenFailure: the gateway and message envelopes (spec §1.3, §1.4)', () => {
  test('ES01-01 is auth with the licence sentence; ES04-01 forbidden; ES04-03 and a bare 415 name the Content-Type', () => {
    const es0101 = rakutenFailure('searchOrder', answer(401, spec('### 7.10')[0]));
    expect(es0101).toMatchObject({ kind: 'auth', code: 'ES01-01', status: 401, mall: 'rakuten', call: 'searchOrder' });
    expect(es0101.message).toBe(LICENCE_KEY_SENTENCE);
    expect(LICENCE_KEY_SENTENCE).toBe(
      'licence key invalid or expired, or serviceSecret and licenseKey do not belong together — check both in RMS (WEB APIサービス) and issue a new licence key if it expired; a newly issued key can take 10–30 minutes to start working',
    );
    const es0401 = rakutenFailure('searchOrder', answer(400, spec('### 7.10')[1]));
    expect(es0401).toMatchObject({ kind: 'forbidden', code: 'ES04-01', message: FUNCTION_DISABLED_SENTENCE });
    expect(es0401.message).toContain('RakutenPay_OrderAPI');
    expect(rakutenFailure('getOrder', answer(415, { Results: { errorCode: 'ES04-03', message: 'Unsupported Media Type' } }))).toMatchObject({
      kind: 'request',
      code: 'ES04-03',
      message: CONTENT_TYPE_SENTENCE,
    });
    expect(rakutenFailure('getOrder', answer(415, '')).message).toContain('application/json; charset=utf-8');
  });

  test('ERROR entries give a request error with the code and the message; statuses map to kinds', () => {
    const err = rakutenFailure('searchOrder', answer(400, spec('### 7.4')[0]));
    expect(err).toMatchObject({ kind: 'request', code: 'ORDER_EXT_API_SEARCH_ORDER_ERROR_011' });
    expect(err.message).toContain('startDatetimeの書式が不正です。');
    expect(rakutenFailure('searchOrder', answer(429, '')).kind).toBe('rate_limited');
    expect(rakutenFailure('searchOrder', answer(503, '<html>')).kind).toBe('server');
    expect(rakutenFailure('searchOrder', answer(401, '')).kind).toBe('auth');
    expect(rakutenFailure('searchOrder', answer(404, '')).kind).toBe('not_found');
  });
});

describe('the client (HTTP calls only; a fake got, no network)', () => {
  test('searchOrder posts raw UTF-8 JSON to the slash-ended path with the exact headers', async () => {
    const { client, sent, limiter } = clientWith([{ status: 200, body: spec('### 7.2')[0] }]);
    const result = await client.searchOrder(search);
    expect(result.orderNumberList).toHaveLength(3);
    expect(sent[0]!.path).toBe(SEARCH_ORDER_PATH);
    expect(SEARCH_ORDER_PATH).toBe('es/2.0/order/searchOrder/');
    expect(sent[0]!.options.method).toBe('POST');
    expect(sent[0]!.options.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sent[0]!.options.headers.authorization).toMatch(/^ESA [A-Za-z0-9+/=]+$/);
    expect(JSON.parse(sent[0]!.options.body)).toEqual(search);
    await limiter.disconnect();
  });

  test('getOrder sends version 10; INFO_102 "not found" is no error; per-order ERROR entries are returned, not thrown', async () => {
    const sample = spec('### 7.6')[0] as Record<string, unknown>;
    const withMessages = {
      ...sample,
      MessageModelList: [
        ...(sample.MessageModelList as unknown[]),
        { messageType: 'INFO', messageCode: 'ORDER_EXT_API_GET_ORDER_INFO_102', message: '受注情報が取得できませんでした。', orderNumber: '387654-20250101-0000000001' },
        { messageType: 'ERROR', messageCode: 'ORDER_EXT_API_GET_ORDER_ERROR_999', message: '（テスト）', orderNumber: '387654-20250101-0000000002' },
      ],
    };
    const { client, sent, limiter } = clientWith([{ status: 200, body: withMessages }]);
    const result = await client.getOrder(['387654-20250601-0000012345', '387654-20250101-0000000001', '387654-20250101-0000000002']);
    expect(sent[0]!.path).toBe(GET_ORDER_PATH);
    expect(JSON.parse(sent[0]!.options.body)).toEqual({
      orderNumberList: ['387654-20250601-0000012345', '387654-20250101-0000000001', '387654-20250101-0000000002'],
      version: 10,
    });
    expect(result.orders).toHaveLength(1);
    expect(result.notFound.map((m) => m.orderNumber)).toEqual(['387654-20250101-0000000001']);
    expect(result.orderErrors.map((m) => m.code)).toEqual(['ORDER_EXT_API_GET_ORDER_ERROR_999']);
    await limiter.disconnect();
  });

  test('Japanese text in a request body is sent as raw UTF-8, never as \\u escapes', async () => {
    const { client, sent, limiter } = clientWith([{ status: 200, body: spec('### 7.6')[0] }]);
    await client.getOrder(['387654-20250601-テスト']);
    expect(sent[0]!.options.body).toContain('テスト');
    expect(sent[0]!.options.body).not.toContain('\\u');
    await limiter.disconnect();
  });

  test('an ERROR entry on HTTP 200 fails the call; a gateway error on 200 is auth', async () => {
    const { client, limiter } = clientWith([
      { status: 200, body: { orderNumberList: null, MessageModelList: [{ messageType: 'ERROR', messageCode: 'X_ERROR_1', message: 'だめ' }], PaginationResponseModel: null } },
      { status: 200, body: { Results: { errorCode: 'ES01-01', message: 'Un-Authorised' } } },
    ]);
    await expect(client.searchOrder(search)).rejects.toMatchObject({ kind: 'request', code: 'X_ERROR_1' });
    await expect(client.searchOrder(search)).rejects.toMatchObject({ kind: 'auth', message: LICENCE_KEY_SENTENCE });
    await limiter.disconnect();
  });

  test('a garbled 200 is retried (reads are idempotent), then reported as a ResponseShapeError', async () => {
    const { client, sleeps, limiter } = clientWith([
      { status: 200, body: 'not json' },
      { status: 200, body: { orderNumberList: 'x', MessageModelList: [] } },
      { status: 200, body: '<html>' },
    ]);
    await expect(client.searchOrder(search)).rejects.toBeInstanceOf(ResponseShapeError);
    expect(sleeps).toHaveLength(2);
    await limiter.disconnect();
  });

  test('429 and 5xx are retried; auth is not', async () => {
    const ok = spec('### 7.3')[0];
    const { client, sent, limiter } = clientWith([
      { status: 429, body: '' },
      { status: 503, body: '' },
      { status: 200, body: ok },
      { status: 401, body: spec('### 7.10')[0] },
    ]);
    await expect(client.searchOrder(search)).resolves.toMatchObject({ orderNumberList: [] });
    await expect(client.searchOrder(search)).rejects.toBeInstanceOf(ApiError);
    expect(sent).toHaveLength(4);
    await limiter.disconnect();
  });

  test('a request past the documented limits is refused before sending', async () => {
    const { client, sent, limiter } = clientWith([]);
    await expect(client.getOrder(Array.from({ length: 101 }, (_, i) => `387654-20250101-${String(i).padStart(10, '0')}`))).rejects.toThrow(RangeError);
    await expect(client.searchOrder({ ...search, startDatetime: '2025-05-01T00:00:00+09:00' })).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
    await limiter.disconnect();
  });
});
