import type { JobRunner } from '../jobs/runner.js';
import type { PipelineDeps } from '../pipelines/deps.js';
import type { LoginThrottle } from './throttle.js';

/** How a console is set up; every field has a production default in server.ts. */
export interface ConsoleOptions {
  /** Largest request body (sheet and credentials uploads), bytes. Default 20 MB. */
  maxUploadBytes: number;
  /** Cookies get `Secure` (the console is served behind https). */
  secureCookies: boolean;
  /** Trust `X-Forwarded-*` from a reverse proxy (the client address for login throttling). */
  trustProxy: boolean;
  /** How long a session lives without being used, ms. Default 12 h. */
  sessionTtlMs: number;
  /** Staged uploads are removed after this long, ms. Default 24 h. */
  uploadTtlMs: number;
}

/** What every route of one console server shares. */
export interface ConsoleContext {
  deps: PipelineDeps;
  options: ConsoleOptions;
  throttle: LoginThrottle;
  /** Runs "run now" jobs (one lease and `job_runs` row per job and shop, as `mallbridge run`). */
  runner: JobRunner;
  /** Work started by a request and still running (jobs run now); awaited on close. */
  background: Set<Promise<unknown>>;
  /** Where uploaded sheets wait between preview and apply: `$MALLBRIDGE_HOME/console/uploads`. */
  uploadsDir: string;
}
