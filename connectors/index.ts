import type { ConnectorContext, OrderSource } from './shared/connector.js';
import { NaverCredentials } from './naver/credentials.js';
import { RakutenCredentials } from './rakuten/credentials.js';
import { createNaverConnector } from './naver/index.js';
import { createRakutenConnector } from './rakuten/index.js';
import { InputError, type Mall } from '../lib/errors.js';

/**
 * Validates a credentials object against its mall's schema.
 *
 * @throws InputError with every field problem, naming the field.
 */
export function parseCredentials(mall: Mall, value: unknown): NaverCredentials | RakutenCredentials {
  const schema = mall === 'naver' ? NaverCredentials : RakutenCredentials;
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.message.includes(String(i.path[0] ?? '')) ? i.message : `${i.path.join('.') || 'file'}: ${i.message}`));
    throw new InputError(`credentials for ${mall}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The connector of the shop's marketplace. */
export function createConnector(ctx: ConnectorContext<NaverCredentials | RakutenCredentials>): OrderSource {
  if (ctx.shop.mall === 'naver') return createNaverConnector(ctx as ConnectorContext<NaverCredentials>);
  return createRakutenConnector(ctx as ConnectorContext<RakutenCredentials>);
}
