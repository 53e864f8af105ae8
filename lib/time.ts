/**
 * Time helpers. Marketplaces speak KST/JST (+09:00, no daylight saving); the database stores
 * UTC as `YYYY-MM-DD HH:MM:SS.mmm` text-compatible DATETIME(3) on both dialects (design.md §3).
 */

const KST_OFFSET_MS = 9 * 3600_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Wall-clock parts of `date` in KST (UTC+9). */
function kstParts(date: Date) {
  const k = new Date(date.getTime() + KST_OFFSET_MS);
  return {
    y: k.getUTCFullYear(),
    mo: pad(k.getUTCMonth() + 1),
    d: pad(k.getUTCDate()),
    h: pad(k.getUTCHours()),
    mi: pad(k.getUTCMinutes()),
    s: pad(k.getUTCSeconds()),
    ms: pad(k.getUTCMilliseconds(), 3),
  };
}

/** Naver's format: `2025-03-04T09:58:41.000+09:00` (KST, milliseconds always present). */
export function toKstIsoMillis(date: Date): string {
  const p = kstParts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.${p.ms}+09:00`;
}

/** Rakuten order API's format: `2025-06-01T21:14:05+0900` (JST, no milliseconds, no colon). */
export function toRakutenDatetime(date: Date): string {
  const p = kstParts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}+0900`;
}

/** `YYYY-MM-DD` of `date` in KST. */
export function kstDate(date: Date): string {
  const p = kstParts(date);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** 00:00 KST of a `YYYY-MM-DD` day, as an instant. */
export function kstDayStart(day: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - KST_OFFSET_MS;
  const back = new Date(t + KST_OFFSET_MS);
  if (back.getUTCDate() !== Number(m[3]) || back.getUTCMonth() !== Number(m[2]) - 1) {
    throw new RangeError(`not a calendar date: ${day}`);
  }
  return new Date(t);
}

const OFFSET_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses an ISO 8601 time that carries an offset (`Z`, `+09:00` or Rakuten's `+0900`).
 * Returns undefined for anything else, including times without an offset.
 */
export function parseOffsetTime(text: string): Date | undefined {
  const m = OFFSET_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s = '0', frac = '0', off] = m;
  let offsetMin = 0;
  if (off !== 'Z') {
    const sign = off!.startsWith('-') ? -1 : 1;
    const digits = off!.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  // Every field must exist as written: no 30 February, no 25:00, no +25:00 (Date.UTC would roll them over).
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || Math.abs(offsetMin) > 14 * 60 || Number(off!.slice(-2)) > 59) return undefined;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(local);
  if (check.getUTCFullYear() !== Number(y) || check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  const date = new Date(local - offsetMin * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** UTC `YYYY-MM-DD HH:MM:SS.mmm`: what both dialects store in DATETIME(3) columns. */
export function toDbTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** Reads a DATETIME(3) value back (a UTC string; a Date or epoch ms from drivers that convert). */
export function fromDbTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const text = String(value);
  return new Date(`${text.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'}`);
}
