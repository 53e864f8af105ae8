import cliProgress from 'cli-progress';

/** Shows how far a long read has got: a live line on a terminal, a plain line every 50 000 rows otherwise. */
export interface RowProgress {
  onRow(row: number): void;
  stop(): void;
}

/**
 * A progress display for reading a sheet of unknown length, on stderr (stdout stays free for the
 * summary and `--json`). Silent when `quiet`.
 */
export function rowProgress(label: string, quiet: boolean): RowProgress {
  if (quiet) return { onRow() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} {value} rows`, stream: process.stderr, hideCursor: true, clearOnComplete: true, fps: 5 }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      onRow(row) {
        if (!started) {
          bar.start(0, 0);
          started = true;
        }
        bar.update(row);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let next = 50_000;
  return {
    onRow(row) {
      if (row >= next) {
        process.stderr.write(`${label} ${row} rows\n`);
        next += 50_000;
      }
    },
    stop() {},
  };
}
