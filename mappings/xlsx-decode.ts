/**
 * Bytes of one xlsx part → text, safely. exceljs 4.4 decodes every zip chunk on its own
 * (`TextDecoder.decode(chunk)` without `{stream: true}`), so a UTF-8 sequence cut by a chunk
 * boundary becomes U+FFFD (exceljs issues #2063, #2084). Here one streaming decoder spans the
 * whole part, and invalid bytes are an error rather than a silent U+FFFD. (The zip-bomb guard
 * counts the bytes before they get here: xlsx-limits.ts.)
 */
import { TextDecoder } from 'node:util';
import { SheetFileProblem } from './sheet-reader-errors.js';

/** Bytes as the zip (or a temp file) hands them out. */
export type ByteChunks = AsyncIterable<Buffer | Uint8Array | string>;

/**
 * Decodes an XML part chunk by chunk with one streaming decoder (UTF-8, or UTF-16 when the part
 * starts with its byte-order mark), yielding text chunks. Throws {@link SheetFileProblem} when the
 * bytes are not valid in the encoding.
 */
export async function* decodeXmlChunks(chunks: ByteChunks, part: string): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let pending: Buffer | undefined; // the first bytes, until there are enough to see a BOM
  try {
    for await (const chunk of chunks) {
      if (typeof chunk === 'string') {
        yield chunk;
        continue;
      }
      let bytes: Uint8Array = chunk;
      if (!decoder) {
        pending = pending ? Buffer.concat([pending, bytes]) : Buffer.from(bytes);
        if (pending.length < 3) continue;
        decoder = decoderFor(pending);
        bytes = pending;
        pending = undefined;
      }
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    }
    if (!decoder && pending) decoder = decoderFor(pending);
    const tail = decoder ? decoder.decode(pending ?? new Uint8Array(0)) : '';
    if (tail) yield tail;
  } catch (err) {
    // Matched by code: TextDecoder's TypeError may come from another realm (e.g. under jest).
    if ((err as { code?: unknown } | undefined)?.code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw new SheetFileProblem(
        `The workbook's ${part} contains bytes that are not valid text; the file looks damaged. ` +
          'Open it in Excel and save it again as .xlsx.',
        { cause: err },
      );
    }
    throw err;
  }
}

function decoderFor(start: Uint8Array): TextDecoder {
  // TextDecoder drops the BOM of its own encoding (ignoreBOM defaults to false).
  if (start[0] === 0xff && start[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true });
  if (start[0] === 0xfe && start[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true });
  return new TextDecoder('utf-8', { fatal: true });
}
