/**
 * Contract test: the sandbox's answers over real HTTP, held against the spec's sample payloads
 * (specs/rakuten-rms-api.md §7): same fields, same JSON types. A `null` in a sample accepts any
 * type; where the sandbox writes null for a field the sample shows filled, the field is listed in
 * NULLABLE_BY_SPEC with the spec's reason. No extra fields are allowed except the ones listed.
 */
import got, { type Response } from 'got';
import { rakutenHeaders } from '../../connectors/rakuten/auth.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { toRakutenDatetime } from '../../lib/time.js';
import { shapeDifferences, specSamples } from '../helpers/spec-samples.js';

const spec = (heading: string) => specSamples('rakuten-rms-api.md', heading);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Fields the sandbox may write as null where the §7.6 sample shows a value, each nullable per the
 * spec: the three datetimes of an order still in 100 (§3.2 "(nullable)"), and `itemNumber` of the
 * 福袋 line R8 (§3.2 "String? 商品番号 (nullable!)").
 */
const NULLABLE_BY_SPEC = [
  'OrderModelList[].shopOrderCfmDatetime',
  'OrderModelList[].orderFixDatetime',
  'OrderModelList[].shippingInstDatetime',
  'OrderModelList[].PackageModelList[].ItemModelList[].itemNumber',
];

/** shapeDifferences, less the nulls the spec allows. */
function differences(sample: unknown, actual: unknown, extraAllowed: string[] = []): string[] {
  return shapeDifferences(sample, actual, extraAllowed).filter((d) => {
    const m = /^(.*): expected \w+, got null$/.exec(d);
    return !(m && NULLABLE_BY_SPEC.includes(m[1]!));
  });
}

let sandbox: RakutenSandbox;
const now = new Date();

beforeAll(async () => {
  sandbox = await startRakutenSandbox({ now: () => now });
});
afterAll(async () => {
  await sandbox.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = rakutenHeaders(sandbox.credentials)): Promise<Response<string>> {
  return got.post(`${sandbox.baseUrl}/${path}`, { headers, body: typeof body === 'string' ? body : JSON.stringify(body), throwHttpErrors: false, retry: { limit: 0 } });
}

function searchBody(from: Date, to: Date, extra: Record<string, unknown> = {}) {
  return {
    dateType: 1,
    startDatetime: toRakutenDatetime(from),
    endDatetime: toRakutenDatetime(to),
    orderProgressList: [300],
    PaginationRequestModel: { requestRecordsAmount: 1000, requestPage: 1, SortModelList: [{ sortColumn: 1, sortDirection: 1 }] },
    ...extra,
  };
}

describe('searchOrder against spec §7.2–§7.4', () => {
  test('§7.2 success: same shape, answered as application/json;charset=utf-8', async () => {
    const res = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - 3 * DAY), now));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    const body = JSON.parse(res.body) as { orderNumberList: string[]; PaginationResponseModel: { totalRecordsAmount: number } };
    expect(differences(spec('### 7.2')[0], body)).toEqual([]);
    expect(body.orderNumberList).toEqual(['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8'].map((l) => sandbox.scenario[l as 'R1']));
    expect(body.PaginationResponseModel.totalRecordsAmount).toBe(8);
  });

  test('§7.3 no hits: INFO_102, [] and null pagination fields', async () => {
    const res = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - 20 * DAY), new Date(now.getTime() - 10 * DAY)));
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(differences(spec('### 7.3')[0], body)).toEqual([]);
    expect(body).toEqual(spec('### 7.3')[0]);
  });

  test.each(['2026-03-01T00:00:00Z', '2026-03-01T00:00:00+09:00', '2026-03-01T00:00:00.000+0900', '2026-03-01 00:00:00+0900', '2026-03-01T00:00:00'])(
    '§7.4 validation error: %s is refused with ERROR_011 and null lists',
    async (bad) => {
      const res = await post('es/2.0/order/searchOrder/', { ...searchBody(new Date(now.getTime() - DAY), now), startDatetime: bad });
      expect(res.statusCode).toBe(400);
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(differences(spec('### 7.4')[0], body)).toEqual([]);
      expect(body).toEqual(spec('### 7.4')[0]);
    },
  );

  test('missing dateType → ERROR_009; window rules and page size → ERROR entries; 1000 per page is fine', async () => {
    const { dateType: _omit, ...noDateType } = searchBody(new Date(now.getTime() - DAY), now);
    const missing = await post('es/2.0/order/searchOrder/', noDateType);
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body).MessageModelList[0]).toEqual({
      messageType: 'ERROR',
      messageCode: 'ORDER_EXT_API_SEARCH_ORDER_ERROR_009',
      message: 'dateTypeの項目を指定して下さい。',
    });
    const long = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - 64 * DAY), now));
    expect(long.statusCode).toBe(400);
    const ok63 = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - 63 * DAY), now));
    expect(ok63.statusCode).toBe(200);
    const old = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - 731 * DAY), new Date(now.getTime() - 700 * DAY)));
    expect(old.statusCode).toBe(400);
    const big = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - DAY), now, { PaginationRequestModel: { requestRecordsAmount: 1001, requestPage: 1 } }));
    expect(big.statusCode).toBe(400);
    for (const res of [long, old, big]) {
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(differences(spec('### 7.4')[0], body)).toEqual([]);
    }
  });
});

describe('getOrder against spec §7.6', () => {
  test('every scenario order has the sample order\'s fields and types', async () => {
    const numbers = Object.values(sandbox.scenario);
    const res = await post('es/2.0/order/getOrder/', { orderNumberList: numbers, version: 10 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    const body = JSON.parse(res.body) as { OrderModelList: Array<{ orderNumber: string }>; version: number };
    expect(body.OrderModelList.map((o) => o.orderNumber)).toEqual(numbers);
    expect(body.version).toBe(10);
    expect(differences(spec('### 7.6')[0], body)).toEqual([]);
  });

  test('not found: 200, INFO_102 with the orderNumber, OrderModelList [] (spec §7.6 note)', async () => {
    const res = await post('es/2.0/order/getOrder/', { orderNumberList: ['387654-20250101-0000000001'], version: 10 });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({
      MessageModelList: [
        { messageType: 'INFO', messageCode: 'ORDER_EXT_API_GET_ORDER_INFO_102', message: '受注情報が取得できませんでした。', orderNumber: '387654-20250101-0000000001' },
      ],
      version: 10,
      OrderModelList: [],
    });
  });

  test('version is required (ERROR_009), 1 and 2 are refused, below 7 there is no SkuModelList; more than 100 numbers are refused', async () => {
    const n = sandbox.scenario.R2;
    const missing = await post('es/2.0/order/getOrder/', { orderNumberList: [n] });
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body).MessageModelList[0].messageCode).toBe('ORDER_EXT_API_GET_ORDER_ERROR_009');
    for (const v of [1, 2]) expect((await post('es/2.0/order/getOrder/', { orderNumberList: [n], version: v })).statusCode).toBe(400);
    const v6 = JSON.parse((await post('es/2.0/order/getOrder/', { orderNumberList: [n], version: 6 })).body);
    expect(v6.OrderModelList[0].PackageModelList[0].ItemModelList[0].SkuModelList).toBeUndefined();
    const v7 = JSON.parse((await post('es/2.0/order/getOrder/', { orderNumberList: [n], version: '7' })).body);
    expect(v7.OrderModelList[0].PackageModelList[0].ItemModelList[0].SkuModelList[0].merchantDefinedSkuId).toBe('CAP01bm');
    const tooMany = Array.from({ length: 101 }, (_, i) => `387654-20250101-${String(i).padStart(10, '0')}`);
    expect((await post('es/2.0/order/getOrder/', { orderNumberList: tooMany, version: 10 })).statusCode).toBe(400);
  });
});

describe('gateway errors against spec §7.10', () => {
  test('a wrong key pair: 401 ES01-01 Un-Authorised, exactly the sample', async () => {
    const res = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - DAY), now), rakutenHeaders({ ...sandbox.credentials, licenseKey: 'SL387654_wrong' }));
    expect(res.statusCode).toBe(401);
    expect(differences(spec('### 7.10')[0], JSON.parse(res.body))).toEqual([]);
    expect(JSON.parse(res.body)).toEqual(spec('### 7.10')[0]);
  });

  test('API function not enabled: 400 ES04-01 Bad Request, exactly the sample', async () => {
    sandbox.setApiFunctionEnabled(false);
    try {
      const res = await post('es/2.0/order/getOrder/', { orderNumberList: [sandbox.scenario.R1], version: 10 });
      expect(res.statusCode).toBe(400);
      expect(JSON.parse(res.body)).toEqual(spec('### 7.10')[1]);
    } finally {
      sandbox.setApiFunctionEnabled(true);
    }
  });

  test('no charset: 415 ES04-03 in the gateway shape', async () => {
    const res = await post('es/2.0/order/searchOrder/', searchBody(new Date(now.getTime() - DAY), now), {
      ...rakutenHeaders(sandbox.credentials),
      'content-type': 'application/json',
    });
    expect(res.statusCode).toBe(415);
    expect(differences(spec('### 7.10')[0], JSON.parse(res.body))).toEqual([]);
    expect(JSON.parse(res.body)).toEqual({ Results: { errorCode: 'ES04-03', message: 'Unsupported Media Type' } });
  });
});
