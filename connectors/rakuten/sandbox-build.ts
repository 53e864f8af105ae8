/**
 * Builds full getOrder OrderModels for the sandbox: every field of the spec's §7.6 sample
 * (version 10), with realistic defaults around what a test cares about.
 */
import { kstDate, toRakutenDatetime } from '../../lib/time.js';
import type { OrderModel } from './schemas.js';
import { SANDBOX_SHOP_ID, type SandboxPerson, type SandboxProduct } from './sandbox-catalog.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** One line of a sandbox order: a product and how many. */
export interface SandboxLineInput {
  product: SandboxProduct;
  units: number;
}

/** One destination (basket) of a sandbox order. */
export interface SandboxPackageInput {
  sender: SandboxPerson;
  lines: SandboxLineInput[];
  /** Social gift (version 10): `inputFlag` 0 while the recipient has not entered the address. */
  socialGift?: { inputFlag: 0 | 1 };
}

/** What {@link buildSandboxOrder} needs; everything else gets realistic defaults. */
export interface SandboxOrderInput {
  serial: number;
  orderProgress: OrderModel['orderProgress'];
  orderedAt: Date;
  orderer: SandboxPerson;
  packages: SandboxPackageInput[];
  orderNumber?: string;
}

/** `387654-YYYYMMDD-00000NNNNN`: shop id, JST order date, 10-digit serial (spec §3.2). */
export function sandboxOrderNumber(orderedAt: Date, serial: number): string {
  return `${SANDBOX_SHOP_ID}-${kstDate(orderedAt).replaceAll('-', '')}-${String(serial).padStart(10, '0')}`;
}

/** The address and name fields SenderModel and OrdererModel share (spec §3.2). */
function personFields(p: SandboxPerson) {
  return {
    zipCode1: p.zipCode1,
    zipCode2: p.zipCode2,
    prefecture: p.prefecture,
    city: p.city,
    subAddress: p.subAddress,
    familyName: p.familyName,
    firstName: p.firstName,
    familyNameKana: p.familyNameKana,
    firstNameKana: p.firstNameKana,
    phoneNumber1: p.phone[0],
    phoneNumber2: p.phone[1],
    phoneNumber3: p.phone[2],
  };
}

function sender(p: SandboxPerson) {
  return { ...personFields(p), isolatedIslandFlag: 0 };
}

function orderer(p: SandboxPerson, serial: number) {
  return {
    ...personFields(p),
    emailAddress: `${serial.toString(16).padStart(32, '0')}s1@pc.fw.rakuten.ne.jp`,
    sex: '女',
    birthYear: 1990,
    birthMonth: 4,
    birthDay: 12,
  };
}

function item(line: SandboxLineInput, itemDetailId: number) {
  const p = line.product;
  const hasOptions = (p.SkuModelList?.[0]?.skuInfo ?? p.selectedChoice ?? '') !== '';
  return {
    itemDetailId,
    itemName: p.itemName,
    itemId: p.itemId,
    itemNumber: p.itemNumber,
    manageNumber: p.manageNumber,
    price: p.price,
    units: line.units,
    includePostageFlag: 1,
    includeTaxFlag: 1,
    includeCashOnDeliveryPostageFlag: 0,
    selectedChoice: p.selectedChoice,
    pointRate: 1,
    pointType: 0,
    inventoryType: hasOptions ? 2 : 1,
    delvdateInfo: '1～2営業日以内に発送',
    restoreInventoryFlag: 0,
    dealFlag: 0,
    drugFlag: 0,
    deleteItemFlag: 0,
    taxRate: 0.1,
    priceTaxIncl: p.price,
    isSingleItemShipping: 0,
    ...(p.SkuModelList === undefined ? {} : { SkuModelList: p.SkuModelList === null ? null : p.SkuModelList.map((s) => ({ ...s })) }),
  };
}

/**
 * A complete OrderModel as getOrder version 10 writes it (every field of spec §7.6), with
 * `basketId` = 1 000 000 000 + serial × 10 + package index and `itemDetailId` =
 * 2 000 000 000 + serial × 100 + line index, so ids are stable for a given serial.
 */
export function buildSandboxOrder(input: SandboxOrderInput): OrderModel {
  const at = new Date(Math.floor(input.orderedAt.getTime() / 1000) * 1000);
  const confirmed = input.orderProgress >= 200;
  const fixed = input.orderProgress >= 300;
  let lineNo = 0;
  const packages = input.packages.map((pkg, i) => {
    const items = pkg.lines.map((l) => item(l, 2_000_000_000 + input.serial * 100 + lineNo++));
    const goods = items.reduce((sum, it) => sum + it.price * it.units, 0);
    return {
      basketId: 1_000_000_000 + input.serial * 10 + i,
      postagePrice: 0,
      postageTaxRate: 0.1,
      deliveryPrice: 0,
      deliveryTaxRate: 0.1,
      goodsPrice: goods,
      totalPrice: goods,
      noshi: null,
      packageDeleteFlag: 0,
      defaultDeliveryCompanyCode: '1001',
      dropOffFlag: 0,
      dropOffLocation: null,
      SenderModel: sender(pkg.sender),
      ItemModelList: items,
      ShippingModelList: [],
      DeliveryCvsModel: null,
      SocialGiftModel: pkg.socialGift
        ? {
            sgMngNumber: `SG${String(input.serial).padStart(10, '0')}${i}`,
            inputDueDate: kstDate(new Date(at.getTime() + 7 * DAY)),
            inputFlag: pkg.socialGift.inputFlag,
            inputCompDatetime: pkg.socialGift.inputFlag === 1 ? toRakutenDatetime(new Date(at.getTime() + HOUR)) : null,
            receiverEmailAddress: null,
          }
        : null,
    };
  });
  const total = packages.reduce((sum, p) => sum + p.goodsPrice, 0);
  const tax = Math.floor((total * 10) / 110);
  const time = (offsetMs: number, when: boolean) => (when ? toRakutenDatetime(new Date(at.getTime() + offsetMs)) : null);
  return {
    orderNumber: input.orderNumber ?? sandboxOrderNumber(at, input.serial),
    orderProgress: input.orderProgress,
    subStatusId: null,
    subStatusName: null,
    orderDatetime: toRakutenDatetime(at),
    shopOrderCfmDatetime: time(10 * 60_000, confirmed),
    orderFixDatetime: time(15 * 60_000, fixed),
    shippingInstDatetime: time(15 * 60_000, fixed),
    shippingCmplRptDatetime: null,
    cancelDueDate: kstDate(new Date(at.getTime() + 365 * DAY)),
    deliveryDate: null,
    shippingTerm: 0,
    remarks: '',
    giftCheckFlag: 0,
    socialGiftFlag: input.packages.some((p) => p.socialGift) ? 1 : 0,
    severalSenderFlag: input.packages.length > 1 ? 1 : 0,
    equalSenderFlag: input.packages.length === 1 && input.packages[0]?.sender === input.orderer ? 1 : 0,
    isolatedIslandFlag: 0,
    rakutenMemberFlag: 1,
    carrierCode: 0,
    emailCarrierCode: 0,
    orderType: 1,
    reserveNumber: null,
    reserveDeliveryCount: null,
    cautionDisplayType: 0,
    cautionDisplayDetailType: null,
    rakutenConfirmFlag: 0,
    goodsPrice: total,
    postagePrice: 0,
    deliveryPrice: 0,
    paymentCharge: 0,
    paymentChargeTaxRate: 0.1,
    totalPrice: total,
    requestPrice: total,
    couponAllTotalPrice: 0,
    couponShopPrice: 0,
    couponOtherPrice: 0,
    additionalFeeOccurAmountToUser: 0,
    additionalFeeOccurAmountToShop: 0,
    asurakuFlag: 0,
    drugFlag: 0,
    dealFlag: 0,
    membershipType: 0,
    memo: null,
    operator: null,
    mailPlugSentence: null,
    modifyFlag: 0,
    receiptIssueCount: 0,
    receiptIssueHistoryList: [],
    deliveryCertPrgFlag: 0,
    oneDayOperationFlag: 0,
    OrdererModel: orderer(input.orderer, input.serial),
    SettlementModel: {
      settlementMethodCode: 1,
      settlementMethod: 'クレジットカード',
      rpaySettlementFlag: 1,
      cardName: 'VISA',
      cardNumber: 'XXXX-XXXX-XXXX-1234',
      cardOwner: 'RAKUTEN TARO',
      cardYm: '2028-09',
      cardPayType: 0,
      cardInstallmentDesc: null,
    },
    DeliveryModel: { deliveryName: '宅配便', deliveryClass: 0 },
    PointModel: { usedPoint: 0 },
    WrappingModel1: null,
    WrappingModel2: null,
    PackageModelList: packages,
    CouponModelList: [],
    ChangeReasonModelList: [],
    TaxSummaryModelList: [{ taxRate: 0.1, reqPrice: total, reqPriceTax: tax, totalPrice: total, paymentCharge: 0, couponPrice: 0, point: 0 }],
    DueDateModelList: [],
  };
}
