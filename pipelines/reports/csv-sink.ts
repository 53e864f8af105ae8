import fs from 'node:fs';
import { once } from 'node:events';
import { cellText, discard, partialPath, publish } from './sink-files.js';
import type { Cell, ListDef, ReportSink } from './model.js';

/**
 * Resolves on 'drain' or 'close', removing both listeners either way (racing two events.once
 * calls leaves the loser's listeners behind: thousands of waits would pile them up).
 */
function drainedOrClosed(stream: fs.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * `F.csv` for the Summary and `F.<list>.csv` beside it for each list (design.md §10).
 *
 * @throws Error when `file` does not end in `.csv`.
 */
export function csvListPath(file: string, list: string): string {
  if (!/\.csv$/i.test(file)) throw new Error(`not a .csv path: ${file}`);
  return list === 'Summary' ? file : file.replace(/\.csv$/i, `.${list}.csv`);
}

/**
 * Writes the report as CSV files, UTF-8 with a BOM (so Excel shows Hangul and kana) and CRLF line
 * ends: the Summary to `file`, each list to `file` with `.<list>` before `.csv`. Text cells that
 * a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR first) are escaped; times are KST.
 * Rows go out through the file stream with back-pressure, so memory stays at one batch.
 */
export class CsvSink implements ReportSink {
  private readonly done: Array<{ tmp: string; file: string }> = [];
  private current: { list: ListDef; stream: fs.WriteStream; tmp: string; file: string; rows: number } | undefined;
  private failed: unknown;

  constructor(private readonly file: string) {
    csvListPath(file, 'Summary');
  }

  async begin(list: ListDef): Promise<void> {
    const file = csvListPath(this.file, list.name);
    const tmp = partialPath(file);
    const stream = fs.createWriteStream(tmp, { encoding: 'utf8' });
    stream.on('error', (err) => (this.failed ??= err));
    this.current = { list, stream, tmp, file, rows: 0 };
    await this.write(`\uFEFF${list.columns.map((c) => csvField(c.header)).join(',')}\r\n`);
  }

  async rows(rows: Cell[][]): Promise<void> {
    const c = this.current!;
    const text = rows.map((r) => `${r.map((v, i) => csvField(cellText(v, c.list.columns[i]!.type))).join(',')}\r\n`).join('');
    c.rows += rows.length;
    await this.write(text);
  }

  private async write(text: string): Promise<void> {
    if (this.failed) throw this.failed;
    const { stream } = this.current!;
    if (!stream.write(text)) await drainedOrClosed(stream);
    if (this.failed) throw this.failed;
  }

  async end(): Promise<number> {
    const c = this.current!;
    this.current = undefined;
    this.done.push({ tmp: c.tmp, file: c.file });
    c.stream.end();
    await once(c.stream, 'close');
    if (this.failed) throw this.failed;
    return c.rows;
  }

  async finish(): Promise<string[]> {
    return publish(this.done);
  }

  async abort(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (c) {
      this.done.push({ tmp: c.tmp, file: c.file });
      if (!c.stream.closed) {
        // Not events.once: it rejects when the destroyed stream reports its dropped writes.
        const closed = new Promise<void>((resolve) => c.stream.once('close', () => resolve()));
        c.stream.destroy();
        await closed;
      }
    }
    discard(this.done.map((d) => d.tmp));
  }
}
