import { seededRandom } from '../shared/seeded-random.js';

/** The sandbox's routes by name, for fault selection and request counts. */
export type NaverSandboxRoute =
  | 'token'
  | 'feed'
  | 'detail'
  | 'order-ids'
  | 'confirm'
  | 'dispatch'
  | 'origin-product'
  | 'option-stock'
  | 'multi-update'
  | 'product-search';

/** Routes that change the shop (the write requests tests count). */
export const WRITE_ROUTES: ReadonlySet<NaverSandboxRoute> = new Set(['confirm', 'dispatch', 'option-stock', 'multi-update']);

/**
 * - `429`: `GW.RATE_LIMIT` before anything is processed (the gateway refused).
 * - `500`: `GW.INTERNAL_SERVER_ERROR`, before processing or after it (the write happened, its answer is lost).
 * - `slow`: processed, the answer held back `delayMs` (beyond a client's timeout).
 * - `malformed`: processed, HTTP 200 with the body cut in half (not JSON).
 */
export type NaverSandboxFaultKind = '429' | '500' | 'slow' | 'malformed';

/** Which routes a fault hits: names, all reads, all writes, or every route (default). */
export type FaultRoutes = NaverSandboxRoute[] | 'reads' | 'writes' | 'all';

/** A fault for the next matching requests (tests: `sandbox.addFault`). */
export interface NaverSandboxFault {
  kind: NaverSandboxFaultKind;
  routes?: FaultRoutes;
  /** How many requests it hits (default 1; `Infinity` until `clearFaults()`). */
  times?: number;
  /** For `500`: default `after` on write routes (the worst case: applied, answer lost), `before` on reads. */
  phase?: 'before' | 'after';
  /** For `slow`: how long the answer is held back, ms (default 2000). */
  delayMs?: number;
}

/** Random faults drawn per request from a seeded generator: the same seed and requests give the same faults. */
export interface NaverSandboxRandomFaults {
  seed: number;
  /** Probability of each kind per request, 0–1, drawn in this order: 429, 500, slow, malformed. */
  rates: Partial<Record<NaverSandboxFaultKind, number>>;
  routes?: FaultRoutes;
  delayMs?: number;
}

/** The fault one request meets. */
export interface ResolvedFault {
  kind: NaverSandboxFaultKind;
  phase: 'before' | 'after';
  delayMs: number;
}

const DEFAULT_DELAY_MS = 2000;
const KINDS: NaverSandboxFaultKind[] = ['429', '500', 'slow', 'malformed'];

function matches(routes: FaultRoutes | undefined, route: NaverSandboxRoute): boolean {
  if (routes === undefined || routes === 'all') return true;
  if (routes === 'writes') return WRITE_ROUTES.has(route);
  if (routes === 'reads') return !WRITE_ROUTES.has(route);
  return routes.includes(route);
}

function resolve(kind: NaverSandboxFaultKind, route: NaverSandboxRoute, phase: 'before' | 'after' | undefined, delayMs: number | undefined): ResolvedFault {
  const at = kind === '429' ? 'before' : kind === '500' ? (phase ?? (WRITE_ROUTES.has(route) ? 'after' : 'before')) : 'after';
  return { kind, phase: at, delayMs: delayMs ?? DEFAULT_DELAY_MS };
}

/** The sandbox's faults: one-shot ones in order of addition, then the random ones. */
export class FaultBook {
  private queue: Array<NaverSandboxFault & { left: number }> = [];
  private random: { config: NaverSandboxRandomFaults; next: () => number } | null = null;

  constructor(random?: NaverSandboxRandomFaults) {
    if (random) this.setRandom(random);
  }

  add(fault: NaverSandboxFault): void {
    this.queue.push({ ...fault, left: fault.times ?? 1 });
  }

  setRandom(config: NaverSandboxRandomFaults | null): void {
    this.random = config ? { config, next: seededRandom(config.seed) } : null;
  }

  clear(): void {
    this.queue = [];
    this.random = null;
  }

  /** The fault this request meets, if any (a one-shot fault is used up). */
  take(route: NaverSandboxRoute): ResolvedFault | undefined {
    const hit = this.queue.find((f) => f.left > 0 && matches(f.routes, route));
    if (hit) {
      hit.left -= 1;
      this.queue = this.queue.filter((f) => f.left > 0);
      return resolve(hit.kind, route, hit.phase, hit.delayMs);
    }
    if (!this.random || !matches(this.random.config.routes, route)) return undefined;
    const r = this.random.next();
    let acc = 0;
    for (const kind of KINDS) {
      acc += this.random.config.rates[kind] ?? 0;
      if (r < acc) return resolve(kind, route, undefined, this.random.config.delayMs);
    }
    return undefined;
  }
}

/** Sleeps that `close()` can cut short, so a held-back answer never keeps the sandbox from stopping. */
export class Delays {
  private pending = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending.add(done);
    });
  }

  releaseAll(): void {
    for (const done of [...this.pending]) done();
  }
}
