/**
 * CSV bytes → text, with the encoding detected rather than asked for. Korean Excel saves "CSV" in
 * CP949 and "CSV UTF-8" with a BOM; "Unicode text" is UTF-16LE with a BOM.
 *
 * - A BOM decides: EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE.
 * - Otherwise ASCII is passed on as it comes (it reads the same in UTF-8 and CP949), and the first
 *   non-ASCII byte decides: the window of up to 64 KiB from there is strict UTF-8 (a sequence cut
 *   at the window's end does not count against it) → UTF-8, else CP949. So a file whose first
 *   thousand rows are ASCII codes and whose Hangul comes later is still read right.
 * - CP949 is decoded with iconv-lite (`cp949`): Node's TextDecoder('euc-kr') mangles the extension
 *   range (똠, 쓩…).
 * - Bytes invalid in the chosen encoding are an error, never a silent U+FFFD.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';
import { SheetFileProblem } from './sheet-reader-errors.js';

/** The encodings a CSV upload may be in. */
export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'cp949';

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
    const encoding: CsvEncoding = isUtf8(completeUtf8Prefix(bytes, atEnd)) ? 'utf-8' : 'cp949';
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

function sinkFor(encoding: CsvEncoding, startOffset: number): TextSink {
  if (encoding === 'cp949') return cp949Sink(startOffset);
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

function cp949Sink(startOffset: number): TextSink {
  const decoder = iconv.getDecoder('cp949');
  let offset = startOffset;
  const check = (text: string, bytes: number): string => {
    if (text.includes('\uFFFD')) {
      throw new SheetFileProblem(
        `The file is neither UTF-8 nor CP949 (EUC-KR) text (invalid bytes after byte ${offset.toLocaleString('en-US')}); ` +
          'open it in Excel and save it again as CSV UTF-8 (쉼표로 분리), or as .xlsx.',
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
