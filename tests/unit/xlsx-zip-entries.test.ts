/**
 * The zip walk against unzipper's habit of emitting `end` as soon as its input is finished, while
 * entries may still wait in its buffer (and before its FILE_ENDED error on a truncated file).
 * A fake zip stream replays that order of events deterministically.
 */
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { zipEntries } from '../../mappings/xlsx-zip-entries.js';
import type { ZipEntry } from '../../mappings/xlsx-zip-entries.js';

const require = createRequire(import.meta.url);
const iterateStream = require('exceljs/lib/utils/iterate-stream.js') as (stream: Readable) => AsyncIterable<ZipEntry>;

function entry(path: string): ZipEntry {
  const stream = new PassThrough() as unknown as ZipEntry;
  stream.path = path;
  stream.autodrain = () => stream.resume();
  return stream;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('zipEntries', () => {
  test("an early `end` while entries wait in the zip's buffer loses nothing (exceljs's walk loses them)", async () => {
    async function walk(iterate: (zip: Readable) => AsyncIterable<ZipEntry>): Promise<string[]> {
      const zip = new PassThrough({ objectMode: true });
      const seen: string[] = [];
      zip.write(entry('xl/workbook.xml'));
      for await (const e of iterate(zip)) {
        seen.push(e.path);
        if (e.path === 'xl/workbook.xml') {
          // while the first entry is handled, the last one arrives and unzipper says `end` early
          zip.write(entry('xl/styles.xml'));
          await tick();
          zip.emit('end');
          await tick();
          zip.end(); // the real end
        }
        e.autodrain();
      }
      return seen;
    }
    expect(await walk(iterateStream)).toEqual(['xl/workbook.xml']); // exceljs 4.4: styles.xml lost
    expect(await walk(zipEntries)).toEqual(['xl/workbook.xml', 'xl/styles.xml']);
  });

  test('a zip error after the early `end` is thrown, and fails the entry being read', async () => {
    const zip = new PassThrough({ objectMode: true });
    const sheet = entry('xl/worksheets/sheet1.xml');
    zip.write(sheet);
    const walk = zipEntries(zip);
    const first = await walk.next();
    expect(first.value?.path).toBe('xl/worksheets/sheet1.xml');
    const reading = (async () => {
      for await (const _chunk of sheet) {
        // waits for bytes that never come
      }
    })();
    zip.emit('end'); // input finished (truncated file)…
    zip.emit('error', new Error('FILE_ENDED')); // …and unzipper's error follows
    await expect(reading).rejects.toThrow('FILE_ENDED');
    await expect(walk.next()).rejects.toThrow('FILE_ENDED');
  });
});
