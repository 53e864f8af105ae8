import type { Connector, ConnectorContext } from './shared/connector.js';
import type { NaverCredentials } from './naver/credentials.js';
import type { RakutenCredentials } from './rakuten/credentials.js';
import { createNaverConnector } from './naver/index.js';
import { createRakutenConnector } from './rakuten/index.js';

export { parseCredentials } from './credentials.js';

/** The connector (read and write sides) of the shop's marketplace. */
export function createConnector(ctx: ConnectorContext<NaverCredentials | RakutenCredentials>): Connector {
  if (ctx.shop.mall === 'naver') return createNaverConnector(ctx as ConnectorContext<NaverCredentials>);
  return createRakutenConnector(ctx as ConnectorContext<RakutenCredentials>);
}
