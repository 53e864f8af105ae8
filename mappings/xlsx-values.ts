/**
 * How xlsx values become the text a person sees: numbers as plain digits, date serials as ISO
 * dates, cell references as column indexes, and OOXML `_xHHHH_` escapes decoded.
 */

const MS_PER_DAY = 86_400_000;
/** Excel shows 15 significant digits; a double's last digits are noise to a person. */
const EXCEL_DIGITS = 15;
/** Excel's widest sheet: XFD. */
export const MAX_COLUMNS = 16_384;

/**
 * The text a person sees for a number used as a code: integers as plain digits (`123450`, never
 * `123450.0` or `1.2345E+5`); other numbers rounded to Excel's 15 significant digits and written
 * in the shortest plain decimal form (`0.1`, `0.0000001`, never an exponent).
 */
export function numberText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return integerText(value);
  const rounded = Number(value.toPrecision(EXCEL_DIGITS));
  return Number.isInteger(rounded) ? integerText(rounded) : plainDecimal(String(rounded));
}

function integerText(value: number): string {
  if (Object.is(value, -0)) return '0';
  return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
}

/** Rewrites JavaScript's exponent form (`1.5e-7`) as plain digits (`0.00000015`). */
function plainDecimal(text: string): string {
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign = '', lead = '', rest = '', exp = '0'] = match;
  const digits = lead + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * An Excel date serial as ISO text: `2024-01-02` for whole days, `2024-01-02T13:45:00` with a time,
 * `13:45:00` for a time alone (serial below 1). Follows Excel's 1900 system (serial 60 is its
 * phantom 1900-02-29) or the 1904 system when the workbook says so. Milliseconds only when present.
 */
export function excelSerialToIso(serial: number, date1904: boolean): string {
  const totalMs = Math.round(serial * MS_PER_DAY);
  const days = Math.floor(totalMs / MS_PER_DAY);
  const msOfDay = totalMs - days * MS_PER_DAY;
  const time = timeText(msOfDay);
  if (!date1904 && days === 0) return time;
  let date: string;
  if (date1904) {
    date = isoDate(Date.UTC(1904, 0, 1) + days * MS_PER_DAY);
  } else if (days === 60) {
    date = '1900-02-29';
  } else {
    const epoch = days < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
    date = isoDate(epoch + days * MS_PER_DAY);
  }
  return msOfDay === 0 ? date : `${date}T${time}`;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function timeText(msOfDay: number): string {
  const iso = new Date(msOfDay).toISOString(); // 1970-01-01THH:MM:SS.mmmZ
  return msOfDay % 1000 === 0 ? iso.slice(11, 19) : iso.slice(11, 23);
}

/**
 * The 0-based column of a cell reference (`A1` → 0, `AB12` → 27, `$C$3` → 2), or `undefined`
 * when the reference has no valid column letters or lies past column XFD.
 */
export function columnIndex(ref: string): number | undefined {
  let col = 0;
  let letters = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i);
    if (code === 0x24 /* $ */ && letters === 0) continue;
    const upper = code >= 0x61 && code <= 0x7a ? code - 0x20 : code;
    if (upper < 0x41 || upper > 0x5a) break;
    col = col * 26 + (upper - 0x40);
    if (++letters > 3) return undefined;
  }
  if (letters === 0 || col > MAX_COLUMNS) return undefined;
  return col - 1;
}

/** The letters of a 0-based column index (0 → `A`, 27 → `AB`). */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(0x41 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

const ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

/**
 * Decodes OOXML's `_xHHHH_` escapes as Excel does (`_x000D_` → CR, `_x005F_` → `_`, so
 * `_x005F_x000D_` stays the literal text `_x000D_`). Surrogate pairs come as two escapes.
 */
export function decodeOoxmlEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
