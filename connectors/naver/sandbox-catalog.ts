import { NAVER_SANDBOX_PRODUCTS, NAVER_SANDBOX_TSHIRT_OPTIONS } from './sandbox-orders.js';

/**
 * The sandbox shop's products as the product API holds them (spec §6.2): the catalogue the
 * scenario's orders come from (sandbox-orders.ts: same origin product numbers, option ids and
 * codes), with stock, option prices and sale states that stock sync reads and writes.
 */

/** One combination option. */
export interface SandboxOption {
  id: number;
  optionName1: string;
  optionName2: string;
  stockQuantity: number;
  price: number;
  sellerManagerCode: string;
  usable: boolean;
}

/** One add-on product (추가상품): its id is an order line's `optionCode`, but option-stock does not set it. */
export interface SandboxSupplement {
  id: number;
  groupName: string;
  name: string;
  price: number;
  stockQuantity: number;
  sellerManagementCode: string;
  usable: boolean;
}

/** One origin product as the sandbox keeps it. */
export interface SandboxProduct {
  originProductNo: string;
  channelProductNo: string;
  name: string;
  sellerManagementCode: string;
  salePrice: number;
  statusType: 'SALE' | 'OUTOFSTOCK' | 'SUSPENSION';
  /** Without options: the product's stock. With options: the sum of the options' stock (kept up to date). */
  stockQuantity: number;
  /** null: a product without options. */
  options: SandboxOption[] | null;
  useStockManagement: boolean;
  supplements: SandboxSupplement[];
  /** 즉시할인, kept as is by stock writes that do not send one. */
  discount: { value: number; unitType: 'WON' | 'PERCENT' } | null;
}

/** Sale state after a stock change (UNCERTAIN, spec §13.7: the sandbox revives OUTOFSTOCK when stock returns). */
export function settleStatus(p: SandboxProduct): void {
  if (p.options) p.stockQuantity = p.options.reduce((sum, o) => sum + o.stockQuantity, 0);
  if (p.statusType === 'SUSPENSION') return;
  p.statusType = p.stockQuantity > 0 ? 'SALE' : 'OUTOFSTOCK';
}

/**
 * The catalogue at start: the T-shirt with five combination options (one with an option price,
 * one out of stock, one no longer usable and one without a seller code, as sellers leave them)
 * and an add-on gift wrap; the mug, socks, gift set and plate without options.
 */
export function sandboxCatalog(): SandboxProduct[] {
  const o = NAVER_SANDBOX_TSHIRT_OPTIONS;
  const option = (opt: { productOption: string; optionCode: string; optionManageCode: string }, stockQuantity: number, price: number, usable = true): SandboxOption => {
    const [color = '', size = ''] = opt.productOption.split(' / ').map((part) => part.split(': ')[1] ?? part);
    return { id: Number(opt.optionCode), optionName1: color, optionName2: size, stockQuantity, price, sellerManagerCode: opt.optionManageCode, usable };
  };
  const plain = (p: (typeof NAVER_SANDBOX_PRODUCTS)[keyof typeof NAVER_SANDBOX_PRODUCTS], stockQuantity: number): SandboxProduct => ({
    originProductNo: p.originalProductId,
    channelProductNo: p.productId,
    name: p.productName,
    sellerManagementCode: p.sellerProductCode,
    salePrice: p.unitPrice,
    statusType: stockQuantity > 0 ? 'SALE' : 'OUTOFSTOCK',
    stockQuantity,
    options: null,
    useStockManagement: true,
    supplements: [],
    discount: null,
  });
  const t = NAVER_SANDBOX_PRODUCTS.tshirt;
  const tshirt: SandboxProduct = {
    ...plain(t, 0),
    options: [
      option(o.blackM, 10, 0),
      option(o.whiteM, 5, 0),
      option(o.redS, 0, 0),
      option(o.blackL, 3, 1000),
      option({ productOption: '색상: 그레이 / 사이즈: M', optionCode: '41234567895', optionManageCode: 'TS-GRY-M' }, 0, 500, false),
    ],
    supplements: [{ id: 51234567001, groupName: '추가구성', name: '선물 포장', price: 2000, stockQuantity: 100, sellerManagementCode: 'GIFT-WRAP', usable: true }],
    discount: { value: 1000, unitType: 'WON' },
  };
  settleStatus(tshirt);
  const p = NAVER_SANDBOX_PRODUCTS;
  return [tshirt, plain(p.mug, 30), plain(p.socks, 50), plain(p.giftSet, 8), plain(p.plate, 2)];
}

/**
 * The answer of `GET /v2/products/origin-products/{no}` for a product (spec §6.2): not wrapped in
 * an envelope; options under `originProduct.detailAttribute.optionInfo`.
 */
export function originProductJson(p: SandboxProduct): Record<string, unknown> {
  return {
    originProduct: {
      statusType: p.statusType,
      saleType: 'NEW',
      leafCategoryId: '50000830',
      name: p.name,
      detailContent: `<p>${p.name}</p>`,
      images: { representativeImage: { url: `https://shop-phinf.pstatic.net/sandbox/${p.originProductNo}.jpg` } },
      salePrice: p.salePrice,
      stockQuantity: p.stockQuantity,
      deliveryInfo: {
        deliveryType: 'DELIVERY',
        deliveryAttributeType: 'NORMAL',
        deliveryCompany: 'CJGLS',
        deliveryFee: { deliveryFeeType: 'PAID', baseFee: 3000, deliveryFeePayType: 'PREPAID' },
        claimDeliveryInfo: { returnDeliveryFee: 3000, exchangeDeliveryFee: 6000 },
      },
      detailAttribute: {
        afterServiceInfo: { afterServiceTelephoneNumber: '02-000-0000', afterServiceGuideContent: '고객센터로 문의해 주세요.' },
        originAreaInfo: { originAreaCode: '00', content: '국산' },
        sellerCodeInfo: { sellerManagementCode: p.sellerManagementCode },
        minorPurchasable: true,
        ...(p.options
          ? {
              optionInfo: {
                optionCombinationSortType: 'CREATE',
                optionCombinationGroupNames: { optionGroupName1: '색상', optionGroupName2: '사이즈' },
                optionCombinations: p.options.map((o) => ({ ...o })),
                useStockManagement: p.useStockManagement,
              },
            }
          : {}),
        ...(p.supplements.length > 0 ? { supplementProductInfo: { supplementProducts: p.supplements.map((s) => ({ ...s })) } } : {}),
      },
      customerBenefit: p.discount ? { immediateDiscountPolicy: { discountMethod: { ...p.discount } } } : {},
    },
    smartstoreChannelProduct: {
      channelProductName: '',
      storeKeepExclusiveProduct: false,
      naverShoppingRegistration: true,
      channelProductDisplayStatusType: 'ON',
    },
  };
}
