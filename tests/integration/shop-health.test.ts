import { startNaverSandbox, type NaverSandbox } from '../../connectors/naver/sandbox.js';
import { startRakutenSandbox, type RakutenSandbox } from '../../connectors/rakuten/sandbox.js';
import { findShopById } from '../../data/stores/shops.js';
import { testShop } from '../../pipelines/shop-test.js';
import { dialects, type TestDb } from '../helpers/databases.js';
import { pipelineFixture, sandboxShop } from '../helpers/pipeline.js';
import type { PipelineDeps } from '../../pipelines/deps.js';

/**
 * `shops test` / `credentials:check` and the authentication back-off (design.md §7, issue 18):
 * only a marketplace refusing the credentials counts as an authentication failure. An outage or a
 * wrong URL makes the shop unhealthy and says why, but never pauses its scheduled runs.
 */
describe.each(dialects())('shop health on %s', (dialect) => {
  let naver: NaverSandbox;
  let rakuten: RakutenSandbox;
  let t: TestDb;
  let deps: PipelineDeps;

  beforeAll(async () => {
    naver = await startNaverSandbox();
    rakuten = await startRakutenSandbox();
    ({ t, deps } = await pipelineFixture(dialect));
  });
  afterAll(async () => {
    await naver.close();
    await rakuten.close();
    await t.drop();
  });

  test.each(['naver', 'rakuten'] as const)('%s: connection refused twice → unhealthy, 0 authentication failures; a refused secret → 1', async (mall) => {
    const sandbox = mall === 'naver' ? naver : rakuten;
    const down = await sandboxShop(deps, { seller: 's', mall, shopId: `${mall}-down`, baseUrl: mall === 'naver' ? 'http://127.0.0.1:1/external' : 'http://127.0.0.1:1', credentials: sandbox.credentials });
    for (let i = 0; i < 2; i++) expect((await testShop(deps, down)).ok).toBe(false);
    const after = (await findShopById(t.db.knex, down.id))!;
    expect([after.health, after.authFailures]).toEqual(['unhealthy', 0]);
    expect(after.healthMessage).toBeTruthy();

    const wrong = mall === 'naver' ? { ...naver.credentials, applicationSecret: '$2a$04$abcdefghijklmnopqrstuu' } : { ...rakuten.credentials, licenseKey: 'SL000000_wrongwrongwrong' };
    const refused = await sandboxShop(deps, { seller: 's', mall, shopId: `${mall}-refused`, baseUrl: sandbox.baseUrl, credentials: wrong });
    expect((await testShop(deps, refused)).ok).toBe(false);
    const r = (await findShopById(t.db.knex, refused.id))!;
    expect([r.health, r.authFailures]).toEqual(['unhealthy', 1]);
  });
});
