import { got, type Got } from 'got';
import { tokenRequestForm } from '../../connectors/naver/auth.js';
import { createNaverConnector, type NaverConnector } from '../../connectors/naver/index.js';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { ConfirmAnswer, DispatchAnswer, DispatchRequest, OptionStockRequest } from '../../connectors/naver/schemas.js';
import { silentLogger } from '../../lib/logger.js';
import { toKstIsoMillis } from '../../lib/time.js';
import { shapeDifferences, specSamples } from '../helpers/spec-samples.js';

/**
 * The write side against the spec's samples (§10.4 confirm, §10.5 dispatch request and result,
 * §10.7 option-stock request): the sandbox's answers and the connector's requests, over real HTTP,
 * have the samples' fields with the samples' JSON types, and our schemas read the samples.
 */

const SPEC = 'naver-commerce-api.md';
const [confirmSample] = specSamples(SPEC, '### 10.4');
const [dispatchRequestSample, dispatchResultSample] = specSamples(SPEC, '### 10.5');
const [optionStockSample] = specSamples(SPEC, '### 10.7');

let sandbox: NaverSandbox;
let connector: NaverConnector;
let http: Got;
let bearer: Record<string, string>;

beforeAll(async () => {
  sandbox = await startNaverSandbox();
  connector = createNaverConnector({
    shop: { id: 1, mall: 'naver', mallShopId: 'contract', apiBaseUrl: sandbox.baseUrl, rateLimitPerSec: 0, autoOrderConfirm: false },
    credentials: sandbox.credentials,
    logger: silentLogger(),
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
  http = got.extend({ prefixUrl: sandbox.baseUrl, throwHttpErrors: false, retry: { limit: 0 } });
  const res = await http.post('v1/oauth2/token', { body: tokenRequestForm(sandbox.credentials, Date.now() - 3000).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  bearer = { authorization: `Bearer ${(JSON.parse(res.body) as { access_token: string }).access_token}` };
});
afterAll(async () => {
  await connector.close();
  await sandbox.close();
});

const lastBody = (path: string) => [...sandbox.requests].reverse().find((r) => r.path === `/external/${path}` && r.method !== 'GET')!.body;

describe('§10.4 confirm result', () => {
  test('a partial failure has the sample shape', async () => {
    const res = await http.post('v1/pay-order/seller/product-orders/confirm', {
      headers: bearer,
      json: { productOrderIds: [sandbox.scenario.N1.productOrderIds[0], sandbox.scenario.N9.productOrderIds[0]] },
    });
    expect(res.statusCode).toBe(200);
    expect(shapeDifferences(confirmSample, JSON.parse(res.body))).toEqual([]);
  });

  test('our schema reads the sample', () => {
    expect(ConfirmAnswer.parse(confirmSample).data.failProductOrderInfos![0]).toMatchObject({ code: '104442' });
  });
});

describe('§10.5 dispatch', () => {
  test("the connector's request has the sample shape", async () => {
    const n2 = sandbox.scenario.N2;
    const results = await connector.sendTracking([
      { mallOrderId: n2.orderId, mallPackageId: '', mallLineIds: n2.productOrderIds, trackingNumber: 'QSP0000123456', carrierCode: 'QXPRESS', shippedAt: new Date(Date.now() - 60_000) },
    ]);
    expect(results).toEqual([{ key: `${n2.orderId}/`, outcome: 'done', permanent: false }]);
    const body = lastBody('v1/pay-order/seller/product-orders/dispatch') as { dispatchProductOrders: Array<{ dispatchDate: string }> };
    expect(shapeDifferences(dispatchRequestSample, body)).toEqual([]);
    expect(DispatchRequest.safeParse(body).success).toBe(true);
    expect(body.dispatchProductOrders[0]!.dispatchDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+09:00$/);
  });

  test('a partial failure has the sample shape', async () => {
    const [main, other] = sandbox.scenario.N7.productOrderIds as [string, string];
    await http.post('v1/pay-order/seller/product-orders/confirm', { headers: bearer, json: { productOrderIds: [main, other] } });
    const item = (productOrderId: string, trackingNumber: string) => ({ productOrderId, deliveryMethod: 'DELIVERY', deliveryCompanyCode: 'CJGLS', trackingNumber, dispatchDate: toKstIsoMillis(new Date()) });
    const res = await http.post('v1/pay-order/seller/product-orders/dispatch', { headers: bearer, json: { dispatchProductOrders: [item(main, '600012345678'), item(other, 'QX-12')] } });
    expect(res.statusCode).toBe(200);
    const answer = JSON.parse(res.body) as { data: { failProductOrderInfos: Array<{ code: string }> } };
    expect(shapeDifferences(dispatchResultSample, answer)).toEqual([]);
    expect(answer.data.failProductOrderInfos[0]!.code).toBe('104122');
  });

  test('our schemas read both samples', () => {
    expect(DispatchRequest.safeParse(dispatchRequestSample).success).toBe(true);
    expect(DispatchAnswer.parse(dispatchResultSample).data.successProductOrderIds).toEqual(['2025030432918801']);
  });
});

describe('§10.7 option-stock request', () => {
  test("the connector's request has the sample shape and carries every option", async () => {
    const [result] = await connector.pushStock([{ listingProductId: '9812345678', listingOptionId: '41234567891', quantity: 12 }]);
    expect(result).toEqual({ key: '9812345678/41234567891', outcome: 'done', permanent: false });
    const body = lastBody('v1/products/origin-products/9812345678/option-stock') as { optionInfo: { optionCombinations: unknown[] } };
    expect(shapeDifferences(optionStockSample, body)).toEqual([]);
    expect(body.optionInfo.optionCombinations).toHaveLength(5);
    expect(OptionStockRequest.safeParse(optionStockSample).success).toBe(true);
  });
});
