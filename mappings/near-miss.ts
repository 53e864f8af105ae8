import type { NameKey } from '../data/stores/catalog.js';

/**
 * Loose form of a text for near-miss suggestions only (never for mapping): NFKC (full-width ↔
 * half-width), lower case, no whitespace at all. design.md §4: near misses are offered, never
 * applied.
 */
export function loose(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/** Up to `max` registered codes that equal `code` once width, case and spaces are ignored. */
export function codeSuggestions(code: string, registered: readonly string[], max = 3): string[] {
  const target = loose(code);
  return registered.filter((c) => c !== code && loose(c) === target).slice(0, max);
}

/**
 * Up to `max` registered name + option keys close to `key`: the same once width, case and
 * spaces are ignored, or else the same product name with another option.
 */
export function nameSuggestions(key: NameKey, registered: readonly NameKey[], max = 3): NameKey[] {
  const p = loose(key.productName);
  const o = loose(key.optionText);
  const same = registered.filter((r) => loose(r.productName) === p && loose(r.optionText) === o && (r.productName !== key.productName || r.optionText !== key.optionText));
  const sameProduct = registered.filter((r) => loose(r.productName) === p && !same.includes(r));
  return [...same, ...sameProduct].slice(0, max);
}
