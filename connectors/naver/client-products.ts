import type { NaverSend } from './client.js';
import {
  MultiUpdateAnswer,
  MultiUpdateRequest,
  OptionStockAnswer,
  OptionStockRequest,
  OriginProductAnswer,
  ProductSearchAnswer,
} from './schemas.js';

/** The product-API calls of stock sync and the connection test (spec §6.2, §6.3); HTTP only. */
export interface NaverProductCalls {
  /** `GET v2/products/origin-products/{originProductNo}` (spec §6.2). A read: retried. */
  originProduct(originProductNo: number): Promise<OriginProductAnswer>;
  /**
   * `PUT v1/products/origin-products/{originProductNo}/option-stock` (spec §6.3). The body must
   * carry every option: Naver saves an omitted stock or price as 0. Not repeated on 5xx or a lost answer.
   */
  updateOptionStock(originProductNo: number, body: OptionStockRequest): Promise<OptionStockAnswer>;
  /** `PATCH v1/products/origin-products/multi-update` with `STOCK` (spec §6.3). Not repeated on 5xx or a lost answer. */
  multiUpdateStock(body: MultiUpdateRequest): Promise<MultiUpdateAnswer>;
  /** `POST v1/products/search` (spec §6.2): a read (retried) used to prove the 상품 API group. */
  searchProducts(page: number, size: number): Promise<ProductSearchAnswer>;
}

/** The calls of {@link NaverProductCalls} over `send`. */
export function productCalls(send: NaverSend): NaverProductCalls {
  const json = { 'content-type': 'application/json' };
  return {
    originProduct(originProductNo) {
      return send({ call: 'origin-product', method: 'GET', path: `v2/products/origin-products/${originProductNo}`, idempotent: true }, OriginProductAnswer);
    },

    updateOptionStock(originProductNo, body) {
      const checked = OptionStockRequest.parse(body);
      return send(
        { call: 'option-stock', method: 'PUT', path: `v1/products/origin-products/${originProductNo}/option-stock`, headers: json, body: JSON.stringify(checked), idempotent: false },
        OptionStockAnswer,
      );
    },

    multiUpdateStock(body) {
      const checked = MultiUpdateRequest.parse(body);
      return send(
        { call: 'multi-update', method: 'PATCH', path: 'v1/products/origin-products/multi-update', headers: json, body: JSON.stringify(checked), idempotent: false },
        MultiUpdateAnswer,
      );
    },

    searchProducts(page, size) {
      return send(
        { call: 'products/search', method: 'POST', path: 'v1/products/search', headers: json, body: JSON.stringify({ page, size }), idempotent: true },
        ProductSearchAnswer,
      );
    },
  };
}
