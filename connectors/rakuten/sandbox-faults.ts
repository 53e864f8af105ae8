/**
 * The sandbox's fault injection: answers that go wrong on purpose, after the gateway has let a
 * request through. Queued by tests (`injectFault`) or drawn at random from a seed (`faults`
 * option / `setRandomFaults`), so a run with the same seed meets the same faults.
 */
import { seededRandom } from '../shared/seeded-random.js';

/** The calls of the sandbox, by name. */
export type SandboxCall = 'searchOrder' | 'getOrder' | 'confirmOrder' | 'updateOrderShipping' | 'inventoriesBulkUpsert';

/** The calls that change something (the rest are reads). */
export const WRITE_CALLS: readonly SandboxCall[] = ['confirmOrder', 'updateOrderShipping', 'inventoriesBulkUpsert'];

/**
 * What goes wrong:
 * - `429`: refused before anything is done, with `Retry-After`;
 * - `500`: HTTP 500 in the gateway shape;
 * - `slow`: the right answer, `delayMs` late (beyond a client's timeout);
 * - `malformed`: HTTP 200 whose body is cut off (not JSON).
 */
export type SandboxFaultKind = '429' | '500' | 'slow' | 'malformed';

/** One fault to inject. */
export interface SandboxFault {
  kind: SandboxFaultKind;
  /** Calls it applies to (default: every call). */
  calls?: SandboxCall[];
  /**
   * For a write with `500`, `slow` or `malformed`: whether the write is carried out before the
   * answer goes wrong (default true: the answer is lost, the change is made — the case that must
   * never lead to a second write). `429` never applies anything.
   */
  applied?: boolean;
  /** `slow`: how late the answer comes, ms (default 2000). */
  delayMs?: number;
  /** `429`: the Retry-After seconds (default 1). */
  retryAfterSec?: number;
}

/** Seeded random faults: each request of a matching call meets one with probability `probability`. */
export interface SandboxRandomFaults {
  /** 0–1. */
  probability: number;
  /** The faults drawn from, uniformly. */
  faults: SandboxFault[];
  /** PRNG seed (default 1). */
  seed?: number;
}

/** The fault plan of one sandbox. */
export interface FaultPlan {
  /** The fault this request meets, or null. Consumes a queued fault or draws a random one. */
  next(call: SandboxCall): SandboxFault | null;
  inject(fault: SandboxFault, count: number): void;
  setRandom(plan: SandboxRandomFaults | null): void;
  /** Faults met so far, in order. */
  readonly met: Array<{ call: SandboxCall; kind: SandboxFaultKind }>;
}

function matches(fault: SandboxFault, call: SandboxCall): boolean {
  return !fault.calls || fault.calls.includes(call);
}

/** A fault plan: queued faults first (in order, each for the first matching request), then random ones. */
export function createFaultPlan(random: SandboxRandomFaults | null = null): FaultPlan {
  const queue: Array<{ fault: SandboxFault; left: number }> = [];
  let plan = random;
  let rnd = seededRandom(random?.seed ?? 1);
  const met: FaultPlan['met'] = [];
  return {
    met,
    next(call) {
      const i = queue.findIndex((q) => matches(q.fault, call));
      let fault: SandboxFault | null = null;
      if (i >= 0) {
        const q = queue[i]!;
        fault = q.fault;
        if (--q.left <= 0) queue.splice(i, 1);
      } else if (plan && plan.faults.length > 0) {
        const candidates = plan.faults.filter((f) => matches(f, call));
        if (candidates.length > 0 && rnd() < plan.probability) fault = candidates[Math.floor(rnd() * candidates.length)]!;
      }
      if (fault) met.push({ call, kind: fault.kind });
      return fault;
    },
    inject(fault, count) {
      if (count > 0) queue.push({ fault, left: count });
    },
    setRandom(next) {
      plan = next;
      rnd = seededRandom(next?.seed ?? 1);
    },
  };
}
