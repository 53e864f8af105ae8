/**
 * Redaction of credentials from anything that may be logged or printed (design.md §11).
 *
 * Two nets: every credential value decrypted in this process is remembered and replaced wherever
 * it appears, and known shapes (Authorization headers, bcrypt secrets, `key=value` and JSON fields
 * named like secrets, passwords in URLs) are masked even when the value was never seen.
 */

const REDACTED = '[REDACTED]';

/** Process-wide on purpose: a secret decrypted anywhere must be hidden from every log line. */
const knownSecrets = new Set<string>();

/** Remembers a credential value so that {@link redactText} hides it from then on. */
export function rememberSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 4) {
    knownSecrets.add(value);
    // The forms a secret travels in: base64 (Rakuten ESA header) and URL encoding.
    knownSecrets.add(encodeURIComponent(value));
  }
}

const SECRET_KEY_NAME = /secret|password|passwd|token|authorization|licen[cs]e_?key|credential|signature|sign$/i;

const PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|ESA|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  [/\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{22,53}/g, REDACTED],
  [
    /\b(client_secret_sign|client_secret|access_token|licenseKey|serviceSecret|applicationSecret|password|token|secret)=([^&\s"',;]+)/gi,
    `$1=${REDACTED}`,
  ],
  [
    /"(client_secret_sign|client_secret|access_token|licenseKey|serviceSecret|applicationSecret|password|authorization|token)"\s*:\s*"[^"]*"/gi,
    `"$1":"${REDACTED}"`,
  ],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]+):[^@\s/]+@/gi, `$1:${REDACTED}@`],
];

/** Returns `text` with every remembered secret and every secret-shaped substring masked. */
export function redactText(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * Deep copy of `value` with secret-named fields masked and every string passed through
 * {@link redactText}. Errors become `{name, message, stack, …}`; cycles and depth are bounded.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value.length > 10_000 ? `${value.slice(0, 10_000)}… (${value.length} characters)` : value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    if (value.stack) out.stack = redactText(value.stack);
    for (const [k, v] of Object.entries(value)) {
      if (k === 'request' || k === 'response' || k === 'options' || k === 'timings') continue;
      out[k] = SECRET_KEY_NAME.test(k) ? REDACTED : redactValue(v, depth + 1, seen);
    }
    if (value.cause !== undefined) out.cause = redactValue(value.cause, depth + 1, seen);
    return out;
  }
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY_NAME.test(k) && v !== null && v !== undefined && typeof v !== 'boolean' ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}

/** Shows the shape of a credential without its value: `7dMv…XX (22 chars)`. */
export function maskSecret(value: string): string {
  // Short values show only their length: a few visible characters would be most of the secret.
  if (value.length < 16) return `${'*'.repeat(Math.min(value.length, 8))} (${value.length} chars)`;
  return `${value.slice(0, 4)}…${value.slice(-2)} (${value.length} chars)`;
}
