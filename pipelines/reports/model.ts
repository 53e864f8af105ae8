/**
 * The shapes of the reconciliation report (design.md §10): what a list is, what a writer is given,
 * and the counts per shop.
 */

/**
 * How a column's cells are written: `text` (escaped when formula-like), `number`, or `time` — a
 * UTC instant shown as KST wall-clock time (`YYYY-MM-DD HH:MM:SS`; a date cell in xlsx).
 */
export type CellType = 'text' | 'number' | 'time';

/** One column of a list: header text, width in characters (xlsx), cell type. */
export interface Column {
  header: string;
  width: number;
  type: CellType;
}

/** A list of the report: its name (the xlsx sheet, and `F.<name>.csv`) and columns. */
export interface ListDef {
  name: string;
  columns: Column[];
}

/** A cell as the report produces it; a Date is a UTC instant (written in KST). */
export type Cell = string | number | Date | null;

/**
 * Where a report goes: lists are written one after the other, each opened with `begin`, fed with
 * `rows` (awaited, so a writer may apply back-pressure) and closed with `end`; `finish` makes the
 * files visible (renamed into place) and returns their paths; `abort` removes what was written.
 */
export interface ReportSink {
  begin(list: ListDef): Promise<void>;
  rows(rows: Cell[][]): Promise<void>;
  /** Closes the current list; returns how many data rows it received. */
  end(): Promise<number>;
  finish(): Promise<string[]>;
  abort(): Promise<void>;
}

/** One arithmetic check of a shop's counts: `total` = sum of `parts`, and what differs. */
export interface Check {
  /** e.g. `seen = mapped + unmapped + ignored`. */
  name: string;
  total: number;
  parts: Array<{ name: string; n: number }>;
  /** total − sum(parts); 0 when it adds up. The rows that make it are listed in the `check` list. */
  difference: number;
  addsUp: boolean;
  /** `adds up: 12 = 8 + 3 + 1`, or what does not. */
  text: string;
}

/** Everything the report counts for one shop and day (all counts are numbers of rows). */
export interface ShopReconciliation {
  shopId: number;
  /** `naver:acme-store` */
  shop: string;
  seller: string;
  mall: string;
  lines: {
    /** Lines of the day as last seen at the marketplace. */
    seen: number;
    mapped: number;
    /** Mapped lines that are in a fulfillment order. */
    loaded: number;
    unmapped: number;
    /** By reason keyword: no_code, code_not_registered, name_not_registered, and `other` (no or an unknown keyword). */
    unmappedByReason: Record<string, number>;
    /** Lines not awaiting shipment (cancelled, closed, pending, unconfirmed without auto-confirm). */
    ignored: number;
    /** Lines whose mapping status is none of the three: the difference of the first check. */
    other: number;
  };
  orders: {
    total: number;
    byStatus: Record<string, number>;
    /** Parcels with a status outside design.md §5. */
    other: number;
  };
  /** Confirmations of the day's orders: `pending` counts pending + in flight. */
  confirmations: { pending: number; failed: number };
  tracking: { pending: number; failed: number };
  holds: {
    /** Parcels on hold now, orders of any day (design.md §5: always reported until released). */
    onHold: number;
    /** The day's parcels cancelled after their shipping instruction (from their events). */
    cancelledAfterInstruction: number;
  };
  /** Stock pushes failed for good, now (not bound to the day). */
  stockFailed: number;
  /** Rakuten licence key: last valid day (KST `YYYY-MM-DD`), days left, and whether to warn (≤ 14 days or past). */
  licence: { expiresOn: string | null; daysLeft: number | null; alert: boolean; warning: string | null };
  health: { status: string; message: string | null; alert: boolean };
  checks: Check[];
}

/** A list whose rows did not match its count (possible only if the data changed outside the snapshot, or a bug). */
export interface ListCheck {
  list: string;
  shopId: number;
  expected: number;
  written: number;
}

/** What a report run produced: counts per shop, totals, whether everything adds up, and the files. */
export interface ReconcileResult {
  /** The KST day, `YYYY-MM-DD`. */
  date: string;
  /** The day's bounds and the time of the snapshot, ISO 8601 in KST (`…+09:00`). */
  from: string;
  to: string;
  generatedAt: string;
  /** Every check of every shop, and every list's row count, adds up. */
  addsUp: boolean;
  shops: ShopReconciliation[];
  /** The same counts summed over the shops (`shopId` 0, `shop` `all shops`). */
  totals: ShopReconciliation;
  /** Lists whose rows differ from their counts (empty when all agree). */
  listChecks: ListCheck[];
  /** Rows written per list (all shops). */
  listRows: Record<string, number>;
  /** Paths written, absolute: the xlsx and/or the CSV files (summary first). */
  files: string[];
}
