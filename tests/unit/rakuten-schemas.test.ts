import { readRakutenOrder } from '../../connectors/rakuten/mapper.js';
import { scenarioOrders } from '../../connectors/rakuten/sandbox-orders.js';
import { GatewayError, GetOrderResponse, OrderModel, SearchOrderRequest, SearchOrderResponse } from '../../connectors/rakuten/schemas.js';
import { parseShape } from '../../connectors/shared/shape.js';
import { ResponseShapeError } from '../../lib/errors.js';
import { specSamples } from '../helpers/spec-samples.js';

const spec = (heading: string) => specSamples('rakuten-rms-api.md', heading);
const now = new Date('2026-03-04T03:00:00.000Z');

describe("the spec's samples parse (spec §7)", () => {
  test('searchOrder request §7.1 and answers §7.2–7.4: nullable orderNumberList and pagination fields', () => {
    expect(SearchOrderRequest.safeParse(spec('### 7.1')[0]).success).toBe(true);
    const hits = SearchOrderResponse.parse(spec('### 7.2')[0]);
    expect(hits.orderNumberList).toHaveLength(3);
    const none = SearchOrderResponse.parse(spec('### 7.3')[0]);
    expect(none.PaginationResponseModel).toEqual({ totalRecordsAmount: null, totalPages: null, requestPage: null });
    const error = SearchOrderResponse.parse(spec('### 7.4')[0]);
    expect(error.orderNumberList).toBeNull();
    expect(error.PaginationResponseModel).toBeNull();
  });

  test('getOrder §7.6: the envelope and its order; unknown fields pass through', () => {
    const answer = GetOrderResponse.parse(spec('### 7.6')[0]);
    const order = OrderModel.parse(answer.OrderModelList![0]);
    expect(order.orderNumber).toBe('387654-20250601-0000012345');
    expect(order.PackageModelList[0]!.ItemModelList[1]!.SkuModelList![0]!.merchantDefinedSkuId).toBe('CAP01rm');
    expect((order as Record<string, unknown>).OrdererModel).toBeDefined();
  });

  test('gateway errors §7.10', () => {
    for (const sample of spec('### 7.10')) expect(GatewayError.safeParse(sample).success).toBe(true);
    expect(GatewayError.safeParse(spec('### 7.2')[0]).success).toBe(false);
  });

  test('the searchOrder request refuses what Rakuten refuses: +09:00, Z, millis, more than 1000 per page', () => {
    const ok = spec('### 7.1')[0] as Record<string, unknown>;
    for (const bad of ['2025-05-01T00:00:00+09:00', '2025-05-01T00:00:00Z', '2025-05-01T00:00:00.000+0900']) {
      expect(SearchOrderRequest.safeParse({ ...ok, startDatetime: bad }).success).toBe(false);
    }
    expect(SearchOrderRequest.safeParse({ ...ok, PaginationRequestModel: { requestRecordsAmount: 1001, requestPage: 1 } }).success).toBe(false);
  });
});

describe('shape failures name the path (style.md point 5)', () => {
  const order = () => structuredClone(scenarioOrders(now)[1]!.order) as Record<string, unknown> & { PackageModelList: Array<{ ItemModelList: Array<Record<string, unknown>> }> };

  test('parseShape throws a ResponseShapeError with the path of the bad field and the record id', () => {
    const bad = order();
    bad.PackageModelList[0]!.ItemModelList[0]!.units = '1';
    let caught: unknown;
    try {
      parseShape(OrderModel, bad, 'rakuten', 'getOrder', String(bad.orderNumber));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ResponseShapeError);
    const err = caught as ResponseShapeError;
    expect(err.issues[0]!.path).toBe('PackageModelList[0].ItemModelList[0].units');
    expect(err.recordId).toBe(bad.orderNumber);
    expect(err.message).toContain('PackageModelList[0].ItemModelList[0].units');
  });

  test('a bad order becomes a RecordFailure named by its orderNumber, with the path', () => {
    const bad = order();
    delete bad.PackageModelList[0]!.ItemModelList[0]!.itemDetailId;
    const reading = readRakutenOrder(bad);
    expect(reading.failure).toEqual({ recordId: bad.orderNumber, reason: expect.stringContaining('PackageModelList[0].ItemModelList[0].itemDetailId') });
  });

  test('an unknown orderProgress, a time without offset, an order without items are failures, not silent drops', () => {
    expect(readRakutenOrder({ ...order(), orderProgress: 1000 }).failure?.reason).toContain('orderProgress');
    expect(readRakutenOrder({ ...order(), orderDatetime: '2025-06-01 21:14:05' }).failure?.reason).toContain('orderDatetime');
    expect(readRakutenOrder({ ...order(), PackageModelList: [] }).failure?.reason).toContain('no items');
    expect(readRakutenOrder({ nothing: true }).failure?.recordId).toBe('(order without orderNumber)');
  });

  test('a good order reads into lines', () => {
    const reading = readRakutenOrder(order());
    expect(reading.failure).toBeUndefined();
    expect(reading.lines).toHaveLength(1);
  });

  test('searchOrder: a missing MessageModelList is a shape error at that path', () => {
    expect(() => parseShape(SearchOrderResponse, { orderNumberList: [], PaginationResponseModel: null }, 'rakuten', 'searchOrder')).toThrow(
      /MessageModelList/,
    );
  });
});
