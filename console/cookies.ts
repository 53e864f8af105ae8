/** Cookies without a plugin: parse the request header, write `Set-Cookie` values. */

/** The cookies of a `Cookie` header (first value of a name wins; values URI-decoded when valid). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (name in out) continue;
    const value = part.slice(i + 1).trim();
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      out[name] = value;
    }
  }
  return out;
}

/** Attributes of a cookie the console sets. */
export interface CookieOptions {
  /** Seconds; 0 deletes the cookie; undefined = a browser-session cookie. */
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
}

/** A `Set-Cookie` value: `Path=/`, `SameSite=Lax`, and the options given. */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  if (options.httpOnly) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
