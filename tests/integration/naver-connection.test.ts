import { createNaverConnector, type NaverConnector } from '../../connectors/naver/index.js';
import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import type { ConnectorContext } from '../../connectors/shared/connector.js';
import type { NaverCredentials } from '../../connectors/naver/credentials.js';
import { silentLogger } from '../../lib/logger.js';

/** testConnection against the sandbox: one sentence per cause a seller can act on (design.md §1). */

let t: number;
const open: Array<{ close(): Promise<void> }> = [];

async function sandboxOf(now = () => new Date(t)): Promise<NaverSandbox> {
  const sandbox = await startNaverSandbox({ now });
  open.push(sandbox);
  return sandbox;
}

function connectorOf(sandbox: NaverSandbox, over: Partial<ConnectorContext<NaverCredentials>> = {}, apiBaseUrl = sandbox.baseUrl): NaverConnector {
  const connector = createNaverConnector({
    shop: { id: 1, mall: 'naver', mallShopId: 'sandbox-store', apiBaseUrl, rateLimitPerSec: 0, autoOrderConfirm: false },
    credentials: sandbox.credentials,
    logger: silentLogger(),
    retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
    now: () => new Date(t),
    ...over,
  });
  open.push(connector);
  return connector;
}

beforeEach(() => {
  t = Date.UTC(2026, 2, 4, 3, 0, 0);
});
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

describe('testConnection', () => {
  test('ok: token, order feed and product search all answer', async () => {
    const sandbox = await sandboxOf();
    const result = await connectorOf(sandbox).testConnection();
    expect(result).toEqual({ ok: true, message: expect.stringMatching(/^Connected to Naver: .*The product API \(상품\) answers too\.$/) });
    expect(sandbox.received.map((r) => r.route)).toEqual(['token', 'feed', 'product-search']);
  });

  test('the 상품 API group missing keeps ok (orders work) but says stock sync needs it', async () => {
    const sandbox = await sandboxOf();
    sandbox.setProductApiEnabled(false);
    const result = await connectorOf(sandbox).testConnection();
    expect(result.ok).toBe(true);
    expect(result.message).toContain("stock sync will fail until the API group '상품' is added");
  });

  test('a base URL that is not the API (404 GW.NOT_FOUND on the token call) is named as such', async () => {
    const sandbox = await sandboxOf();
    const wrong = sandbox.baseUrl.replace(/\/external$/, '/partner');
    const result = await connectorOf(sandbox, {}, wrong).testConnection();
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(new RegExp(`^The API base URL ${wrong.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} does not lead to the Naver Commerce API \\(the token call answered 404 GW.NOT_FOUND\\)`));
    expect(result.message).not.toMatch(/secret/);
  });

  test('a wrong secret names the secret; a clock 10 minutes off names the clock', async () => {
    const sandbox = await sandboxOf();
    const wrong = await connectorOf(sandbox, { credentials: { ...sandbox.credentials, applicationSecret: '$2a$04$QKLnou1D2cSH19Pia30bcu' } }).testConnection();
    expect(wrong).toEqual({ ok: false, authRefused: true, message: expect.stringMatching(/^Naver refused the application ID or secret: the secret does not match the application ID/) });
    const ahead = await sandboxOf(() => new Date(t + 10 * 60_000));
    const clock = await connectorOf(ahead).testConnection();
    expect(clock).toEqual({ ok: false, authRefused: true, message: expect.stringMatching(/this server's clock is more than 5 minutes off/) });
  });

  test('rate limited: at most 3 attempts, then the sentence', async () => {
    const sandbox = await sandboxOf();
    sandbox.addFault({ kind: '429', times: Infinity });
    const result = await connectorOf(sandbox).testConnection();
    expect(result).toEqual({ ok: false, authRefused: false, message: expect.stringMatching(/^Naver is limiting this application's calls \(GW.RATE_LIMIT\)/) });
    expect(sandbox.received.filter((r) => r.route === 'token')).toHaveLength(3);
  });
});
