import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
/** `../shared/specs` beside the repository (present on every machine and in CI). */
export const SPECS_DIR = path.resolve(here, '../../../shared/specs');

/**
 * The JSON sample payloads printed under one heading of a spec, in order.
 * `heading` is the start of the heading text, e.g. `'### 10.3'` or `'### 7.6'`.
 */
export function specSamples(specFile: string, heading: string): unknown[] {
  const text = fs.readFileSync(path.join(SPECS_DIR, specFile), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  if (start < 0) throw new Error(`${specFile}: no heading ${heading}`);
  const level = /^#+/.exec(heading)![0].length;
  const out: unknown[] = [];
  let block: string[] | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const h = /^(#+)\s/.exec(line);
    if (h && h[1]!.length <= level && block === null) break;
    if (block === null && line.trim() === '```json') block = [];
    else if (block !== null && line.trim() === '```') {
      out.push(JSON.parse(block.join('\n')));
      block = null;
    } else if (block !== null) block.push(line);
  }
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Differences between the shape of `actual` and the spec's `sample`: every field of the sample
 * must be present with the same JSON type (a `null` in the sample accepts any type, since the
 * spec prints null for "not set"), and `actual` must not carry fields the sample lacks unless
 * listed in `extraAllowed` (dotted paths, `[]` for array elements). Arrays compare their
 * elements against the sample's first element.
 */
export function shapeDifferences(sample: unknown, actual: unknown, extraAllowed: string[] = [], at = ''): string[] {
  const st = typeOf(sample);
  const at2 = typeOf(actual);
  if (st === 'null') return [];
  if (st !== at2) return [`${at || '(root)'}: expected ${st}, got ${at2}`];
  if (st === 'array') {
    const s = (sample as unknown[])[0];
    if (s === undefined) return [];
    return (actual as unknown[]).flatMap((a) => shapeDifferences(s, a, extraAllowed, `${at}[]`));
  }
  if (st !== 'object') return [];
  const so = sample as Record<string, unknown>;
  const ao = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(so)) {
    const p = at ? `${at}.${k}` : k;
    if (!(k in ao)) out.push(`${p}: missing`);
    else out.push(...shapeDifferences(so[k], ao[k], extraAllowed, p));
  }
  for (const k of Object.keys(ao)) {
    const p = at ? `${at}.${k}` : k;
    if (!(k in so) && !extraAllowed.includes(p)) out.push(`${p}: not in the spec's sample`);
  }
  return out;
}
