/**
 * The few error types mallbridge throws (style.md point 5). Each carries the exit code the
 * command line turns it into (design.md §8): 2 for bad input or configuration, 1 for work that
 * ran but failed.
 */

/** Base class: a message meant for a person, and the exit code it maps to. */
export class MallbridgeError extends Error {
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Configuration (environment, key file, database URL) is missing or malformed. Exit 2. */
export class ConfigError extends MallbridgeError {
  readonly variable: string | undefined;
  constructor(message: string, variable?: string, options?: { cause?: unknown }) {
    super(message, 2, options);
    this.variable = variable;
  }
}

/** A command-line argument, file or stored record given by a person is unusable. Exit 2. */
export class InputError extends MallbridgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

/** Which marketplace an API error came from. */
export type Mall = 'naver' | 'rakuten';

/** What kind of failure an {@link ApiError} is, which decides retries and shop health. */
export type ApiErrorKind =
  | 'auth' // credentials rejected (Naver GW.AUTHN after one retry, Rakuten ES01-01)
  | 'forbidden' // IP not allowed, API group / function not enabled
  | 'rate_limited' // 429 that outlived its retries
  | 'server' // 5xx that outlived its retries
  | 'network' // no answer, timeout, connection refused
  | 'request' // 4xx business or validation error: our request was wrong
  | 'not_found';

/**
 * A marketplace call failed. `code` is the marketplace's own code (`GW.AUTHN`, `104139`,
 * `ES01-01`, `ORDER_EXT_API_SEARCH_ORDER_ERROR_011`…); `body` is a short excerpt of the answer.
 */
export class ApiError extends MallbridgeError {
  readonly mall: Mall;
  readonly call: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly kind: ApiErrorKind;
  readonly body: string | undefined;
  constructor(args: {
    mall: Mall;
    call: string;
    kind: ApiErrorKind;
    message: string;
    status?: number;
    code?: string;
    body?: string;
    cause?: unknown;
  }) {
    super(args.message, 1, { cause: args.cause });
    this.mall = args.mall;
    this.call = args.call;
    this.status = args.status;
    this.code = args.code;
    this.kind = args.kind;
    this.body = args.body;
  }
}

/** One issue found by zod in a marketplace answer: where, and what. */
export interface ShapeIssue {
  path: string;
  message: string;
}

/**
 * A marketplace answer did not match its schema. `issues` carry the JSON path of each mismatch;
 * `recordId` names the order or line when the mismatch is inside one record.
 */
export class ResponseShapeError extends MallbridgeError {
  readonly mall: Mall;
  readonly call: string;
  readonly issues: ShapeIssue[];
  readonly recordId: string | undefined;
  constructor(args: { mall: Mall; call: string; issues: ShapeIssue[]; recordId?: string }) {
    const first = args.issues[0];
    const where = first ? ` at ${first.path || '(root)'}: ${first.message}` : '';
    const more = args.issues.length > 1 ? ` (+${args.issues.length - 1} more)` : '';
    const rec = args.recordId ? ` in ${args.recordId}` : '';
    super(`${args.mall} ${args.call} answered with an unexpected shape${rec}${where}${more}`, 1);
    this.mall = args.mall;
    this.call = args.call;
    this.issues = args.issues;
    this.recordId = args.recordId;
  }
}

/** The reasons a sheet row or header can be refused (design.md §4a). */
export type SheetErrorReason =
  | 'required'
  | 'invalid_format'
  | 'too_long'
  | 'invalid_quantity'
  | 'duplicate'
  | 'conflict'
  | 'seller_code_conflict'
  | 'unknown_sku'
  | 'unknown_order'
  | 'no_header'
  | 'missing_column'
  | 'duplicate_column'
  | 'no_data'
  | 'invalid_file';

/** One problem in a sheet: Excel row number (header = 1), header text as written, value, reason. */
export interface SheetIssue {
  row: number;
  column: string;
  value: string;
  reason: SheetErrorReason;
  message: string;
}

/** A sheet was refused: every issue found, nothing applied. Exit 2. */
export class SheetError extends MallbridgeError {
  readonly issues: SheetIssue[];
  readonly fileName: string;
  /** Where every issue was written (`--errors-out`), when it was. */
  readonly errorFile: string | undefined;
  constructor(fileName: string, issues: SheetIssue[], options: { errorFile?: string } = {}) {
    const n = issues.length;
    super(`${fileName}: ${n} error${n === 1 ? '' : 's'}; nothing was applied`, 2);
    this.fileName = fileName;
    this.issues = issues;
    this.errorFile = options.errorFile;
  }
}

/** The exit code for any thrown value: ours carry one, anything else is a failure (1). */
export function exitCodeOf(err: unknown): 1 | 2 {
  return err instanceof MallbridgeError ? err.exitCode : 1;
}
