import type { SandboxAddress, SandboxLineSpec, SandboxOrderSpec } from './sandbox-records.js';
import { seededRandom } from '../shared/seeded-random.js';

/**
 * The sandbox's seeded data: the product catalogue, the fixed scenario N1–N9 that the demo and
 * the end-to-end tests depend on (keep codes, names, option texts and quantities as they are),
 * and a seeded generator of extra orders for volume tests.
 */

/** A product of the sandbox shop; option products list their options. */
interface CatalogProduct {
  productName: string;
  sellerProductCode: string;
  originalProductId: string;
  productId: string;
  unitPrice: number;
}

const product = (p: CatalogProduct) => p;

/** The sandbox shop's products (origin / channel product numbers are invented). */
export const NAVER_SANDBOX_PRODUCTS = {
  tshirt: product({ productName: '테스트 면 티셔츠', sellerProductCode: 'TS-001', originalProductId: '9812345678', productId: '9876543210', unitPrice: 19_000 }),
  mug: product({ productName: '스마일 머그컵 350ml', sellerProductCode: 'MUG-001', originalProductId: '9812345690', productId: '9876543220', unitPrice: 12_000 }),
  socks: product({ productName: '데일리 양말 3켤레 세트', sellerProductCode: 'SOCK-3P', originalProductId: '9812345701', productId: '9876543230', unitPrice: 9_900 }),
  giftSet: product({ productName: '선물세트 A (머그+양말)', sellerProductCode: 'GIFTSET-A', originalProductId: '9812345712', productId: '9876543240', unitPrice: 25_000 }),
  plate: product({ productName: '핸드메이드 도자기 접시', sellerProductCode: '', originalProductId: '9812345723', productId: '9876543250', unitPrice: 18_000 }),
} as const;

/** The T-shirt's options: label, Naver option id, seller option code ('' = none entered). */
export const NAVER_SANDBOX_TSHIRT_OPTIONS = {
  blackM: { productOption: '색상: 블랙 / 사이즈: M', optionCode: '41234567891', optionManageCode: 'TS-BLK-M' },
  whiteM: { productOption: '색상: 화이트 / 사이즈: M', optionCode: '41234567892', optionManageCode: 'TS-WHT-M' },
  redS: { productOption: '색상: 레드 / 사이즈: S', optionCode: '41234567893', optionManageCode: 'TS-RED-S' },
  blackL: { productOption: '색상: 블랙 / 사이즈: L', optionCode: '41234567894', optionManageCode: '' },
} as const;

type TshirtOption = keyof typeof NAVER_SANDBOX_TSHIRT_OPTIONS;
type SimpleProduct = Exclude<keyof typeof NAVER_SANDBOX_PRODUCTS, 'tshirt'>;

/** A T-shirt line with one of its options. */
export function tshirtLine(option: TshirtOption, quantity: number, extra: Partial<SandboxLineSpec> = {}): SandboxLineSpec {
  const { productName, sellerProductCode, originalProductId, productId, unitPrice } = NAVER_SANDBOX_PRODUCTS.tshirt;
  return { productName, sellerProductCode, originalProductId, productId, unitPrice, ...NAVER_SANDBOX_TSHIRT_OPTIONS[option], quantity, ...extra };
}

/** A line of a product without options (no `optionCode`, no `productOption`). */
export function simpleLine(name: SimpleProduct, quantity: number, extra: Partial<SandboxLineSpec> = {}): SandboxLineSpec {
  const { productName, sellerProductCode, originalProductId, productId, unitPrice } = NAVER_SANDBOX_PRODUCTS[name];
  return { productName, sellerProductCode, originalProductId, productId, unitPrice, quantity, ...extra };
}

/** The scenario's order keys. */
export const SCENARIO_KEYS = ['N1', 'N2', 'N3', 'N4', 'N5', 'N6', 'N7', 'N8', 'N9'] as const;
export type ScenarioKey = (typeof SCENARIO_KEYS)[number];

const H = 3600_000;

function person(name: string, tel: string, zipCode: string, baseAddress: string, detailedAddress: string): SandboxAddress {
  return { name, tel, zipCode, baseAddress, detailedAddress };
}

/**
 * The fixed scenario, dated relative to `now` (all orders within the last 48 h, so a pull of the
 * last two days crosses a 24 h window boundary):
 * - N1 (now − 46 h): T-shirt 블랙/M `TS-BLK-M` ×2, PAYED/NOT_YET.
 * - N2 (now − 40 h): T-shirt 화이트/M `TS-WHT-M` ×1 + mug `MUG-001` ×1, both PAYED/OK.
 * - N3 (now − 30 h): socks `SOCK-3P` ×2. N4 (now − 22 h): gift set `GIFTSET-A` ×1.
 * - N5 (now − 16 h): T-shirt 레드/S `TS-RED-S` ×1 (a code nobody registers).
 * - N6 (now − 10 h): T-shirt 블랙/L with an option but empty optionManageCode ×1 (sellerCode null).
 * - N7 (now − 6 h): mug `MUG-001` ×1 + plate with empty sellerProductCode ×1.
 * - N8 (now − 4 h): mug ×1, cancelled at now − 3 h (CANCELED, CANCEL/CANCEL_DONE, remainQuantity 0;
 *   feed: PAYED then CLAIM_COMPLETED).
 * - N9 (now − 2 h): socks ×1, cancel requested at now − 1 h (PAYED/NOT_YET, CANCEL/CANCEL_REQUEST;
 *   feed: PAYED then CLAIM_REQUESTED).
 * All other lines are PAYED/NOT_YET unless noted.
 */
export function scenarioOrders(now: Date): Array<{ key: ScenarioKey; spec: SandboxOrderSpec }> {
  const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * H);
  const order = (key: ScenarioKey, hoursAgo: number, buyer: SandboxAddress, lines: SandboxLineSpec[], recipient = buyer) => ({
    key,
    spec: { orderedAt: at(hoursAgo), buyer: { name: buyer.name, tel: buyer.tel }, recipient, lines, shippingMemo: '문 앞에 놓아주세요' },
  });
  return [
    order('N1', 46, person('김민준', '010-2481-3690', '06236', '서울특별시 강남구 테헤란로 123', '4층 401호'), [tshirtLine('blackM', 2)]),
    order('N2', 40, person('이서연', '010-3579-1122', '03925', '서울특별시 마포구 월드컵북로 396', '12층 1203호'), [
      tshirtLine('whiteM', 1, { placeOrderStatus: 'OK' }),
      simpleLine('mug', 1, { placeOrderStatus: 'OK' }),
    ]),
    order('N3', 30, person('박지호', '010-4682-9013', '48058', '부산광역시 해운대구 센텀중앙로 79', '101동 1502호'), [simpleLine('socks', 2)]),
    order(
      'N4',
      22,
      person('최유진', '010-5793-2244', '05551', '서울특별시 송파구 올림픽로 300', '35층'),
      [simpleLine('giftSet', 1)],
      person('정하늘', '010-6804-3355', '47297', '부산광역시 부산진구 중앙대로 672', '5층 502호'),
    ),
    order('N5', 16, person('정도윤', '010-7915-4466', '03154', '서울특별시 종로구 세종대로 175', '2층'), [tshirtLine('redS', 1)]),
    order('N6', 10, person('강서윤', '010-8026-5577', '48306', '부산광역시 수영구 광안해변로 219', '1203호'), [tshirtLine('blackL', 1)]),
    order('N7', 6, person('윤하준', '010-9137-6688', '04320', '서울특별시 용산구 한강대로 405', '7층'), [simpleLine('mug', 1), simpleLine('plate', 1)]),
    order('N8', 4, person('임지우', '010-1248-7799', '47879', '부산광역시 동래구 충렬대로 237', '8층 801호'), [
      simpleLine('mug', 1, { productOrderStatus: 'CANCELED', remainQuantity: 0, claim: { type: 'CANCEL', status: 'CANCEL_DONE', at: at(3) } }),
    ]),
    order('N9', 2, person('한예린', '010-2359-8800', '07335', '서울특별시 영등포구 여의대로 108', '파크원 타워1 20층'), [
      simpleLine('socks', 1, { claim: { type: 'CANCEL', status: 'CANCEL_REQUEST', at: at(1) } }),
    ]),
  ];
}


const FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오'];
const GIVEN = ['민수', '지은', '현우', '수빈', '예준', '하은', '도현', '서아', '시우', '지안', '유나', '건우'];
const STREETS: Array<[string, string]> = [
  ['06164', '서울특별시 강남구 영동대로 513'],
  ['04524', '서울특별시 중구 세종대로 110'],
  ['07807', '서울특별시 강서구 마곡중앙로 161'],
  ['02841', '서울특별시 성북구 안암로 145'],
  ['48099', '부산광역시 해운대구 해운대해변로 264'],
  ['46241', '부산광역시 금정구 부산대학로 63번길 2'],
  ['49000', '부산광역시 영도구 태종로 727'],
  ['47545', '부산광역시 연제구 중앙대로 1001'],
];

/**
 * `count` random orders for volume tests, ordered between `from` and `to` (UTC instants), all
 * PAYED/NOT_YET with 1–3 lines drawn from the codes the scenario's mappable orders use
 * (`TS-BLK-M`, `TS-WHT-M`, `MUG-001`, `SOCK-3P`, `GIFTSET-A`), quantities 1–3. Deterministic for a
 * seed. Orders are returned in time order.
 */
export function randomOrders(seed: number, count: number, from: Date, to: Date): SandboxOrderSpec[] {
  const rnd = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const makers: Array<(q: number) => SandboxLineSpec> = [
    (q) => tshirtLine('blackM', q),
    (q) => tshirtLine('whiteM', q),
    (q) => simpleLine('mug', q),
    (q) => simpleLine('socks', q),
    (q) => simpleLine('giftSet', q),
  ];
  const span = Math.max(0, to.getTime() - from.getTime());
  const out: SandboxOrderSpec[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${pick(FAMILY)}${pick(GIVEN)}`;
    const tel = `010-${String(1000 + Math.floor(rnd() * 9000))}-${String(1000 + Math.floor(rnd() * 9000))}`;
    const [zipCode, baseAddress] = pick(STREETS);
    const lineCount = 1 + Math.floor(rnd() * 3);
    const used = new Set<number>();
    const lines: SandboxLineSpec[] = [];
    for (let j = 0; j < lineCount; j++) {
      const k = Math.floor(rnd() * makers.length);
      if (used.has(k)) continue; // one line per product option, as a checkout merges repeats
      used.add(k);
      lines.push(makers[k]!(1 + Math.floor(rnd() * 3)));
    }
    out.push({
      orderedAt: new Date(from.getTime() + Math.floor(rnd() * span)),
      buyer: { name, tel },
      recipient: { name, tel, zipCode, baseAddress, detailedAddress: `${1 + Math.floor(rnd() * 20)}층 ${100 + Math.floor(rnd() * 900)}호` },
      lines,
    });
  }
  return out.sort((a, b) => a.orderedAt.getTime() - b.orderedAt.getTime());
}
