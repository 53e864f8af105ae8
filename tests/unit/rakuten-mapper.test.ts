import { lineState, mapRakutenOrder, optionText, recipientOf, sellerCodeOf, variantIdOf } from '../../connectors/rakuten/mapper.js';
import {
  buildSandboxOrder,
  SANDBOX_PEOPLE,
  SANDBOX_PRODUCTS,
  scenarioOrders,
  SOCIAL_GIFT_WAITING,
  type SandboxProduct,
  type ScenarioLabel,
} from '../../connectors/rakuten/sandbox-orders.js';
import { ItemModel, OrderModel, PackageModel } from '../../connectors/rakuten/schemas.js';
import { MallOrderLine } from '../../connectors/shared/order-line.js';
import { specSamples } from '../helpers/spec-samples.js';

const now = new Date('2026-03-04T03:00:00.000Z');

/** The scenario's lines keyed `R1`, `R6a`, `R6b`… (a one-line order is just its label). */
function scenarioLines(): Record<string, MallOrderLine> {
  const out: Record<string, MallOrderLine> = {};
  for (const { label, order } of scenarioOrders(now)) {
    const lines = mapRakutenOrder(OrderModel.parse(order));
    lines.forEach((line, i) => {
      out[lines.length === 1 ? label : `${label}${'ab'[i]}`] = MallOrderLine.parse(line);
    });
  }
  return out;
}

type Expect = [code: string | null, field: string, option: string, state: string, quantity: number, variantId: string | null];
const EXPECTED: Record<string, Expect> = {
  R1: ['TEA-001', 'itemNumber', '', 'awaiting', 3, 'tea-001'],
  R2: ['CAP01bm', 'merchantDefinedSkuId', 'カラー:ブラック\nサイズ:M', 'awaiting', 1, 'r-sku00000002'],
  R3: ['CAP01rm', 'itemNumber', 'カラー:レッド\nサイズ:M', 'awaiting', 1, null],
  R4: ['TOWEL-SET', 'merchantDefinedSkuId', '箱:ギフトボックス', 'awaiting', 1, 'r-sku00000010'],
  R5: [null, 'merchantDefinedSkuId', 'カラー:ピンク\nサイズ:25cm', 'awaiting', 2, 'r-sku00000021'],
  R6a: ['TEA-001', 'itemNumber', '', 'awaiting', 1, 'tea-001'],
  R6b: [null, 'merchantDefinedSkuId', 'カラー:ピンク\nサイズ:25cm ', 'awaiting', 1, 'r-sku00000021'],
  R7: [null, 'merchantDefinedSkuId', 'カラー:ピンク\nサイズ:２５cm', 'awaiting', 1, 'r-sku00000021'],
  R8: [null, 'itemNumber', '', 'awaiting', 1, 'fukubukuro'],
  R9: ['TEA-001', 'itemNumber', '', 'unconfirmed', 1, 'tea-001'],
  R10: ['TEA-001', 'itemNumber', '', 'cancelled', 1, 'tea-001'],
};

describe('mapRakutenOrder on the sandbox scenario (design.md §4, spec §3.2, §8)', () => {
  const lines = scenarioLines();

  test('every scenario order gives the expected lines, no more', () => {
    expect(Object.keys(lines).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(Object.entries(EXPECTED))('%s: seller code, field, option text, state, quantity, listing keys', (key, [code, field, option, state, quantity, variantId]) => {
    const line = lines[key]!;
    expect(line.sellerCode).toBe(code);
    expect(line.sellerCodeField).toBe(field);
    expect(line.optionText).toBe(option);
    expect(line.state).toBe(state);
    expect(line.quantity).toBe(quantity);
    expect(line.listingOptionId).toBe(variantId);
    expect(line.claimStatus).toBeNull();
    expect(line.mall).toBe('rakuten');
  });

  test('ids: orderNumber, basketId and itemDetailId as strings; status as written', () => {
    const orders = Object.fromEntries(scenarioOrders(now).map(({ label, order }) => [label, order])) as Record<ScenarioLabel, OrderModel>;
    const r6 = orders.R6;
    expect(lines.R6a!.mallOrderId).toBe(r6.orderNumber);
    expect(lines.R6a!.mallPackageId).toBe(String(r6.PackageModelList[0]!.basketId));
    expect(lines.R6b!.mallPackageId).toBe(String(r6.PackageModelList[1]!.basketId));
    expect(lines.R6a!.mallPackageId).not.toBe(lines.R6b!.mallPackageId);
    expect(lines.R6b!.mallLineId).toBe(String(r6.PackageModelList[1]!.ItemModelList[0]!.itemDetailId));
    expect(lines.R9!.mallStatus).toBe('100');
    expect(lines.R1!.mallStatus).toBe('300');
    expect(r6.orderNumber).toMatch(/^387654-\d{8}-00000\d{5}$/);
  });

  test('product names, prices and listing product ids come through as written', () => {
    expect(lines.R5!.productName).toBe('【送料無料】ふわふわ タオルハンカチ 綿100%');
    expect(lines.R3!.productName).toBe(lines.R2!.productName);
    expect(lines.R8!.productName).toBe('福袋 2026 ランダムセット');
    expect(lines.R2!.unitPrice).toBe(3080);
    expect(lines.R3!.listingProductId).toBe('cap01');
    expect(lines.R4!.listingProductId).toBe('towel-gift');
  });

  test('each package of R6 carries its own recipient (SenderModel is the ship-to)', () => {
    expect(lines.R6a!.recipient).toEqual({
      name: '佐藤 一郎',
      phone: '06-1234-5678',
      postalCode: '530-0001',
      address1: '大阪府大阪市北区',
      address2: '梅田３ー１ー１　サンプルマンション１０２',
      country: 'JP',
    });
    expect(lines.R6b!.recipient.name).toBe('鈴木 花子');
    expect(lines.R6b!.recipient.address1).toBe('東京都渋谷区');
  });

  test('a post-migration option line never takes its parent itemNumber', () => {
    for (const key of ['R5', 'R6b', 'R7']) {
      expect(lines[key]!.sellerCode).not.toBe('HANKY');
      expect((lines[key]!.payload as { item: { itemNumber: string } }).item.itemNumber).toBe('HANKY');
    }
  });

  test('orderedAt is the +0900 order time as a UTC instant; the payload keeps order, package and item', () => {
    const order = OrderModel.parse(scenarioOrders(now)[0]!.order);
    const [line] = mapRakutenOrder(order);
    expect(line!.orderedAt).toEqual(new Date(now.getTime() - 46 * 3600_000 - (now.getTime() % 1000)));
    expect(line!.payload).toEqual({
      orderNumber: order.orderNumber,
      orderProgress: 300,
      package: { basketId: order.PackageModelList[0]!.basketId, SenderModel: order.PackageModelList[0]!.SenderModel },
      item: order.PackageModelList[0]!.ItemModelList[0],
    });
    // unknown fields pass through to the payload (looseObject)
    expect((line!.payload as { item: Record<string, unknown> }).item.priceTaxIncl).toBe(1280);
  });
});

describe('seller code rules (design.md §4 step 1)', () => {
  const item = (product: SandboxProduct, patch: Record<string, unknown> = {}) => {
    const order = buildSandboxOrder({ serial: 1, orderProgress: 300, orderedAt: now, orderer: SANDBOX_PEOPLE.yamada, packages: [{ sender: SANDBOX_PEOPLE.yamada, lines: [{ product, units: 1 }] }] });
    const raw: Record<string, unknown> = { ...order.PackageModelList[0]!.ItemModelList[0], ...patch };
    for (const [k, v] of Object.entries(patch)) if (v === undefined) delete raw[k]; // truly missing, not undefined
    return ItemModel.parse(raw);
  };
  const pre = SANDBOX_PRODUCTS.capRedMPre;

  test.each([
    ['variantId ""', { SkuModelList: [{ variantId: '', merchantDefinedSkuId: null, skuInfo: null }] }],
    ['variantId null', { SkuModelList: [{ variantId: null, merchantDefinedSkuId: null, skuInfo: null }] }],
    ['SkuModelList []', { SkuModelList: [] }],
    ['SkuModelList null', { SkuModelList: null }],
    ['SkuModelList missing (version < 7)', { SkuModelList: undefined }],
  ])('pre-migration option line with %s maps by itemNumber, option text from selectedChoice', (_name, patch) => {
    const it = item(pre, patch);
    expect(sellerCodeOf(it)).toEqual({ sellerCode: 'CAP01rm', sellerCodeField: 'itemNumber' });
    expect(optionText(it)).toBe('カラー:レッド\nサイズ:M');
    expect(variantIdOf(it)).toBeNull();
  });

  test('merchantDefinedSkuId is trimmed; an empty or blank one falls back by the rules', () => {
    expect(sellerCodeOf(item(SANDBOX_PRODUCTS.capBlackM, { SkuModelList: [{ variantId: 'r-sku00000002', merchantDefinedSkuId: '  CAP01bm\t', skuInfo: 'カラー:ブラック\nサイズ:M' }] }))).toEqual({
      sellerCode: 'CAP01bm',
      sellerCodeField: 'merchantDefinedSkuId',
    });
    // post-migration option line, blank merchantDefinedSkuId: no code (never the parent CAP01)
    expect(sellerCodeOf(item(SANDBOX_PRODUCTS.capBlackM, { SkuModelList: [{ variantId: 'r-sku00000002', merchantDefinedSkuId: '   ', skuInfo: 'カラー:ブラック\nサイズ:M' }] }))).toEqual({
      sellerCode: null,
      sellerCodeField: 'merchantDefinedSkuId',
    });
  });

  test('a single-SKU line whose only choice is in selectedChoice (gift wrapping) still maps by its itemNumber', () => {
    const it = item(SANDBOX_PRODUCTS.tea, { selectedChoice: 'ギフトラッピング:希望する' });
    expect(optionText(it)).toBe('ギフトラッピング:希望する');
    expect(sellerCodeOf(it)).toEqual({ sellerCode: 'TEA-001', sellerCodeField: 'itemNumber' });
  });

  test('a line without options maps by its trimmed itemNumber; a null itemNumber gives no code', () => {
    expect(sellerCodeOf(item(SANDBOX_PRODUCTS.tea, { itemNumber: ' TEA-001 ' })).sellerCode).toBe('TEA-001');
    expect(sellerCodeOf(item(SANDBOX_PRODUCTS.fukubukuro))).toEqual({ sellerCode: null, sellerCodeField: 'itemNumber' });
  });

  test('option text: skuInfo first, then selectedChoice, then empty; CR LF and CR become LF; nothing else changes', () => {
    expect(optionText(item(SANDBOX_PRODUCTS.capBlackM))).toBe('カラー:ブラック\nサイズ:M');
    expect(optionText(item(SANDBOX_PRODUCTS.hanky, { SkuModelList: [{ variantId: 'v', merchantDefinedSkuId: null, skuInfo: ' カラー:ピンク\r\nサイズ:２５cm\rＡ　B ' }] }))).toBe(
      ' カラー:ピンク\nサイズ:２５cm\nＡ　B ',
    );
    expect(optionText(item(SANDBOX_PRODUCTS.hanky, { SkuModelList: [{ variantId: 'v', merchantDefinedSkuId: null, skuInfo: '' }], selectedChoice: 'a:b\r\nc:d' }))).toBe('a:b\nc:d');
    expect(optionText(item(SANDBOX_PRODUCTS.fukubukuro))).toBe('');
  });
});

describe('line state and recipient', () => {
  const pkg = (patch: Record<string, unknown> = {}) => {
    const order = buildSandboxOrder({ serial: 1, orderProgress: 300, orderedAt: now, orderer: SANDBOX_PEOPLE.yamada, packages: [{ sender: SANDBOX_PEOPLE.yamada, lines: [{ product: SANDBOX_PRODUCTS.tea, units: 1 }] }] });
    return PackageModel.parse({ ...order.PackageModelList[0], ...patch });
  };

  test.each([
    [100, 'unconfirmed'],
    [200, 'unconfirmed'],
    [300, 'awaiting'],
    [400, 'held'],
    [500, 'closed'],
    [600, 'closed'],
    [700, 'closed'],
    [800, 'held'],
    [900, 'cancelled'],
  ] as const)('orderProgress %d → %s', (progress, state) => {
    expect(lineState(progress, pkg())).toBe(state);
  });

  test('a social gift waiting for the address is pending (inputFlag 0, or the 入力待ち placeholder); cancellation still wins', () => {
    const waiting = pkg({ SocialGiftModel: { sgMngNumber: 'SG1', inputFlag: 0 }, SenderModel: { ...pkg().SenderModel, prefecture: '入力待ち', city: '入力待ち' } });
    expect(lineState(300, waiting)).toBe('pending');
    expect(lineState(100, waiting)).toBe('pending');
    expect(lineState(900, waiting)).toBe('cancelled');
    expect(lineState(300, pkg({ SocialGiftModel: { inputFlag: 0 } }))).toBe('pending');
    expect(lineState(300, pkg({ SocialGiftModel: { inputFlag: 1 } }))).toBe('awaiting');
    const placeholderOnly = buildSandboxOrder({
      serial: 2,
      orderProgress: 300,
      orderedAt: now,
      orderer: SANDBOX_PEOPLE.yamada,
      packages: [{ sender: SOCIAL_GIFT_WAITING, lines: [{ product: SANDBOX_PRODUCTS.tea, units: 1 }] }],
    });
    expect(mapRakutenOrder(OrderModel.parse(placeholderOnly))[0]!.state).toBe('pending');
  });

  test('recipient: firstName may be null, a null phone part is skipped, text is kept as written', () => {
    const sender = { ...pkg().SenderModel, firstName: null, phoneNumber2: null, subAddress: '〇〇町４丁目２８１ー１０' };
    expect(recipientOf(PackageModel.shape.SenderModel.parse(sender))).toEqual({
      name: '山田',
      phone: '090-5678',
      postalCode: '150-0001',
      address1: '東京都渋谷区',
      address2: '〇〇町４丁目２８１ー１０',
      country: 'JP',
    });
  });
});

describe("the spec's getOrder sample (§7.6)", () => {
  test('maps to two lines: a single-SKU line by itemNumber and a post-migration option line by merchantDefinedSkuId', () => {
    const sample = specSamples('rakuten-rms-api.md', '### 7.6')[0] as { OrderModelList: unknown[] };
    const lines = mapRakutenOrder(OrderModel.parse(sample.OrderModelList[0]));
    expect(lines.map((l) => [l.sellerCode, l.sellerCodeField, l.optionText, l.listingProductId, l.listingOptionId])).toEqual([
      ['TSHIRT-PLAIN', 'itemNumber', '', 'tshirt-plain', 'tshirt-plain'],
      ['CAP01rm', 'merchantDefinedSkuId', 'カラー:レッド\nサイズ:M', 'cap01', 'r-sku00000004'],
    ]);
    expect(lines[0]!.orderedAt).toEqual(new Date('2025-06-01T12:14:05Z'));
    expect(lines[0]!.recipient.name).toBe('佐藤 一郎');
    expect(lines[0]!.mallPackageId).toBe('1234567890');
    expect(lines.every((l) => l.state === 'awaiting')).toBe(true);
  });
});
