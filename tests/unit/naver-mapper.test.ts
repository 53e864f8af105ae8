import { lineStateOf, mapProductOrder, sellerCodeOf } from '../../connectors/naver/mapper.js';
import { scenarioOrders } from '../../connectors/naver/sandbox-orders.js';
import { buildOrder, SandboxIds } from '../../connectors/naver/sandbox-records.js';
import { ProductOrderInfo, type NaverProductOrder } from '../../connectors/naver/schemas.js';
import { MallOrderLine } from '../../connectors/shared/order-line.js';
import { specSamples } from '../helpers/spec-samples.js';

const now = new Date('2026-03-04T03:00:00.000Z');

/** The scenario's lines, mapped, keyed `N2a`, `N2b`… (a single-line order is just `N1`). */
function scenarioLines(): Record<string, MallOrderLine> {
  const ids = new SandboxIds();
  const out: Record<string, MallOrderLine> = {};
  scenarioOrders(now).forEach(({ key, spec }, i) => {
    const { infos } = buildOrder(spec, ids, i + 1);
    infos.forEach((info, j) => {
      const line = mapProductOrder(ProductOrderInfo.parse(info));
      out[infos.length === 1 ? key : `${key}${'ab'[j]}`] = MallOrderLine.parse(line);
    });
  });
  return out;
}

type Expect = [code: string | null, field: string, state: string, quantity: number, mallStatus: string, claim: string | null];
const EXPECTED: Record<string, Expect> = {
  N1: ['TS-BLK-M', 'optionManageCode', 'awaiting', 2, 'PAYED/NOT_YET', null],
  N2a: ['TS-WHT-M', 'optionManageCode', 'awaiting', 1, 'PAYED/OK', null],
  N2b: ['MUG-001', 'sellerProductCode', 'awaiting', 1, 'PAYED/OK', null],
  N3: ['SOCK-3P', 'sellerProductCode', 'awaiting', 2, 'PAYED/NOT_YET', null],
  N4: ['GIFTSET-A', 'sellerProductCode', 'awaiting', 1, 'PAYED/NOT_YET', null],
  N5: ['TS-RED-S', 'optionManageCode', 'awaiting', 1, 'PAYED/NOT_YET', null],
  N6: [null, 'optionManageCode', 'awaiting', 1, 'PAYED/NOT_YET', null],
  N7a: ['MUG-001', 'sellerProductCode', 'awaiting', 1, 'PAYED/NOT_YET', null],
  N7b: [null, 'sellerProductCode', 'awaiting', 1, 'PAYED/NOT_YET', null],
  N8: ['MUG-001', 'sellerProductCode', 'cancelled', 0, 'CANCELED/NOT_YET', 'CANCEL/CANCEL_DONE'],
  N9: ['SOCK-3P', 'sellerProductCode', 'cancelled', 1, 'PAYED/NOT_YET', 'CANCEL/CANCEL_REQUEST'],
};

describe('mapProductOrder on the sandbox scenario (design.md §4–§5, spec §3.5–§3.6)', () => {
  const lines = scenarioLines();

  test.each(Object.entries(EXPECTED))('%s maps to the expected code, state and quantity', (key, [code, field, state, quantity, mallStatus, claim]) => {
    const line = lines[key]!;
    expect(line).toBeDefined();
    expect(line.sellerCode).toBe(code);
    expect(line.sellerCodeField).toBe(field);
    expect(line.state).toBe(state);
    expect(line.quantity).toBe(quantity);
    expect(line.mallStatus).toBe(mallStatus);
    expect(line.claimStatus).toBe(claim);
    expect(line.mall).toBe('naver');
    expect(line.mallPackageId).toBe('');
    expect(line.mallOrderId).toMatch(/^\d{16}$/);
    expect(line.mallLineId).toMatch(/^\d{16}$/);
  });

  test('every line of the scenario is covered', () => {
    expect(Object.keys(lines).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test('option lines keep option text and listing keys; lines without option have neither', () => {
    expect(lines.N1!.optionText).toBe('색상: 블랙 / 사이즈: M');
    expect(lines.N1!.listingProductId).toBe('9812345678');
    expect(lines.N1!.listingOptionId).toBe('41234567891');
    expect(lines.N3!.optionText).toBe('');
    expect(lines.N3!.listingOptionId).toBeNull();
    expect(lines.N3!.listingProductId).toBe('9812345701');
  });

  test('names, prices, recipients and order time', () => {
    expect(lines.N2b!.productName).toBe('스마일 머그컵 350ml');
    expect(lines.N1!.unitPrice).toBe(19_000);
    expect(lines.N4!.recipient).toEqual({
      name: '정하늘',
      phone: '010-6804-3355',
      postalCode: '47297',
      address1: '부산광역시 부산진구 중앙대로 672',
      address2: '5층 502호',
      country: 'KR',
    });
    expect(lines.N1!.orderedAt).toEqual(new Date(now.getTime() - 46 * 3600_000));
  });
});

describe('mapProductOrder on the spec sample §10.3', () => {
  const sample = specSamples('naver-commerce-api.md', '### 10.3')[0] as { data: unknown[] };
  const info = ProductOrderInfo.parse(sample.data[0]);

  test('maps field by field', () => {
    const line = mapProductOrder(info);
    expect(line).toMatchObject({
      mall: 'naver',
      mallOrderId: '2025030412087700',
      mallPackageId: '',
      mallLineId: '2025030432918801',
      mallStatus: 'PAYED/NOT_YET',
      claimStatus: null,
      state: 'awaiting',
      sellerCode: 'TS-BLK-M',
      sellerCodeField: 'optionManageCode',
      productName: '테스트 면 티셔츠',
      optionText: '색상: 블랙 / 사이즈: M',
      quantity: 2,
      unitPrice: 19_000,
      listingProductId: '9812345678',
      listingOptionId: '41234567891',
      recipient: { name: '이수령', phone: '010-2222-3333', postalCode: '06236', address1: '서울특별시 강남구 테스트로 123', address2: '4층 401호', country: 'KR' },
    });
    expect(line.orderedAt!.toISOString()).toBe('2025-03-04T00:58:12.000Z');
    expect(line.payload).toBe(info);
    expect(() => MallOrderLine.parse(line)).not.toThrow();
  });

  test('an option line never falls back to sellerProductCode', () => {
    const po = { ...info.productOrder, optionManageCode: '   ' };
    expect(sellerCodeOf(po)).toEqual({ code: null, field: 'optionManageCode' });
    const absent = { ...info.productOrder, optionManageCode: undefined };
    expect(sellerCodeOf(absent)).toEqual({ code: null, field: 'optionManageCode' });
  });

  test('codes are trimmed; a line without optionCode uses sellerProductCode', () => {
    expect(sellerCodeOf({ ...info.productOrder, optionManageCode: ' TS-BLK-M ' }).code).toBe('TS-BLK-M');
    expect(sellerCodeOf({ ...info.productOrder, optionCode: '', sellerProductCode: ' TS-001 ' })).toEqual({ code: 'TS-001', field: 'sellerProductCode' });
  });

  test('option text line breaks become \\n; optionPrice adds to the unit price', () => {
    const line = mapProductOrder({ ...info, productOrder: { ...info.productOrder, productOption: '색상: 블랙\r\n사이즈: M\r각인: 없음', optionPrice: 1000 } });
    expect(line.optionText).toBe('색상: 블랙\n사이즈: M\n각인: 없음');
    expect(line.unitPrice).toBe(20_000);
  });

  test('a FOREIGN address without a two-letter country is refused by name', () => {
    const address = { ...info.productOrder.shippingAddress!, addressType: 'FOREIGN' as const, country: '미국' };
    expect(() => mapProductOrder({ ...info, productOrder: { ...info.productOrder, shippingAddress: address } })).toThrow(/FOREIGN/);
    const us = mapProductOrder({ ...info, productOrder: { ...info.productOrder, shippingAddress: { ...address, country: 'us' } } });
    expect(us.recipient.country).toBe('US');
  });
});

describe('lineStateOf (design.md §5, spec §3.6)', () => {
  const base: NaverProductOrder = { productOrderId: '1', productOrderStatus: 'PAYED', placeOrderStatus: 'NOT_YET', productName: 'x', remainQuantity: 1 };
  const cases: Array<[string, Partial<NaverProductOrder>, string]> = [
    ['PAYED/NOT_YET', {}, 'awaiting'],
    ['PAYED/OK', { placeOrderStatus: 'OK' }, 'awaiting'],
    ['PAYED/CANCEL (발주 확인 해제): held, not shipped and not silently closed', { placeOrderStatus: 'CANCEL' }, 'held'],
    ['CANCELED', { productOrderStatus: 'CANCELED' }, 'cancelled'],
    ['CANCELED_BY_NOPAYMENT', { productOrderStatus: 'CANCELED_BY_NOPAYMENT', placeOrderStatus: undefined }, 'cancelled'],
    ...(['CANCEL_REQUEST', 'CANCELING', 'CANCEL_DONE'] as const).map((s): [string, Partial<NaverProductOrder>, string] => [`cancel claim ${s}`, { claimType: 'CANCEL', claimStatus: s }, 'cancelled']),
    ...(['ADMIN_CANCELING', 'ADMIN_CANCEL_DONE'] as const).map((s): [string, Partial<NaverProductOrder>, string] => [`admin cancel ${s}`, { claimType: 'ADMIN_CANCEL', claimStatus: s }, 'cancelled']),
    ['cancel rejected: still to ship', { claimType: 'CANCEL', claimStatus: 'CANCEL_REJECT' }, 'awaiting'],
    ['remainQuantity 0 on a paid line', { remainQuantity: 0 }, 'cancelled'],
    ['open return claim on a paid line', { claimType: 'RETURN', claimStatus: 'RETURN_REQUEST' }, 'held'],
    ['open exchange claim on a paid line', { claimType: 'EXCHANGE', claimStatus: 'COLLECTING' }, 'held'],
    ['rejected exchange claim', { claimType: 'EXCHANGE', claimStatus: 'EXCHANGE_REJECT' }, 'awaiting'],
    ['PAYMENT_WAITING', { productOrderStatus: 'PAYMENT_WAITING', placeOrderStatus: undefined }, 'pending'],
    ['PAYMENT_WAITING with a cancel', { productOrderStatus: 'PAYMENT_WAITING', claimType: 'CANCEL', claimStatus: 'CANCELING' }, 'cancelled'],
    ['DELIVERING', { productOrderStatus: 'DELIVERING', placeOrderStatus: 'OK' }, 'closed'],
    ['DELIVERED', { productOrderStatus: 'DELIVERED', placeOrderStatus: 'OK' }, 'closed'],
    ['PURCHASE_DECIDED', { productOrderStatus: 'PURCHASE_DECIDED', placeOrderStatus: 'OK' }, 'closed'],
    ['RETURNED with nothing left: past fulfilment', { productOrderStatus: 'RETURNED', remainQuantity: 0, claimType: 'RETURN', claimStatus: 'RETURN_DONE' }, 'closed'],
  ];
  test.each(cases)('%s', (_name, patch, state) => {
    expect(lineStateOf({ ...base, ...patch })).toBe(state);
  });
});
