/**
 * The columns of each sheet kind and the header texts that name them (design.md §4a). Header
 * cells are compared after trimming, exactly.
 */
export interface ColumnSpec<K extends string = string> {
  key: K;
  aliases: readonly string[];
  required: boolean;
}

export const SKU_COLUMNS = [
  { key: 'sku_code', aliases: ['sku_code', 'SKU코드', 'SKU 코드'], required: true },
  { key: 'sku_name', aliases: ['sku_name', '상품명', 'SKU명'], required: true },
  { key: 'option_name', aliases: ['option_name', '옵션명'], required: false },
  { key: 'seller_code', aliases: ['seller_code', '판매자 정의 코드', '판매자정의코드', 'SKU 판매자 관리 코드'], required: false },
  { key: 'quantity', aliases: ['quantity', '수량'], required: false },
  { key: 'barcode', aliases: ['barcode', '바코드'], required: false },
] as const satisfies readonly ColumnSpec[];

export const NAME_COLUMNS = [
  { key: 'mall', aliases: ['mall', '쇼핑몰'], required: true },
  { key: 'product_name', aliases: ['product_name', '상품명'], required: true },
  { key: 'option_text', aliases: ['option_text', '옵션값'], required: false },
  { key: 'sku_code', aliases: ['sku_code', 'SKU코드', 'SKU 코드'], required: true },
  { key: 'quantity', aliases: ['quantity', '수량'], required: false },
] as const satisfies readonly ColumnSpec[];

export type SkuColumnKey = (typeof SKU_COLUMNS)[number]['key'];
export type NameColumnKey = (typeof NAME_COLUMNS)[number]['key'];

/** Stock sheets (`stock import`): the warehouse's absolute counts (design.md §4a). */
export const STOCK_COLUMNS = [
  { key: 'sku_code', aliases: ['sku_code', 'SKU코드', 'SKU 코드'], required: true },
  { key: 'on_hand', aliases: ['on_hand', '재고', '재고수량', '在庫数'], required: true },
] as const satisfies readonly ColumnSpec[];

/** Shipment sheets (`shipments import`): tracking numbers from the warehouse (design.md §4a). */
export const SHIPMENT_COLUMNS = [
  { key: 'tracking_number', aliases: ['tracking_number', '송장번호', '운송장번호', '送り状番号'], required: true },
  { key: 'fulfillment_order_id', aliases: ['fulfillment_order_id'], required: false },
  { key: 'mall_order_id', aliases: ['mall_order_id', '주문번호', '注文番号'], required: false },
  { key: 'mall_package_id', aliases: ['mall_package_id', 'basketId'], required: false },
  { key: 'carrier', aliases: ['carrier', '택배사', '配送会社'], required: false },
  { key: 'shipped_at', aliases: ['shipped_at', '출고일', '발송일', '出荷日'], required: false },
] as const satisfies readonly ColumnSpec[];

export type StockColumnKey = (typeof STOCK_COLUMNS)[number]['key'];
export type ShipmentColumnKey = (typeof SHIPMENT_COLUMNS)[number]['key'];

/**
 * The columns of the error list `--errors-out` writes (design.md §8). A sheet with this header is
 * our own error list, not a seller's data (an error xlsx carries it as its second sheet).
 */
export const ERROR_LIST_COLUMNS = ['row', 'column', 'value', 'reason', 'message'] as const;
