/**
 * The sandbox's service side: what each call answers once the gateway and the fault plan have let
 * a request through, and Rakuten's own step of a confirmed order from 200 to 300 (spec §2.4).
 */
import { toRakutenDatetime } from '../../lib/time.js';
import type { SandboxCall } from './sandbox-faults.js';
import { answerGetOrder } from './sandbox-get.js';
import type { SandboxInventory } from './sandbox-inventory.js';
import { answerSearchOrder, messageEntry, type SandboxAnswer, type StoredOrder } from './sandbox-search.js';
import type { SandboxWrites } from './sandbox-types.js';
import { answerConfirmOrder, answerUpdateOrderShipping } from './sandbox-write.js';

/** What the calls work on; all owned by sandbox.ts. */
export interface CallState {
  store: Map<string, StoredOrder>;
  hidden: ReadonlySet<string>;
  inventory: SandboxInventory;
  writes: SandboxWrites;
  clock: () => Date;
  maxHits: number;
  /** How long a confirmed order stays in 200 (sandbox clock, ms). */
  confirmProcessingMs: number;
}

/** The calls of one sandbox. */
export interface SandboxCalls {
  /** The answer of one call (`body` parsed JSON, or the raw text when it was not JSON). */
  answer(call: SandboxCall, body: unknown, requestSeq: number): SandboxAnswer;
  /** Moves API-confirmed orders 200 → 300: those confirmed `confirmProcessingMs` ago, or all. */
  advance(all?: boolean): void;
  /** Issues the next Rakuten-style shippingDetailId (12 digits). */
  nextShippingDetailId(): number;
}

const PREFIX: Record<Exclude<SandboxCall, 'inventoriesBulkUpsert'>, string> = {
  searchOrder: 'SEARCH_ORDER',
  getOrder: 'GET_ORDER',
  confirmOrder: 'CONFIRM_ORDER',
  updateOrderShipping: 'UPDATE_ORDERSHIPPING',
};

/**
 * The calls over `state`. Before any order call, orders confirmed at least `confirmProcessingMs`
 * ago (sandbox clock) move 200 → 300 with `orderFixDatetime` / `shippingInstDatetime` set: Rakuten
 * does this on its own after its checks (spec §2.4), and the sandbox does it lazily, when the next
 * request that reads or writes orders arrives.
 */
export function createSandboxCalls(state: CallState): SandboxCalls {
  /** Confirmed through the API and still in 200: order number → when (sandbox clock). */
  const processing = new Map<string, Date>();
  let shippingDetailId = 240_001_000_000;
  const nextShippingDetailId = () => ++shippingDetailId;

  function advance(all = false): void {
    const now = state.clock().getTime();
    for (const [n, at] of processing) {
      if (!all && now - at.getTime() < state.confirmProcessingMs) continue;
      processing.delete(n);
      const order = state.store.get(n);
      if (order?.orderProgress !== 200) continue;
      order.orderProgress = 300;
      order.orderFixDatetime = toRakutenDatetime(new Date(now));
      order.shippingInstDatetime = toRakutenDatetime(new Date(now));
    }
  }

  return {
    advance,
    nextShippingDetailId,
    answer(call, body, requestSeq) {
      if (call === 'inventoriesBulkUpsert') return state.inventory.answer(body, state.clock(), requestSeq);
      advance();
      if (typeof body === 'string') {
        // Not JSON at all: a format error in the call's own envelope (code UNCERTAIN).
        const entry = messageEntry('ERROR', `ORDER_EXT_API_${PREFIX[call]}_ERROR_011`, 'リクエストの書式が不正です。');
        if (call === 'searchOrder') return { status: 400, body: { orderNumberList: null, MessageModelList: [entry], PaginationResponseModel: null } };
        return { status: 400, body: call === 'getOrder' ? { MessageModelList: [entry], OrderModelList: null } : { MessageModelList: [entry] } };
      }
      const ctx = {
        orders: state.store,
        now: state.clock(),
        requestSeq,
        confirmations: state.writes.confirmations,
        shippingRows: state.writes.shippingRows,
        nextShippingDetailId,
        onConfirmed: (n: string) => processing.set(n, state.clock()),
      };
      switch (call) {
        case 'searchOrder':
          return answerSearchOrder(body, [...state.store.values()], { now: state.clock(), maxHits: state.maxHits });
        case 'getOrder':
          return answerGetOrder(body, state.store, state.hidden);
        case 'confirmOrder':
          return answerConfirmOrder(body, ctx);
        case 'updateOrderShipping':
          return answerUpdateOrderShipping(body, ctx);
      }
    },
  };
}
