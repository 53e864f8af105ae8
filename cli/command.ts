import type { Command } from 'commander';
import { App } from './app.js';
import { describeError } from './output.js';
import { exitCodeOf, SheetError } from '../lib/errors.js';
import { errorText } from '../lib/error-text.js';
import { redactText } from '../lib/redact.js';

/** What a command action returns: its exit code (0 when omitted). */
export type ActionResult = number | void;

/**
 * Wraps a command action: builds the App, runs the action, maps errors to exit codes
 * (design.md §8: 2 bad input or configuration, 1 failures), prints the error on stderr, and
 * closes everything so the process exits on its own.
 */
export function action<A extends unknown[]>(fn: (app: App, ...args: A) => Promise<ActionResult>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.opts() as { json?: boolean };
    let app: App | undefined;
    let code: number;
    try {
      app = new App({ json: Boolean(opts.json) });
      code = (await fn(app, ...args)) ?? 0;
    } catch (err) {
      code = exitCodeOf(err);
      const text = redactText(describeError(err));
      if (opts.json) {
        const issues = err instanceof SheetError ? { issues: err.issues.map((i) => ({ ...i, value: redactText(i.value) })) } : {};
        process.stdout.write(`${JSON.stringify({ ok: false, error: redactText(errorText(err)), exitCode: code, ...issues }, null, 2)}\n`);
      }
      process.stderr.write(`mallbridge: ${text}\n`);
      if (code === 1 && app) app.logger.error(text, { error: err, fileOnly: true });
    } finally {
      if (app) await app.close();
    }
    process.exitCode = code;
  };
}
