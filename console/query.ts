import type { FastifyRequest } from 'fastify';
import { InputError } from '../lib/errors.js';
import { translator } from './i18n.js';

/**
 * The query parameter `name` of a request as one text (undefined when absent). Every route reads
 * its query parameters here: a repeated one (`?q=a&q=b`, which Fastify parses to an array) is a
 * 400 with a sentence, never an array flowing into code that expects a text.
 *
 * @throws InputError when the parameter is given more than once.
 */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined || typeof value === 'string') return value;
  const t = request.t ?? translator('ko');
  throw new InputError(t('queryRepeated', { name }));
}
