import { InvalidArgumentError, Option, type Command } from 'commander';
import { closeAllLimiters } from '../connectors/shared/limiter.js';
import { createCronScheduler, isCronExpression } from '../jobs/cron.js';
import { durationText, kstText } from '../jobs/kst.js';
import { DEFAULT_LEASE_TIMING, leaseTimingFor } from '../jobs/lease.js';
import { findJob } from '../jobs/registry.js';
import { JobRunner, type ShopRunResult } from '../jobs/runner.js';
import { Worker } from '../jobs/worker.js';
import { action } from './command.js';
import { countsText, exitSoon } from './run.js';

function seconds(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${name} takes a number of seconds from ${min} to ${max}, not "${value}"`);
    return n;
  };
}

/** `--schedule job=cron`, repeatable: collects `{job: cron}` (drills and tests). */
function scheduleOverride(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = value.indexOf('=');
  const id = value.slice(0, i).trim();
  const expr = value.slice(i + 1).trim();
  const job = i > 0 ? findJob(id) : undefined;
  if (!job) throw new InvalidArgumentError(`takes <job>=<cron> for a known job, not "${value}"`);
  if (!isCronExpression(expr)) throw new InvalidArgumentError(`"${expr}" is not a cron expression`);
  return { ...previous, [id]: expr };
}

/** One line per run on stdout: `2026-12-01 10:05:03 KST orders:pull shop 1 (naver:x): succeeded in 1.2 s — inserted 3`. */
function runLine(r: { job: string } & ShopRunResult, at: Date): string {
  const detail = [r.error, countsText(r.counts)].filter(Boolean).join(' — ');
  return `${kstText(at)} ${r.job} ${r.shop}: ${r.status}${r.status === 'skipped' ? '' : ` in ${durationText(r.durationMs)}`}${detail ? ` — ${detail}` : ''}`;
}

/**
 * `mallbridge worker` (design.md §7): runs the schedule until SIGTERM or SIGINT, then stops
 * taking work, gives running jobs up to `--grace` seconds to finish (a second signal ends them at
 * once), closes the rest as `failed` ("interrupted"), releases its leases, closes its limiters
 * and database connections, and exits 0. Every run is logged (start, end, counts, duration) and
 * printed as one line on stdout (`--json`: one JSON object per line).
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the job schedule (Asia/Seoul) for every eligible shop until SIGTERM/SIGINT; any number of workers may run at once')
    .option('--grace <seconds>', 'on SIGTERM/SIGINT, how long running jobs may take to finish before they are interrupted', seconds('--grace', 0, 3600), 20)
    .option('--lease-seconds <seconds>', `lease length per (job, shop), renewed every third of it (default ${DEFAULT_LEASE_TIMING.ttlMs / 1000}); a crashed worker's shops are taken over after it`, seconds('--lease-seconds', 1, 600))
    .addOption(new Option('--schedule <job=cron>', 'replace a job\'s schedule in this worker (drills and tests only; repeatable)').argParser(scheduleOverride).hideHelp())
    .option('--json', 'print one JSON object per run')
    .action(
      action(async (app, opts: { grace: number; leaseSeconds?: number; schedule?: Record<string, string> }) => {
        const deps = await app.deps();
        const log = app.logger.child({ module: 'worker' });
        const runner = new JobRunner(deps, opts.leaseSeconds ? { lease: leaseTimingFor(opts.leaseSeconds) } : {});
        const scheduler = createCronScheduler({ onMissed: (name, slot) => log.warn(`${name}: the slot of ${kstText(slot)} was missed (the process was blocked); the next one runs as usual`) });
        const worker = new Worker({
          deps,
          runner,
          scheduler,
          ...(opts.schedule ? { scheduleOverrides: opts.schedule } : {}),
          onResult: (r) => process.stdout.write(`${app.json ? JSON.stringify({ at: new Date().toISOString(), ...r }) : runLine(r, new Date())}\n`),
        });
        const signal = new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGTERM', () => resolve('SIGTERM'));
          process.once('SIGINT', () => resolve('SIGINT'));
        });
        const { scheduled } = worker.start();
        log.info(`worker ${runner.owner} started: ${scheduled.map((s) => `${s.id} (${s.schedule})`).join(', ')}`);
        process.stderr.write(`mallbridge worker ${runner.owner}: running ${scheduled.map((s) => s.id).join(', ')} on schedule (Asia/Seoul). SIGTERM or Ctrl-C stops it.\n`);

        const got = await signal;
        const busy = runner.busy().filter((b) => b.runId !== null).length;
        log.info(`worker ${runner.owner}: ${got}: stopping (no new work; ${busy} running, up to ${opts.grace} s to finish)`);
        process.stderr.write(`mallbridge worker: ${got}: stopping; ${busy} running job${busy === 1 ? '' : 's'}, up to ${opts.grace} s to finish (send it again to stop ${busy === 1 ? 'it' : 'them'} now)\n`);
        const now = (again: NodeJS.Signals) => void runner.abandonAll(`interrupted: ${again} received twice`).catch(() => undefined);
        process.once('SIGTERM', now);
        process.once('SIGINT', now);
        const stopped = await worker.stop(opts.grace * 1000, got);
        const limiters = await closeAllLimiters();
        log.info(`worker ${runner.owner}: stopped (${stopped.finished} finished, ${stopped.interrupted} interrupted, ${limiters} limiters closed)`);
        process.stderr.write(`mallbridge worker: stopped (${stopped.finished} finished in the grace period, ${stopped.interrupted} interrupted and released)\n`);
        exitSoon();
        return 0;
      }),
    );
}
