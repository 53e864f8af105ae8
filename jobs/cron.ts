import { createTask, validate, type ScheduledTask } from 'node-cron';

/** Every schedule of the registry is read in this time zone (design.md §7). */
export const TIMEZONE = 'Asia/Seoul';

/**
 * The small wrapper around node-cron (style.md point 7): the worker only ever talks to this
 * interface, so tests drive the same worker with {@link FakeCron} and a fake clock.
 */
export interface CronScheduler {
  /**
   * Calls `onSlot(slot)` at every instant matching `expression` (read in Asia/Seoul) until
   * {@link stop}. `onSlot` must return at once: the worker tracks its own runs.
   *
   * @throws RangeError for an expression node-cron does not accept.
   */
  schedule(name: string, expression: string, onSlot: (slot: Date) => void): void;
  /** Stops every schedule; slots already handed to `onSlot` are not affected. */
  stop(): void;
}

/** node-cron's own matcher for `expression` in Asia/Seoul (a task that is never started). */
function matcher(expression: string): ScheduledTask {
  if (!validate(expression)) throw new RangeError(`not a cron expression node-cron accepts: "${expression}"`);
  return createTask(expression, () => undefined, { timezone: TIMEZONE });
}

const matchers = new Map<string, ScheduledTask>();
function cachedMatcher(expression: string): ScheduledTask {
  let m = matchers.get(expression);
  if (!m) matchers.set(expression, (m = matcher(expression)));
  return m;
}

const MINUTE = 60_000;

/**
 * The first instant after `after` (minute resolution) that `expression` matches in Asia/Seoul,
 * using node-cron's matcher; null when none within `horizonDays` (default 8).
 */
export function nextDue(expression: string, after: Date, horizonDays = 8): Date | null {
  const m = cachedMatcher(expression);
  const start = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  const end = after.getTime() + horizonDays * 24 * 60 * MINUTE;
  for (let t = start; t <= end; t += MINUTE) {
    const d = new Date(t);
    if (m.match(d)) return d;
  }
  return null;
}

/** True when node-cron accepts `expression`. */
export function isCronExpression(expression: string): boolean {
  return validate(expression);
}

/**
 * The production scheduler: one node-cron task per job, in Asia/Seoul. A slot the process was
 * too busy to fire on time still fires up to `lateToleranceMs` late (default 60 s; node-cron
 * drops it after 1 s otherwise); one dropped beyond that is passed to `onMissed` (logged by the
 * worker), never silently lost.
 */
export function createCronScheduler(options: { lateToleranceMs?: number; onMissed?: (name: string, slot: Date) => void } = {}): CronScheduler {
  const tasks: ScheduledTask[] = [];
  return {
    schedule(name, expression, onSlot) {
      if (!validate(expression)) throw new RangeError(`${name}: not a cron expression node-cron accepts: "${expression}"`);
      const task = createTask(
        expression,
        (ctx) => {
          onSlot(ctx.date);
        },
        { name, timezone: TIMEZONE, missedExecutionTolerance: options.lateToleranceMs ?? 60_000 },
      );
      if (options.onMissed) {
        const onMissed = options.onMissed;
        task.on('execution:missed', (ctx) => onMissed(name, ctx.date));
      }
      void task.start();
      tasks.push(task);
    },
    stop() {
      for (const t of tasks.splice(0)) void t.destroy();
    },
  };
}

/**
 * A scheduler on a fake clock, for tests: nothing fires until {@link advanceTo} moves the clock,
 * which fires every slot passed on the way, in time order, as the real one would (node-cron's
 * matcher, Asia/Seoul, minute resolution).
 */
export class FakeCron implements CronScheduler {
  private current: number;
  private tasks: Array<{ name: string; m: ScheduledTask; onSlot: (slot: Date) => void }> = [];
  /** Every slot fired so far: `[name, slot]`. */
  readonly fired: Array<[string, Date]> = [];

  constructor(start: Date) {
    this.current = start.getTime();
  }

  /** The fake clock; pass it as the pipeline deps' `now`. */
  now = (): Date => new Date(this.current);

  schedule(name: string, expression: string, onSlot: (slot: Date) => void): void {
    this.tasks.push({ name, m: matcher(expression), onSlot });
  }

  stop(): void {
    for (const t of this.tasks.splice(0)) void t.m.destroy();
  }

  /**
   * Moves the clock to `to`, firing each slot in (now, to] in order; after each fired minute it
   * yields to the event loop once, so the work it started can begin.
   */
  async advanceTo(to: Date): Promise<void> {
    for (let t = Math.floor(this.current / MINUTE) * MINUTE + MINUTE; t <= to.getTime(); t += MINUTE) {
      const slot = new Date(t);
      const due = this.tasks.filter((x) => x.m.match(slot));
      if (due.length === 0) continue;
      this.current = t;
      for (const x of due) {
        this.fired.push([x.name, slot]);
        x.onSlot(slot);
      }
      await new Promise((r) => setImmediate(r));
    }
    this.current = Math.max(this.current, to.getTime());
  }

  /** {@link advanceTo} `now + ms`. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(new Date(this.current + ms));
  }
}
