/**
 * CSV bytes → text, with the encoding detected rather than asked for. Korean Excel saves "CSV" in
 * CP949 and "CSV UTF-8" with a BOM; Japanese Excel saves "CSV" in Shift_JIS (CP932); "Unicode
 * text" is UTF-16LE with a BOM.
 *
 * - A BOM decides: EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE.
 * - Otherwise ASCII is passed on as it comes (it reads the same in every candidate), and the first
 *   non-ASCII byte decides: the window of up to 64 KiB from there is strict UTF-8 (a sequence cut
 *   at the window's end does not count against it) → UTF-8, else {@link legacyEncoding} picks
 *   CP949 or CP932. So a file whose first thousand rows are ASCII codes and whose Hangul or kana
 *   comes later is still read right.
 * - CP949 and CP932 are decoded with iconv-lite (`cp949`, `cp932`, the latter with the NEC/IBM
 *   extensions ①, ㈱, 髙): Node's TextDecoder('euc-kr') mangles CP949's extension range (똠, 쓩…).
 * - Bytes invalid in the chosen encoding are an error, never a silent U+FFFD.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import { SheetFileProblem } from './sheet-reader-errors.js';

/** The encodings a CSV upload may be in. */
export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'cp949' | 'cp932';

const DECIDE_WINDOW = 64 * 1024;

interface TextSink {
  write(bytes: Buffer): string;
  end(): string;
}

/**
 * Decodes CSV bytes chunk by chunk and yields text (the BOM removed). `onEncoding` is told the
 * encoding once it is known (`undefined` at the end means the file was pure ASCII). Throws
 * {@link SheetFileProblem} when bytes are invalid in the detected encoding.
 */
export async function* decodeCsvBytes(
  chunks: AsyncIterable<Buffer>,
  onEncoding?: (encoding: CsvEncoding) => void,
): AsyncGenerator<string> {
  let sink: TextSink | undefined;
  let start: Buffer | undefined = Buffer.alloc(0); // bytes until the BOM question is settled
  let window: Buffer[] = []; // bytes from the first non-ASCII byte, until the encoding is decided
  let windowLength = 0;
  let offset = 0; // bytes consumed before the current chunk, for messages

  const decide = (bytes: Buffer, atEnd: boolean): TextSink => {
    const encoding: CsvEncoding = isUtf8(completeUtf8Prefix(bytes, atEnd)) ? 'utf-8' : legacyEncoding(bytes, atEnd);
    onEncoding?.(encoding);
    return sinkFor(encoding, offset);
  };

  for await (const chunk of chunks) {
    let bytes = chunk;
    if (start) {
      bytes = Buffer.concat([start, chunk]);
      if (bytes.length < 3) {
        start = bytes;
        continue;
      }
      start = undefined;
      const bom = bomEncoding(bytes);
      if (bom) {
        onEncoding?.(bom);
        sink = sinkFor(bom, 0);
      }
    }
    if (sink) {
      yield sink.write(bytes);
      offset += bytes.length;
      continue;
    }
    if (windowLength === 0) {
      const firstHigh = bytes.findIndex((byte) => byte >= 0x80);
      if (firstHigh < 0) {
        offset += bytes.length;
        yield bytes.toString('latin1'); // pure ASCII here
        continue;
      }
      if (firstHigh > 0) yield bytes.subarray(0, firstHigh).toString('latin1');
      offset += firstHigh;
      bytes = bytes.subarray(firstHigh);
    }
    window.push(bytes);
    windowLength += bytes.length;
    if (windowLength >= DECIDE_WINDOW) {
      const held = Buffer.concat(window);
      window = [];
      sink = decide(held, false);
      yield sink.write(held);
      offset += held.length;
    }
  }

  if (start && start.length > 0) {
    const bom = bomEncoding(start);
    if (bom) {
      onEncoding?.(bom);
      sink = sinkFor(bom, 0);
      yield sink.write(start);
    } else if (start.every((byte) => byte < 0x80)) {
      yield start.toString('latin1');
    } else {
      window.push(start);
    }
  }
  if (!sink && window.length > 0) {
    const held = Buffer.concat(window);
    sink = decide(held, true);
    yield sink.write(held);
  }
  if (sink) yield sink.end();
}

function bomEncoding(bytes: Buffer): CsvEncoding | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * The bytes without a trailing UTF-8 sequence that the window cut short (unless `atEnd`, where a
 * cut sequence is a real error).
 */
export function completeUtf8Prefix(bytes: Buffer, atEnd: boolean): Buffer {
  if (atEnd) return bytes;
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? bytes.subarray(0, bytes.length - back) : bytes;
  }
  return bytes;
}

/**
 * CP949 (Korean Excel) or CP932 (Shift_JIS, Japanese Excel) for a window that is not UTF-8.
 * "Clean" below means iconv-lite decodes the window without U+FFFD (no invalid or unassigned
 * sequence; a lead byte cut at the end of a window that is not the file's end does not count).
 *
 * The byte ranges. CP949: KS X 1001 pairs have lead and trail 0xA1–0xFE (가 B0 A1, and every
 * common Hangul syllable: lead 0xB0–0xC8); the extension range has lead 0x81–0xC6 and trail
 * 0x41–0x5A, 0x61–0x7A, 0x81–0xA0 (똠 8C 63, 뷁 94 EE, 햏 C1 64, 쀍 97 CD). Shift_JIS/CP932: lead
 * 0x81–0x9F or 0xE0–0xFC, trail 0x40–0x7E or 0x80–0xFC; single bytes 0xA1–0xDF are half-width
 * katakana (ｶﾗｰ); lead 0x81–0x83 holds full-width punctuation (、。・ー【】「」, the full-width
 * space), hiragana (82 9F–F1) and katakana (83 40–96).
 *
 * 1. Only one decodes cleanly → that one. Japanese sheets are usually not valid CP949: a trail
 *    0x40, 0x5B–0x60 or 0x7B–0x80 (the full-width space 81 40, ー 81 5B, タ 83 5E), a lead from
 *    0xE0 with a trail below 0xA1, or a half-width katakana before a comma is invalid there.
 * 2. Both clean (short or kanji-only text; 在庫数 and 띪뚆릶 are the same bytes) → CP949 when the
 *    window has at least one KS X 1001 pair read as CP949 (a common Hangul syllable, hanja or
 *    symbol: every Korean sheet has them, its Korean headers first of all); CP932 when it has none
 *    and at least one double-byte Shift_JIS character (kanji, kana, punctuation). Text made only of
 *    extension-range syllables (똠, 뷁, 쀍 alone, valid CP932 as 慶 誹 力) is therefore read as
 *    Japanese — no real Korean sheet is written in those alone, while kanji-only Japanese sheets
 *    (a stock sheet headed 在庫数) are common. Half-width katakana alone (햏햏 = ﾁdﾁd) stays CP949.
 * 3. Neither clean (e.g. 0x80, 0xFF, a lead byte before a control character) → CP949, whose decoder
 *    refuses the file with a message naming UTF-8, CP949 and Shift_JIS.
 *
 * What stays ambiguous is read as CP949: a Japanese file whose first 64 KiB holds a pair that
 * looks like KS X 1001 (髙 FB FC, two half-width katakana in a row) shows Hangul; saving it as CSV
 * UTF-8 avoids that.
 */
export function legacyEncoding(bytes: Buffer, atEnd: boolean): 'cp949' | 'cp932' {
  const cp949 = decodesCleanly(bytes, 'cp949', atEnd);
  const cp932 = decodesCleanly(bytes, 'cp932', atEnd);
  if (cp949 && cp932) return ksX1001Pairs(bytes) === 0 && shiftJisPairs(bytes) > 0 ? 'cp932' : 'cp949';
  return cp932 ? 'cp932' : 'cp949';
}

/** Pairs read as CP949 (valid CP949 assumed: each byte from 0x80 leads a pair) with lead and trail 0xA1–0xFE. */
function ksX1001Pairs(bytes: Buffer): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) continue;
    const trail = bytes[i + 1] ?? 0;
    if (lead >= 0xa1 && lead <= 0xfe && trail >= 0xa1 && trail <= 0xfe) count++;
    i++;
  }
  return count;
}

/** Double-byte pairs read as Shift_JIS (valid CP932 assumed): kanji, kana, full-width punctuation. */
function shiftJisPairs(bytes: Buffer): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80 || (lead >= 0xa1 && lead <= 0xdf)) continue; // ASCII or half-width katakana
    count++;
    i++;
  }
  return count;
}

function decodesCleanly(bytes: Buffer, encoding: 'cp949' | 'cp932', atEnd: boolean): boolean {
  const decoder = iconv.getDecoder(encoding);
  // write() keeps a lead byte left at the end for the next chunk; only end() turns it into U+FFFD.
  const text = decoder.write(bytes) + (atEnd ? (decoder.end() ?? '') : '');
  return !text.includes('\uFFFD');
}

function sinkFor(encoding: CsvEncoding, startOffset: number): TextSink {
  if (encoding === 'cp949' || encoding === 'cp932') return iconvSink(encoding, startOffset);
  const decoder = new TextDecoder(encoding, { fatal: true });
  const what = encoding === 'utf-8' ? 'UTF-8' : 'UTF-16';
  const guard = (fn: () => string): string => {
    try {
      return fn();
    } catch (err) {
      throw new SheetFileProblem(
        `The file starts as ${what} text but later contains bytes that are not ${what} (mixed encodings); ` +
          'open it in Excel and save it again as CSV UTF-8 (쉼표로 분리), or as .xlsx.',
        { cause: err },
      );
    }
  };
  return {
    write: (bytes) => guard(() => decoder.decode(bytes, { stream: true })),
    end: () => guard(() => decoder.decode()),
  };
}

function iconvSink(encoding: 'cp949' | 'cp932', startOffset: number): TextSink {
  const decoder = iconv.getDecoder(encoding);
  let offset = startOffset;
  const check = (text: string, bytes: number): string => {
    if (text.includes('\uFFFD')) {
      throw new SheetFileProblem(
        `The file is neither UTF-8 nor CP949 (EUC-KR) nor Shift_JIS (CP932) text (invalid bytes after byte ${offset.toLocaleString('en-US')}); ` +
          'open it in Excel and save it again as CSV UTF-8 (쉼표로 분리 / コンマ区切り), or as .xlsx.',
      );
    }
    offset += bytes;
    return text;
  };
  return {
    write: (bytes) => check(decoder.write(bytes), bytes.length),
    end: () => check(decoder.end() ?? '', 0),
  };
}
