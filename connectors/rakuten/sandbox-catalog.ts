/**
 * What the sandbox's orders are made of: the products of the scenario (spec §7.6, §8 cases 1–4)
 * and the people they go to (kanji, kana, Japanese addresses with full-width digits, as real
 * payloads have). Keep codes, names and option texts exactly: the demo and the tests depend on them.
 */

/** The sandbox shop (design.md §8 `--shop-id`; order numbers start with it). */
export const SANDBOX_SHOP_ID = '387654';

/** A person as SenderModel / OrdererModel hold one (kanji, kana, full-width digits in addresses). */
export interface SandboxPerson {
  familyName: string;
  firstName: string | null;
  familyNameKana: string;
  firstNameKana: string | null;
  zipCode1: string;
  zipCode2: string;
  prefecture: string;
  city: string;
  subAddress: string;
  phone: [string | null, string | null, string | null];
}

/** One SKU model as the sandbox writes it. */
export interface SandboxSku {
  variantId: string | null;
  merchantDefinedSkuId: string | null;
  skuInfo: string | null;
}

/** A product as an order line shows it. `SkuModelList: undefined` leaves the field out entirely. */
export interface SandboxProduct {
  itemId: number;
  itemName: string;
  itemNumber: string | null;
  manageNumber: string;
  price: number;
  selectedChoice: string | null;
  SkuModelList?: SandboxSku[] | null | undefined;
}

/** The products of the scenario (spec §7.6, §8 cases 1–4). */
export const SANDBOX_PRODUCTS = {
  /** No options; single SKU whose variantId equals its manageNumber. */
  tea: {
    itemId: 10000011,
    itemName: '静岡県産 緑茶ティーバッグ 50包',
    itemNumber: 'TEA-001',
    manageNumber: 'tea-001',
    price: 1280,
    selectedChoice: null,
    SkuModelList: [{ variantId: 'tea-001', merchantDefinedSkuId: null, skuInfo: null }],
  },
  /** Post-migration option SKU with システム連携用SKU番号, plus a non-SKU option in selectedChoice. */
  capBlackM: {
    itemId: 10000042,
    itemName: 'ベーシックキャップ 帽子 メンズ レディース',
    itemNumber: 'CAP01',
    manageNumber: 'cap01',
    price: 3080,
    selectedChoice: 'ギフトラッピング:希望しない',
    SkuModelList: [{ variantId: 'r-sku00000002', merchantDefinedSkuId: 'CAP01bm', skuInfo: 'カラー:ブラック\nサイズ:M' }],
  },
  /** Pre-migration option line: itemNumber = 商品番号 + child numbers, variant text in selectedChoice. */
  capRedMPre: {
    itemId: 10000042,
    itemName: 'ベーシックキャップ 帽子 メンズ レディース',
    itemNumber: 'CAP01rm',
    manageNumber: 'cap01',
    price: 3080,
    selectedChoice: 'カラー:レッド\nサイズ:M',
    SkuModelList: [{ variantId: '', merchantDefinedSkuId: null, skuInfo: null }],
  },
  towel: {
    itemId: 10000105,
    itemName: '今治タオル ギフトセット',
    itemNumber: 'TOWEL',
    manageNumber: 'towel-gift',
    price: 4400,
    selectedChoice: null,
    SkuModelList: [{ variantId: 'r-sku00000010', merchantDefinedSkuId: 'TOWEL-SET', skuInfo: '箱:ギフトボックス' }],
  },
  /** Post-migration option SKU WITHOUT merchantDefinedSkuId: `HANKY` is the parent, never a code. */
  hanky: {
    itemId: 10000121,
    itemName: '【送料無料】ふわふわ タオルハンカチ 綿100%',
    itemNumber: 'HANKY',
    manageNumber: 'hanky',
    price: 990,
    selectedChoice: null,
    SkuModelList: [{ variantId: 'r-sku00000021', merchantDefinedSkuId: null, skuInfo: 'カラー:ピンク\nサイズ:25cm' }],
  },
  /** The hanky with one trailing half-width space in skuInfo (R6 package B). */
  hankyTrailingSpace: {
    itemId: 10000121,
    itemName: '【送料無料】ふわふわ タオルハンカチ 綿100%',
    itemNumber: 'HANKY',
    manageNumber: 'hanky',
    price: 990,
    selectedChoice: null,
    SkuModelList: [{ variantId: 'r-sku00000021', merchantDefinedSkuId: null, skuInfo: 'カラー:ピンク\nサイズ:25cm ' }],
  },
  /** The hanky with full-width digits ２５ in skuInfo: a near miss nobody registered (R7). */
  hankyFullWidth: {
    itemId: 10000121,
    itemName: '【送料無料】ふわふわ タオルハンカチ 綿100%',
    itemNumber: 'HANKY',
    manageNumber: 'hanky',
    price: 990,
    selectedChoice: null,
    SkuModelList: [{ variantId: 'r-sku00000021', merchantDefinedSkuId: null, skuInfo: 'カラー:ピンク\nサイズ:２５cm' }],
  },
  /** No code at all (itemNumber null), in no name sheet (R8). */
  fukubukuro: {
    itemId: 10000200,
    itemName: '福袋 2026 ランダムセット',
    itemNumber: null,
    manageNumber: 'fukubukuro',
    price: 5500,
    selectedChoice: null,
    SkuModelList: [{ variantId: 'fukubukuro', merchantDefinedSkuId: null, skuInfo: null }],
  },
} satisfies Record<string, SandboxProduct>;

const person = (
  familyName: string,
  firstName: string,
  familyNameKana: string,
  firstNameKana: string,
  zip: string,
  prefecture: string,
  city: string,
  subAddress: string,
  phone: string,
): SandboxPerson => {
  const [zipCode1 = '', zipCode2 = ''] = zip.split('-');
  const [p1 = null, p2 = null, p3 = null] = phone.split('-');
  return { familyName, firstName, familyNameKana, firstNameKana, zipCode1, zipCode2, prefecture, city, subAddress, phone: [p1, p2, p3] };
};

/** Recipients of the scenario and of generated orders. */
export const SANDBOX_PEOPLE = {
  yamada: person('山田', '花子', 'ヤマダ', 'ハナコ', '150-0001', '東京都', '渋谷区', '神宮前１丁目２ー３　テストビル４０５', '090-1234-5678'),
  tanaka: person('田中', '太郎', 'タナカ', 'タロウ', '460-0008', '愛知県', '名古屋市中区', '栄３ー４ー５', '052-123-4567'),
  takahashi: person('高橋', '美咲', 'タカハシ', 'ミサキ', '810-0001', '福岡県', '福岡市中央区', '天神２丁目１ー１　天神ハイツ２０３', '092-711-2345'),
  ito: person('伊藤', '健', 'イトウ', 'ケン', '060-0001', '北海道', '札幌市中央区', '北一条西４ー２ー１', '011-222-3333'),
  watanabe: person('渡辺', 'さくら', 'ワタナベ', 'サクラ', '980-0021', '宮城県', '仙台市青葉区', '中央１ー２ー３　青葉ビル５０１', '022-123-4567'),
  sato: person('佐藤', '一郎', 'サトウ', 'イチロウ', '530-0001', '大阪府', '大阪市北区', '梅田３ー１ー１　サンプルマンション１０２', '06-1234-5678'),
  suzuki: person('鈴木', '花子', 'スズキ', 'ハナコ', '150-0043', '東京都', '渋谷区', '道玄坂１ー２ー３　渋谷コーポ３０２', '03-1234-5678'),
  kobayashi: person('小林', '直樹', 'コバヤシ', 'ナオキ', '220-0012', '神奈川県', '横浜市西区', 'みなとみらい２ー２ー１', '045-123-4567'),
  kato: person('加藤', '由美', 'カトウ', 'ユミ', '600-8216', '京都府', '京都市下京区', '東塩小路町７２１ー１', '075-123-4567'),
  yoshida: person('吉田', '翔', 'ヨシダ', 'ショウ', '730-0011', '広島県', '広島市中区', '基町６ー７８', '082-123-4567'),
  yamamoto: person('山本', '真理', 'ヤマモト', 'マリ', '900-0015', '沖縄県', '那覇市', '久茂地１ー１ー１', '098-123-4567'),
} satisfies Record<string, SandboxPerson>;

/** The dummy ship-to of a social gift whose recipient has not answered yet (spec §3.2). */
export const SOCIAL_GIFT_WAITING: SandboxPerson = {
  familyName: '入力待ち',
  firstName: '入力待ち',
  familyNameKana: 'ニュウリョクマチ',
  firstNameKana: 'ニュウリョクマチ',
  zipCode1: '999',
  zipCode2: '9999',
  prefecture: '入力待ち',
  city: '入力待ち',
  subAddress: '入力待ち',
  phone: ['999', '9999', '9999'],
};
