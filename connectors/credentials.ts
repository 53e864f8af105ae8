import { NaverCredentials } from './naver/credentials.js';
import { RakutenCredentials } from './rakuten/credentials.js';
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
