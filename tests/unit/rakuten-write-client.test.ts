import Bottleneck from 'bottleneck';
import type { Got } from 'got';
import { rakutenHeaders } from '../../connectors/rakuten/auth.js';
import {
  CONFIRM_ORDER_PATH,
  createRakutenWriteClient,
  INVENTORY_BULK_UPSERT_PATH,
  inventoryFailure,
  UPDATE_ORDER_SHIPPING_PATH,
} from '../../connectors/rakuten/client-write.js';
import { LICENCE_KEY_SENTENCE } from '../../connectors/rakuten/client.js';
import { callFailure } from '../../connectors/rakuten/write-results.js';
import type { HttpContext } from '../../connectors/shared/http.js';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { specSamples } from '../helpers/spec-samples.js';

const spec = (heading: string) => specSamples('rakuten-rms-api.md', heading);
const keys = { serviceSecret: 'SP123456_abcDEF0123', licenseKey: 'SL123456_xyzXYZ9876' };

type Scripted = { status: number; body: unknown } | { error: Error & { code?: string } };

/** A write client whose got answers from a script (or throws), recording what was sent: no network. */
function writerWith(script: Scripted[]) {
  const sent: Array<{ path: string; body: string; headers: Record<string, string> }> = [];
  const fake = (async (path: string, options: { body: string; headers: Record<string, string> }) => {
    sent.push({ path, body: options.body, headers: options.headers });
    const next = script.shift();
    if (!next) throw new Error('no more answers');
    if ('error' in next) throw next.error;
    return { statusCode: next.status, headers: {}, body: typeof next.body === 'string' ? next.body : JSON.stringify(next.body) };
  }) as unknown as Got;
  const sleeps: number[] = [];
  const http: HttpContext = {
    mall: 'rakuten',
    got: fake,
    limiter: new Bottleneck({ maxConcurrent: 1 }),
    logger: silentLogger(),
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    sleep: async (ms) => void sleeps.push(ms),
  };
  return { writer: createRakutenWriteClient(http, rakutenHeaders(keys)), sent, sleeps };
}

const netError = (code: string) => Object.assign(new Error(code), { code });
const P = 'ORDER_EXT_API_UPDATE_ORDERSHIPPING_';

describe('confirmOrder (spec §4.1, §7.7)', () => {
  test('posts {orderNumberList} to the documented path with the order-API headers; per-order entries come back', async () => {
    const [request, response] = spec('### 7.7');
    const { writer, sent } = writerWith([{ status: 200, body: response }]);
    const messages = await writer.confirmOrder((request as { orderNumberList: string[] }).orderNumberList);
    expect(sent[0]!.path).toBe(CONFIRM_ORDER_PATH);
    expect(JSON.parse(sent[0]!.body)).toEqual(request);
    expect(sent[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(messages.map((m) => [m.orderNumber, m.messageCode])).toEqual([
      ['387654-20250601-0000012345', 'ORDER_EXT_API_CONFIRM_ORDER_INFO_101'],
      ['387654-20250601-0000012399', 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_103'],
    ]);
  });

  test('more than 100 numbers is a bug of the caller (RangeError), nothing sent', async () => {
    const { writer, sent } = writerWith([]);
    await expect(writer.confirmOrder(Array.from({ length: 101 }, (_, i) => `n${i}`))).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
  });

  test('a write is resent on 429 but never on 500, a timeout or a garbled 200', async () => {
    const ok = { status: 200, body: { MessageModelList: [] } };
    const throttled = writerWith([{ status: 429, body: { Results: { errorCode: 'X', message: 'Too Many Requests' } } }, ok]);
    await throttled.writer.confirmOrder(['a']);
    expect(throttled.sent).toHaveLength(2);

    const failed = writerWith([{ status: 500, body: '' }, ok]);
    await expect(failed.writer.confirmOrder(['a'])).rejects.toMatchObject({ kind: 'server', status: 500 });
    expect(failed.sent).toHaveLength(1);

    const timedOut = writerWith([{ error: netError('ETIMEDOUT') }, ok]);
    await expect(timedOut.writer.confirmOrder(['a'])).rejects.toMatchObject({ kind: 'network', code: 'ETIMEDOUT' });
    expect(timedOut.sent).toHaveLength(1);

    const garbled = writerWith([{ status: 200, body: '{"MessageModelList": [' }, ok]);
    await expect(garbled.writer.confirmOrder(['a'])).rejects.toBeInstanceOf(ResponseShapeError);
    expect(garbled.sent).toHaveLength(1);

    const refusedConnection = writerWith([{ error: netError('ECONNREFUSED') }, ok]);
    await refusedConnection.writer.confirmOrder(['a']);
    expect(refusedConnection.sent).toHaveLength(2); // nothing left this machine: safe to resend
  });

  test('a 400 with per-order ERROR entries is an answer; one without an order number is a refusal', async () => {
    const perOrder = { MessageModelList: [{ messageType: 'ERROR', messageCode: 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_102', message: 'x', orderNumber: 'a' }] };
    expect(await writerWith([{ status: 400, body: perOrder }]).writer.confirmOrder(['a'])).toHaveLength(1);
    const whole = { MessageModelList: [{ messageType: 'ERROR', messageCode: 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_009', message: 'orderNumberListの項目を指定して下さい。' }] };
    await expect(writerWith([{ status: 400, body: whole }]).writer.confirmOrder(['a'])).rejects.toMatchObject({ kind: 'request', code: 'ORDER_EXT_API_CONFIRM_ORDER_ERROR_009' });
  });

  test('ES01-01 is auth with the licence sentence', async () => {
    await expect(writerWith([{ status: 401, body: spec('### 7.10')[0] }]).writer.confirmOrder(['a'])).rejects.toMatchObject({ kind: 'auth', code: 'ES01-01', message: LICENCE_KEY_SENTENCE });
  });
});

describe('updateOrderShipping (spec §4.2, §7.8, §7.9)', () => {
  test('sends the §7.8 request as is; the 200 and the 400 variant of §7.9 are both answers with dataNumber', async () => {
    const [request] = spec('### 7.8');
    const [ok, bad] = spec('### 7.9');
    const { writer, sent } = writerWith([
      { status: 200, body: ok },
      { status: 400, body: bad },
    ]);
    const answer = await writer.updateOrderShipping(request as never);
    expect(sent[0]!.path).toBe(UPDATE_ORDER_SHIPPING_PATH);
    expect(JSON.parse(sent[0]!.body)).toEqual(request);
    expect(answer).toEqual({ status: 200, messages: [expect.objectContaining({ messageCode: `${P}INFO_101`, dataNumber: 1, shippingDetailId: 240001234567 })] });
    expect(await writer.updateOrderShipping(request as never)).toEqual({ status: 400, messages: [expect.objectContaining({ messageCode: `${P}ERROR_011`, dataNumber: 1, shippingDetailId: null })] });
  });

  test('Japanese text goes as raw UTF-8, never \\u escapes (spec §1.2)', async () => {
    const { writer, sent } = writerWith([{ status: 200, body: { MessageModelList: [] } }]);
    await writer.updateOrderShipping({ orderNumber: 'o', BasketidModelList: [{ basketId: 1, ShippingModelList: [{ shippingNumber: '伝票１２３' }] }] });
    expect(sent[0]!.body).toContain('伝票１２３');
    expect(sent[0]!.body).not.toContain('\\u');
  });

  test('a shipping row over 120 characters or a 21st row is refused before sending', async () => {
    const { writer, sent } = writerWith([]);
    await expect(writer.updateOrderShipping({ orderNumber: 'o', BasketidModelList: [{ basketId: 1, ShippingModelList: [{ shippingNumber: 'x'.repeat(121) }] }] })).rejects.toThrow(RangeError);
    const rows = Array.from({ length: 21 }, (_, i) => ({ shippingNumber: `n${i}` }));
    await expect(writer.updateOrderShipping({ orderNumber: 'o', BasketidModelList: [{ basketId: 1, ShippingModelList: rows }] })).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
  });
});

describe('inventories/bulk-upsert (spec §5.2, §5.3, §7.11)', () => {
  test('204 is applied; a 400 errors[] is answered row by row; other refusals throw with the first code', async () => {
    const [request, error] = spec('### 7.11');
    const rows = (request as { inventories: never[] }).inventories;
    const { writer, sent } = writerWith([
      { status: 204, body: '' },
      { status: 400, body: error },
      { status: 409, body: { errors: [{ code: 'CE0001', message: 'Conflict', metadata: { propertyPath: null } }] } },
    ]);
    expect(await writer.bulkUpsertInventory(rows)).toEqual({ applied: true });
    expect(sent[0]!.path).toBe(INVENTORY_BULK_UPSERT_PATH);
    expect(JSON.parse(sent[0]!.body)).toEqual(request);
    expect(await writer.bulkUpsertInventory(rows)).toEqual({ applied: false, status: 400, errors: (error as { errors: unknown[] }).errors });
    await expect(writer.bulkUpsertInventory(rows)).rejects.toMatchObject({ kind: 'request', status: 409, code: 'CE0001' });
  });

  test('more than 400 rows is refused before sending; gateway errors read as on the order API', async () => {
    const { writer, sent } = writerWith([]);
    const row = { manageNumber: 'a', variantId: 'b', mode: 'ABSOLUTE' as const, quantity: 1 };
    await expect(writer.bulkUpsertInventory(Array.from({ length: 401 }, () => row))).rejects.toThrow(RangeError);
    expect(sent).toHaveLength(0);
    expect(inventoryFailure('inventories.bulk.upsert', { status: 401, headers: {}, text: JSON.stringify(spec('### 7.10')[0]) })).toMatchObject({ kind: 'auth', code: 'ES01-01' });
  });
});

describe('callFailure: which failures are failed and which unknown', () => {
  const api = (kind: ApiError['kind'], extra: { code?: string; status?: number } = {}) => new ApiError({ mall: 'rakuten', call: 'x', kind, message: `m ${kind}`, ...extra });

  test.each([
    ['auth', {}, true, 'failed', false, true],
    ['forbidden', {}, true, 'failed', false, true],
    ['rate_limited', {}, true, 'failed', false, false],
    ['request', { code: 'ES04-03' }, true, 'failed', true, false],
    ['request', { code: 'CE0001', status: 409 }, true, 'failed', false, false],
    ['not_found', {}, true, 'failed', false, false],
    ['server', { status: 500 }, true, 'unknown', false, false],
    ['server', { status: 500 }, false, 'failed', false, false],
    ['network', { code: 'ETIMEDOUT' }, true, 'unknown', false, false],
    ['network', { code: 'ECONNREFUSED' }, true, 'failed', false, false],
  ] as const)('%s %j (write %s) → %s, permanent %s, stop %s', (kind, extra, wrote, outcome, permanent, stop) => {
    const f = callFailure(api(kind, extra), wrote);
    expect([f.outcome.outcome, f.outcome.permanent, f.stop]).toEqual([outcome, permanent, stop]);
  });

  test('a garbled answer to a write is unknown; the licence note is added to auth failures; other errors are rethrown', () => {
    expect(callFailure(new ResponseShapeError({ mall: 'rakuten', call: 'x', issues: [] }), true).outcome.outcome).toBe('unknown');
    expect(callFailure(api('auth', { code: 'ES01-01' }), true, ' (the stored expiry date 2025-01-01 has passed)').outcome).toEqual({
      outcome: 'failed',
      permanent: false,
      code: 'ES01-01',
      message: 'm auth (the stored expiry date 2025-01-01 has passed)',
    });
    expect(() => callFailure(new TypeError('bug'), true)).toThrow(TypeError);
  });
});
