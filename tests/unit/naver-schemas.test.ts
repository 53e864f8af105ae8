import { ChangedStatusesAnswer, ProductOrderInfo, ProductOrdersAnswer, TokenAnswer } from '../../connectors/naver/schemas.js';
import { parseShape } from '../../connectors/shared/shape.js';
import { ResponseShapeError } from '../../lib/errors.js';
import { specSamples } from '../helpers/spec-samples.js';

const detailSample = () => structuredClone(specSamples('naver-commerce-api.md', '### 10.3')[0]) as { data: Array<Record<string, Record<string, unknown>>> };

function shapeError(fn: () => unknown): ResponseShapeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ResponseShapeError) return err;
    throw err;
  }
  throw new Error('expected a ResponseShapeError');
}

describe('Naver schemas against the spec samples (§10)', () => {
  test('token, feed pages and detail samples parse', () => {
    expect(() => parseShape(TokenAnswer, specSamples('naver-commerce-api.md', '### 10.1')[0], 'naver', 'token')).not.toThrow();
    for (const page of specSamples('naver-commerce-api.md', '### 10.2')) {
      expect(() => parseShape(ChangedStatusesAnswer, page, 'naver', 'last-changed-statuses')).not.toThrow();
    }
    const detail = parseShape(ProductOrdersAnswer, detailSample(), 'naver', 'product-orders/query');
    expect(() => parseShape(ProductOrderInfo, detail.data[0], 'naver', 'product-orders/query')).not.toThrow();
  });

  test('the first feed page keeps its cursor under data.more', () => {
    const page = parseShape(ChangedStatusesAnswer, specSamples('naver-commerce-api.md', '### 10.2')[0], 'naver', 'x');
    expect(page.data.more).toEqual({ moreFrom: '2025-03-04T10:02:13.000+09:00', moreSequence: '2025030455120903' });
  });

  test('an empty window parses with or without the (UNCERTAIN) empty list', () => {
    expect(parseShape(ChangedStatusesAnswer, { data: { lastChangeStatuses: [], count: 0 } }, 'naver', 'x').data.more).toBeUndefined();
    expect(() => parseShape(ChangedStatusesAnswer, { data: { count: 0 } }, 'naver', 'x')).not.toThrow();
    expect(shapeError(() => parseShape(ChangedStatusesAnswer, { data: { count: 3 } }, 'naver', 'x')).issues[0]!.path).toBe('data.lastChangeStatuses');
  });

  test('unknown extra fields pass through untouched', () => {
    const sample = detailSample();
    sample.data[0]!.productOrder!.brandNewField = { nested: true };
    const element: Record<string, unknown> = { ...sample.data[0], somethingNew: 1 };
    const info = ProductOrderInfo.parse(element) as Record<string, unknown> & { productOrder: Record<string, unknown> };
    expect(info.productOrder.brandNewField).toEqual({ nested: true });
    expect(info.somethingNew).toBe(1);
  });

  test('delivery may be absent or null before dispatch (spec §13.15)', () => {
    const sample = detailSample();
    expect(() => ProductOrderInfo.parse({ ...sample.data[0], delivery: null })).not.toThrow();
  });
});

describe('schema failures name the path (ResponseShapeError)', () => {
  test('a feed row without productOrderId', () => {
    const page = structuredClone(specSamples('naver-commerce-api.md', '### 10.2')[0]) as { data: { lastChangeStatuses: Array<Record<string, unknown>> } };
    delete page.data.lastChangeStatuses[1]!.productOrderId;
    const err = shapeError(() => parseShape(ChangedStatusesAnswer, page, 'naver', 'last-changed-statuses'));
    expect(err.issues[0]!.path).toBe('data.lastChangeStatuses[1].productOrderId');
    expect(err.message).toContain('data.lastChangeStatuses[1].productOrderId');
  });

  test('a feed cursor whose moreFrom is not a time', () => {
    const page = structuredClone(specSamples('naver-commerce-api.md', '### 10.2')[0]) as { data: { more: Record<string, unknown> } };
    page.data.more.moreFrom = '2025-03-04 10:02:13';
    expect(shapeError(() => parseShape(ChangedStatusesAnswer, page, 'naver', 'x')).issues[0]!.path).toBe('data.more.moreFrom');
  });

  test('a product order with an unknown status, claim status or no remainQuantity, with its record id', () => {
    const sample = detailSample();
    const element = sample.data[0]!;
    element.productOrder!.productOrderStatus = 'SHIPPED_BY_DRONE';
    element.productOrder!.claimStatus = 'CANCEL_MAYBE';
    delete element.productOrder!.remainQuantity;
    const err = shapeError(() => parseShape(ProductOrderInfo, element, 'naver', 'product-orders/query', '2025030432918801'));
    expect(err.issues.map((i) => i.path).sort()).toEqual(['productOrder.claimStatus', 'productOrder.productOrderStatus', 'productOrder.remainQuantity']);
    expect(err.recordId).toBe('2025030432918801');
    expect(err.message).toContain('in 2025030432918801');
  });

  test('an order date without offset', () => {
    const element = detailSample().data[0]!;
    element.order!.orderDate = '2025-03-04T09:58:12';
    expect(shapeError(() => parseShape(ProductOrderInfo, element, 'naver', 'x')).issues[0]!.path).toBe('order.orderDate');
  });

  test('a token answer without access_token', () => {
    expect(shapeError(() => parseShape(TokenAnswer, { expires_in: 10800 }, 'naver', 'token')).issues[0]!.path).toBe('access_token');
  });
});
