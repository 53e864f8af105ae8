import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/logger.js';
import type { Db } from '../data/db.js';
import type { RetryPolicy } from '../connectors/shared/http.js';

/** What every pipeline is given by its caller (the CLI, a job, a test): nothing is global. */
export interface PipelineDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** The clock (UTC instants); tests pass a fixed one. */
  now: () => Date;
  /**
   * The credentials key, resolved on first use. `forNewCredentials`: credentials are about to be
   * stored, so an embedded database without any may get a new key file (lib/secrets.ts).
   */
  secretKey: (forNewCredentials?: boolean) => Buffer;
  /** Overrides for marketplace calls (tests shorten retries). */
  retry?: RetryPolicy;
  timeoutMs?: number;
}
