/** Helpers for benchmarks: wall time and the process's peak resident memory. */

/** Runs `work` and returns its result with the elapsed wall time in ms. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.hrtime.bigint();
  const result = await work();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

/** Peak resident set size of this process so far, in MB (Linux `maxrss` is in KB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** One result line: name, then `key value` pairs. */
export function report(name: string, values: Record<string, string | number>): void {
  const parts = Object.entries(values).map(([k, v]) => `${k} ${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v}`);
  process.stdout.write(`${name.padEnd(34)} ${parts.join('  ')}\n`);
}
