/**
 * The Rakuten sandbox's public shape: how to start one, and what a running one lets tests see and
 * turn. Implemented in sandbox.ts.
 */
import type { RakutenCredentials } from './credentials.js';
import type { SandboxCall, SandboxFault, SandboxFaultKind, SandboxRandomFaults } from './sandbox-faults.js';
import type { InventoryRecordRow, InventoryWriteRecord } from './sandbox-inventory.js';
import type { SandboxOrderInput, ScenarioLabel } from './sandbox-orders.js';
import type { StoredOrder } from './sandbox-search.js';
import type { ConfirmationRecord, ShippingRowRecord } from './sandbox-write.js';
import type { OrderModel } from './schemas.js';

export type { SandboxCall, SandboxFault, SandboxFaultKind, SandboxRandomFaults } from './sandbox-faults.js';
export type { InventoryRecordRow, InventoryWriteRecord } from './sandbox-inventory.js';
export type { ConfirmationRecord, ShippingRowRecord } from './sandbox-write.js';

/** How to start a sandbox. */
export interface RakutenSandboxOptions {
  /** Port on 127.0.0.1; 0 (default) = a free random port. */
  port?: number;
  /** Requests per second before HTTP 429; 0 (default) = unthrottled. */
  ratePerSec?: number;
  /** Seed of the extra orders (default 1). */
  seed?: number;
  /** Extra random orders (status 300) besides the scenario R1–R10 (default 0). */
  extraOrders?: number;
  /** Days over which the extra orders' order dates spread back from now (default 2). */
  extraSpanDays?: number;
  /** Hits one searchOrder can reach (default 15,000 as Rakuten); tests lower it to force window splits. */
  maxHits?: number;
  /** The sandbox clock (order dates, the 730-day rule, licence expiry); default the real clock. */
  now?: () => Date;
  serviceSecret?: string;
  licenseKey?: string;
  /** Last valid day of the licence key, JST `YYYY-MM-DD` (default now + 90 days). */
  licenseExpiresAt?: string;
  /**
   * How long (sandbox clock, ms) a confirmed order stays in 200 楽天処理中 before Rakuten moves it
   * to 300 on its own (spec §2.4). Default 0: the next request that reads or writes orders sees
   * 300. The move is made lazily, at the start of each such request.
   */
  confirmProcessingMs?: number;
  /** Seeded random faults from the start (see {@link RakutenSandbox.setRandomFaults}). */
  faults?: SandboxRandomFaults;
}

/** One request the sandbox received, as tests count them. */
export interface SandboxRequestRecord {
  /** 1, 2, 3 … in order of arrival over the sandbox's life (not reset with `requests`). */
  seq: number;
  method: string;
  /** Path without the query string, e.g. `/es/2.0/order/searchOrder/`. */
  path: string;
  /** The HTTP status answered; 0 while no answer has been sent (a slow fault, a client that gave up). */
  status: number;
  /** When it arrived (real clock). */
  at: Date;
  /** The JSON body (or the raw text when it was not JSON; null when none or refused before reading). */
  body: unknown;
}

/** Every change the write calls made, in order (applied writes only; refused requests are in `requests`). */
export interface SandboxWrites {
  /** Orders moved 100 → 200 by confirmOrder. */
  confirmations: ConfirmationRecord[];
  /** Shipping rows added, updated or deleted by updateOrderShipping (and rows put there by `addShippingRow`). */
  shippingRows: ShippingRowRecord[];
  /** Stock rows written by inventories/bulk-upsert. */
  inventory: InventoryWriteRecord[];
}

/** A running sandbox and the knobs tests turn. */
export interface RakutenSandbox {
  /** `http://127.0.0.1:PORT` (no trailing slash): the shop's `apiBaseUrl`. */
  baseUrl: string;
  /** The registered key pair; `licenseExpiresAt` follows {@link RakutenSandbox.expireLicense}. */
  credentials: Required<RakutenCredentials>;
  shopId: string;
  /** Order numbers of the seeded scenario by label (`R1` … `R10`). */
  scenario: Record<ScenarioLabel, string>;
  /** Every request received, in order of arrival (recorded on arrival; `status` filled when answered). */
  requests: SandboxRequestRecord[];
  /** Every applied write, in order. */
  writes: SandboxWrites;
  /**
   * Requests received per call since the start, counted on arrival — before the gateway, the rate
   * limit or any fault — so "sent exactly once" is proven by what arrived, not by final state.
   */
  received(): Record<SandboxCall, number>;
  /** The sandbox's current time. */
  now(): Date;
  /** Sets the sandbox clock: a fixed instant or a function. */
  setNow(now: Date | (() => Date)): void;
  /** Changes the rate limit (0 = unthrottled). */
  setRatePerSec(ratePerSec: number): void;
  /** Adds an order built from `input` (next free serial) and returns its order number. */
  addOrder(input: Omit<SandboxOrderInput, 'serial'>): string;
  /** Adds `count` seeded random orders (status 300) dated between `from` and `to` (default: the last 47 h); returns their numbers. */
  addRandomOrders(count: number, range?: { from?: Date; to?: Date; seed?: number }): string[];
  /** Adds an order exactly as given (e.g. a deliberately malformed one) and returns its order number. */
  addRawOrder(order: StoredOrder): string;
  /** Moves an order to another `orderProgress` (e.g. 300 → 900 to simulate a cancellation). */
  setOrderProgress(orderNumber: string, orderProgress: OrderModel['orderProgress']): void;
  /**
   * Puts a shipping row on a basket as a person typing in RMS would (e.g. only a carrier: an
   * incomplete row, spec §4.2); returns its Rakuten-issued `shippingDetailId`. Not a request: it
   * is not counted in `received()`, but it is listed in `writes.shippingRows` with `requestSeq` null.
   */
  addShippingRow(orderNumber: string, basketId: number, row: { deliveryCompany?: string; shippingNumber?: string; shippingDate?: string }): number;
  /** Moves every order confirmed through the API and still in 200 to 300 now (Rakuten's own step, spec §2.4). */
  settleConfirmations(): void;
  /** Changes how long confirmed orders stay in 200 (see the option). */
  setConfirmProcessingMs(ms: number): void;
  /** Current stock rows (orphans older than 24 h on the sandbox clock are gone, spec §5.2). */
  inventory(): InventoryRecordRow[];
  /** Registers a listing the shop has (the catalogue's are there from the start), with its stock. */
  addListing(manageNumber: string, variantId: string, quantity: number): void;
  /** Lets the licence key expire (its last valid day becomes yesterday): every call answers 401 ES01-01. */
  expireLicense(): void;
  /** Lets the licence key expire once `requests` more requests have passed the gateway (a run that meets the expiry midway). */
  expireLicenseAfter(requests: number): void;
  /** Switches the RakutenPay_OrderAPI functions off (400 ES04-01) or on again. */
  setApiFunctionEnabled(enabled: boolean): void;
  /** The next `count` requests answer `status` at the gateway, before anything is done (default 429, with `Retry-After: retryAfterSec`, default 1). */
  failNext(count: number, status?: number, retryAfterSec?: number): void;
  /** The next `count` requests of the fault's calls (default all) meet `fault`, after the gateway. */
  injectFault(fault: SandboxFault, count?: number): void;
  /** Seeded random faults from now on (null = none). */
  setRandomFaults(plan: SandboxRandomFaults | null): void;
  /** The injected faults met so far, in order. */
  faultsMet(): Array<{ call: SandboxCall; kind: SandboxFaultKind }>;
  /** searchOrder still finds the order, getOrder answers INFO_102 for it (deleted in between). */
  hideFromGetOrder(orderNumber: string): void;
  /** A copy of every stored order, in the order they were added. */
  orders(): StoredOrder[];
  close(): Promise<void>;
}
