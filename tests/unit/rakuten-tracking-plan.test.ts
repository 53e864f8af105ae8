import { planOrderShipping, readShippingAnswer } from '../../connectors/rakuten/tracking-plan.js';
import type { OrderStateModel, ShippingModel } from '../../connectors/rakuten/schemas.js';
import type { TrackingTarget } from '../../connectors/shared/exports.js';

const ORDER = '387654-20250601-0000012345';
/** 2025-06-02 16:30 UTC = 2025-06-03 01:30 JST: the date sent is the JST one. */
const SHIPPED = new Date('2025-06-02T16:30:00Z');

function order(baskets: Record<number, Array<Partial<ShippingModel> & { shippingDetailId: number }>>): OrderStateModel {
  return { orderNumber: ORDER, orderProgress: 300, PackageModelList: Object.entries(baskets).map(([id, rows]) => ({ basketId: Number(id), ShippingModelList: rows })) };
}

function target(basket: string, trackingNumber: string, extra: Partial<TrackingTarget> = {}): TrackingTarget {
  return { mallOrderId: ORDER, mallPackageId: basket, mallLineIds: [], trackingNumber, carrierCode: '1000', shippedAt: SHIPPED, ...extra };
}

const complete = (id: number, number: string) => ({ shippingDetailId: id, shippingNumber: number, deliveryCompany: '1000', shippingDate: '2025-06-02' });

describe('planOrderShipping (spec §4.2)', () => {
  test('one order, two baskets: one request, rows numbered across baskets, JST date YYYY-MM-DD', () => {
    const plan = planOrderShipping(order({ 11: [], 12: [] }), [target('11', 'QSP1'), target('12', 'QSP2'), target('11', 'QSP3')]);
    expect(plan.request).toEqual({
      orderNumber: ORDER,
      BasketidModelList: [
        {
          basketId: 11,
          ShippingModelList: [
            { deliveryCompany: '1000', shippingNumber: 'QSP1', shippingDate: '2025-06-03' },
            { deliveryCompany: '1000', shippingNumber: 'QSP3', shippingDate: '2025-06-03' },
          ],
        },
        { basketId: 12, ShippingModelList: [{ deliveryCompany: '1000', shippingNumber: 'QSP2', shippingDate: '2025-06-03' }] },
      ],
    });
    expect(plan.rowCount).toBe(3);
    expect(plan.targets).toEqual([{ dataNumber: 1 }, { dataNumber: 3 }, { dataNumber: 2 }]);
  });

  test('the same number already in a complete row: done, nothing to send', () => {
    const plan = planOrderShipping(order({ 11: [complete(240001, ' QSP1 ')] }), [target('11', 'QSP1')]);
    expect(plan.request).toBeNull();
    expect(plan.targets[0]).toEqual({ settled: { outcome: 'done', permanent: false, message: expect.stringContaining('shippingDetailId 240001') } });
  });

  test('an incomplete row typed in RMS (carrier only) is completed by its shippingDetailId, not doubled', () => {
    const plan = planOrderShipping(order({ 11: [{ shippingDetailId: 240002, deliveryCompany: '1001', shippingNumber: null, shippingDate: null }] }), [target('11', 'QSP1')]);
    expect(plan.request!.BasketidModelList).toEqual([
      { basketId: 11, ShippingModelList: [{ shippingDetailId: 240002, deliveryCompany: '1000', shippingNumber: 'QSP1', shippingDate: '2025-06-03' }] },
    ]);
  });

  test('our number in an incomplete row is completed; someone else\'s incomplete row is left alone with a note', () => {
    const same = planOrderShipping(order({ 11: [{ shippingDetailId: 7, shippingNumber: 'QSP1', deliveryCompany: null, shippingDate: null }] }), [target('11', 'QSP1')]);
    expect(same.request!.BasketidModelList[0]!.ShippingModelList[0]!.shippingDetailId).toBe(7);
    const foreign = planOrderShipping(order({ 11: [{ shippingDetailId: 8, shippingNumber: 'OTHER-9', deliveryCompany: null, shippingDate: null }] }), [target('11', 'QSP1')]);
    expect(foreign.request!.BasketidModelList[0]!.ShippingModelList).toEqual([{ deliveryCompany: '1000', shippingNumber: 'QSP1', shippingDate: '2025-06-03' }]);
    expect(foreign.targets[0]).toEqual({ dataNumber: 1, note: expect.stringContaining('8 (OTHER-9)') });
  });

  test('a complete row with another number: a second parcel adds a row; the 21st row is refused permanently', () => {
    const plan = planOrderShipping(order({ 11: [complete(1, 'QSP0')] }), [target('11', 'QSP1')]);
    expect(plan.request!.BasketidModelList[0]!.ShippingModelList).toHaveLength(1);
    expect(plan.request!.BasketidModelList[0]!.ShippingModelList[0]).not.toHaveProperty('shippingDetailId');
    const full = Array.from({ length: 20 }, (_, i) => complete(i + 1, `N${i}`));
    const refused = planOrderShipping(order({ 11: full }), [target('11', 'QSP1')]);
    expect(refused.request).toBeNull();
    expect(refused.targets[0]).toEqual({ settled: { outcome: 'failed', permanent: true, message: expect.stringContaining('already has 20 shipping rows') } });
  });

  test('bad targets fail permanently without a request; a repeated number shares one row', () => {
    const plan = planOrderShipping(order({ 11: [] }), [
      target('11', '  '),
      target('99', 'QSP1'),
      target('11', 'X'.repeat(121)),
      target('11', 'QSP2', { carrierCode: '' }),
      target('11', 'QSP3', { shippedAt: new Date('nope') }),
      target('11', 'QSP4'),
      target('11', 'QSP4'),
    ]);
    expect(plan.targets.slice(0, 5).map((t) => ('settled' in t ? [t.settled.outcome, t.settled.permanent] : t))).toEqual(Array(5).fill(['failed', true]));
    expect((plan.targets[1] as { settled: { message: string } }).settled.message).toContain('basket 99 is not part of order');
    expect(plan.targets.slice(5)).toEqual([{ dataNumber: 1 }, { dataNumber: 1 }]);
    expect(plan.rowCount).toBe(1);
  });
});

describe('readShippingAnswer (spec §7.9)', () => {
  const msg = (type: string, code: string, dataNumber: number | null, shippingDetailId: number | null = null) => ({ messageType: type, messageCode: code, message: 'm', dataNumber, shippingDetailId });
  const P = 'ORDER_EXT_API_UPDATE_ORDERSHIPPING_';

  test('INFO per row is done with the issued id; ERROR_011 and ERROR_102 fail permanently; unknown codes do not', () => {
    const out = readShippingAnswer(
      { status: 200, messages: [msg('INFO', `${P}INFO_101`, 1, 240001), msg('INFO', `${P}INFO_102`, 2, 7), msg('ERROR', `${P}ERROR_102`, 3), msg('ERROR', `${P}ERROR_777`, 4)] },
      4,
    );
    expect(out.map((o) => [o.outcome, o.permanent, o.code])).toEqual([
      ['done', false, `${P}INFO_101`],
      ['done', false, `${P}INFO_102`],
      ['failed', true, `${P}ERROR_102`],
      ['failed', false, `${P}ERROR_777`],
    ]);
    expect(out[0]!.message).toContain('shippingDetailId 240001');
  });

  test('an ERROR without dataNumber settles every row without an entry; a WARNING alone is unknown', () => {
    expect(readShippingAnswer({ status: 200, messages: [msg('ERROR', `${P}ERROR_102`, null)] }, 2).map((o) => o.code)).toEqual([`${P}ERROR_102`, `${P}ERROR_102`]);
    expect(readShippingAnswer({ status: 200, messages: [msg('WARNING', `${P}WARNING_101`, 1)] }, 1)[0]!.outcome).toBe('unknown');
  });

  test('a row the answer does not mention: failed on a 400 (not applied), unknown on a 200', () => {
    expect(readShippingAnswer({ status: 400, messages: [msg('ERROR', `${P}ERROR_011`, 2)] }, 2).map((o) => [o.outcome, o.permanent])).toEqual([
      ['failed', false],
      ['failed', true],
    ]);
    expect(readShippingAnswer({ status: 200, messages: [] }, 1)[0]!.outcome).toBe('unknown');
  });
});
