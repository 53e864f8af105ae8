/**
 * The entries of an xlsx zip, streamed from unzipper (the engine exceljs uses) without losing any.
 * exceljs 4.4 walks them with `iterateStream`, which pauses the zip while an entry is handled;
 * unzipper emits `end` as soon as its input is finished, even while entries still wait in its
 * paused buffer, and the walk then stops: small last parts (styles.xml, sharedStrings.xml,
 * workbook.xml) are lost at random. This walk never pauses the zip and waits for its real end.
 */
import type { Readable } from 'node:stream';

/** A zip entry as unzipper hands it out: a stream of the entry's bytes. */
export interface ZipEntry extends Readable {
  path: string;
  /** Discards what the caller did not read, so the zip can go on. */
  autodrain(): unknown;
}

/**
 * Yields unzipper's entries in order, none lost. The zip is never paused (an unread entry holds it
 * back by its own backpressure). unzipper also emits `end` by itself as soon as its input is
 * finished — before its last entries are handed out, and also when the file is truncated (its
 * FILE_ENDED error comes after); only the stream's real end counts here. A zip error is thrown,
 * and also fails the entry being read, so its reader does not wait for bytes that never come.
 * Each entry must be read or `autodrain()`ed before the next is asked for.
 */
export async function* zipEntries(zip: Readable): AsyncGenerator<ZipEntry> {
  const queue: ZipEntry[] = [];
  let ended = false;
  let failure: Error | undefined;
  let current: ZipEntry | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  zip.on('data', (entry: ZipEntry) => {
    entry.on('error', () => undefined); // its reader, if any, gets the error through its own listener
    queue.push(entry);
    notify();
  });
  zip.on('end', () => {
    if (!zip.readableEnded) return; // unzipper's own early `end`
    ended = true;
    notify();
  });
  zip.on('error', (err: Error) => {
    failure ??= err;
    current?.destroy(err);
    notify();
  });
  for (;;) {
    if (failure) throw failure;
    const entry = queue.shift();
    if (entry) {
      current = entry;
      yield entry;
      current = undefined;
    } else if (ended) {
      return;
    } else {
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
}
