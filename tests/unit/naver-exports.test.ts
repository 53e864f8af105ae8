import Bottleneck from 'bottleneck';
import { callFailure, targetResult } from '../../connectors/naver/export-results.js';
import { optionStockBody } from '../../connectors/naver/export-stock.js';
import { dispatchOrder, isAddOn } from '../../connectors/naver/export-tracking.js';
import { createRateFollower, followedRate, MIN_FOLLOWED_RATE } from '../../connectors/naver/rate.js';
import { OptionStockRequest, OriginProductAnswer } from '../../connectors/naver/schemas.js';
import { ApiError, ResponseShapeError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { shapeDifferences, specSamples } from '../helpers/spec-samples.js';

/** The write side's pure parts: outcomes, ordering, the option-stock body, the rate follower. */

const api = (kind: ApiError['kind'], extra: Partial<{ code: string; status: number }> = {}) =>
  new ApiError({ mall: 'naver', call: 'dispatch', kind, message: `m ${kind}`, ...extra });

describe('callFailure: how a failed write call is read (never resent)', () => {
  test('a lost answer, 5xx and a garbled 200 are unknown; the first two stop the run', () => {
    expect(callFailure(api('network', { code: 'ETIMEDOUT' }))).toMatchObject({ outcome: 'unknown', stop: true });
    expect(callFailure(api('network', { code: 'ECONNRESET' }))).toMatchObject({ outcome: 'unknown', stop: true });
    expect(callFailure(api('server', { status: 500, code: 'GW.INTERNAL_SERVER_ERROR' }))).toMatchObject({ outcome: 'unknown', code: 'GW.INTERNAL_SERVER_ERROR', stop: true });
    const garbled = new ResponseShapeError({ mall: 'naver', call: 'dispatch', issues: [{ path: '', message: 'the body is not JSON' }] });
    expect(callFailure(garbled)).toMatchObject({ outcome: 'unknown', code: 'MALFORMED_ANSWER', stop: false });
  });

  test('refused before processing is failed and not permanent; a 400 is permanent', () => {
    expect(callFailure(api('network', { code: 'ECONNREFUSED' }))).toMatchObject({ outcome: 'failed', permanent: false, stop: true });
    expect(callFailure(api('rate_limited', { status: 429 }))).toMatchObject({ outcome: 'failed', permanent: false, stop: true });
    expect(callFailure(api('auth', { status: 401, code: 'GW.AUTHN' }))).toMatchObject({ outcome: 'failed', permanent: false, stop: true });
    expect(callFailure(api('request', { status: 400, code: '4000' }))).toMatchObject({ outcome: 'failed', permanent: true, stop: false });
  });

  test('anything that is not a marketplace error is thrown, not turned into a result', () => {
    expect(() => callFailure(new TypeError('bug'))).toThrow('bug');
  });
});

describe('targetResult: one result per target from its lines', () => {
  const done = { outcome: 'done' as const, permanent: false };
  test('all done is done; a done line with a note passes the note on', () => {
    expect(targetResult('o1', [['a', done], ['b', done]])).toEqual({ key: 'o1', outcome: 'done', permanent: false });
    expect(targetResult('o1', [['a', { ...done, code: '104443', message: 'already confirmed' }], ['b', done]])).toEqual({ key: 'o1', outcome: 'done', permanent: false, code: '104443', message: 'a: already confirmed' });
  });

  test('any unknown line makes the target unknown; else any failed line failed, permanent only when all are', () => {
    const failedP = { outcome: 'failed' as const, permanent: true, code: '104122', message: 'bad number' };
    const failedT = { outcome: 'failed' as const, permanent: false, code: '9999', message: 'try later' };
    const unknown = { outcome: 'unknown' as const, permanent: false, message: 'in neither list' };
    expect(targetResult('o', [['a', done], ['b', unknown], ['c', failedP]])).toMatchObject({ outcome: 'unknown', permanent: false });
    expect(targetResult('o', [['a', done], ['c', failedP]])).toEqual({ key: 'o', outcome: 'failed', permanent: true, code: '104122', message: 'c: bad number' });
    expect(targetResult('o', [['c', failedP], ['d', failedT]])).toMatchObject({ outcome: 'failed', permanent: false, message: 'c: bad number; d: try later' });
  });

  test('a target without lines fails permanently', () => {
    expect(targetResult('o', [])).toMatchObject({ outcome: 'failed', permanent: true });
  });
});

describe('dispatch order: main products before add-ons (spec §5.1)', () => {
  test('productClass containing 추가 is an add-on; anything else a main product', () => {
    expect(isAddOn('추가구성상품')).toBe(true);
    expect(isAddOn('조합형옵션상품')).toBe(false);
    expect(isAddOn('단일상품')).toBe(false);
    expect(isAddOn(undefined)).toBe(false);
  });

  test('orders keep their first appearance; within an order add-ons go last', () => {
    const lines = [
      { id: 'x-addon', orderId: 'X', addOn: true, seq: 0 },
      { id: 'y-main', orderId: 'Y', addOn: false, seq: 1 },
      { id: 'x-main', orderId: 'X', addOn: false, seq: 2 },
      { id: 'x-main2', orderId: 'X', addOn: false, seq: 3 },
    ];
    expect(dispatchOrder(lines).map((l) => l.id)).toEqual(['x-main', 'x-main2', 'x-addon', 'y-main']);
  });
});

describe('option-stock body (spec §6.3, §10.7)', () => {
  const product = OriginProductAnswer.parse({
    originProduct: {
      statusType: 'SALE',
      salePrice: 19000,
      detailAttribute: {
        optionInfo: {
          optionCombinations: [
            { id: 41234567891, stockQuantity: 10, price: 0, usable: true, optionName1: '블랙' },
            { id: 41234567892, stockQuantity: 4, price: 1000, usable: true },
            { id: 41234567893, stockQuantity: 0, price: 500, usable: false },
          ],
          useStockManagement: true,
        },
      },
    },
  });

  test('sends every option with its current price and usable, changing only the stock asked for', () => {
    const body = optionStockBody(product, new Map([[41234567891, 12]]));
    expect(body).toEqual({
      productSalePrice: { salePrice: 19000 },
      optionInfo: {
        optionCombinations: [
          { id: 41234567891, stockQuantity: 12, price: 0, usable: true },
          { id: 41234567892, stockQuantity: 4, price: 1000, usable: true },
          { id: 41234567893, stockQuantity: 0, price: 500, usable: false },
        ],
        useStockManagement: true,
      },
    });
    expect(OptionStockRequest.safeParse(body).success).toBe(true);
  });

  test('has the shape of the spec sample §10.7', () => {
    const [sample] = specSamples('naver-commerce-api.md', '### 10.7');
    expect(shapeDifferences(sample, optionStockBody(product, new Map([[41234567892, 0]])))).toEqual([]);
  });

  test('a product whose options lack a price or usable cannot be written back (schema refuses it)', () => {
    const lacking = { originProduct: { statusType: 'SALE', salePrice: 1, detailAttribute: { optionInfo: { optionCombinations: [{ id: 1, stockQuantity: 1, usable: true }] } } } };
    expect(OriginProductAnswer.safeParse(lacking).success).toBe(false);
  });
});

describe('following GNCP-GW-RateLimit-Replenish-Rate (spec §7.4)', () => {
  test('the gateway rate when lower, never above the configured one, floored; 0 = limiter off', () => {
    expect(followedRate(2, '1')).toBe(1);
    expect(followedRate(2, '5')).toBe(2);
    expect(followedRate(2, '0.01')).toBe(MIN_FOLLOWED_RATE);
    expect(followedRate(2, 'abc')).toBe(2);
    expect(followedRate(2, '0')).toBe(2);
    expect(followedRate(2, undefined)).toBe(2);
    expect(followedRate(0, '1')).toBe(0);
  });

  test('the limiter is re-spaced only when the rate changes, and speeds up again', async () => {
    const limiter = new Bottleneck({ minTime: 250 });
    const calls: unknown[] = [];
    const update = limiter.updateSettings.bind(limiter);
    limiter.updateSettings = (o) => {
      calls.push(o);
      return update(o);
    };
    const follow = createRateFollower(limiter, 4, silentLogger());
    follow({});
    follow({ 'gncp-gw-ratelimit-replenish-rate': '4' });
    follow({ 'gncp-gw-ratelimit-replenish-rate': '2' });
    follow({ 'gncp-gw-ratelimit-replenish-rate': '2' });
    follow({ 'gncp-gw-ratelimit-replenish-rate': '8' });
    expect(calls).toEqual([{ minTime: 500 }, { minTime: 250 }]);
    await limiter.disconnect();
  });
});
