import { InvalidArgumentError, type Command } from 'commander';
import { closeAllLimiters } from '../connectors/shared/limiter.js';
import { countUsers } from '../data/stores/users.js';
import { InputError } from '../lib/errors.js';
import { action } from './command.js';
import { exitSoon } from './run.js';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError('must be a port number 0–65535 (0 = any free port)');
  return n;
}

function megabytes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 500) throw new InvalidArgumentError('must be a whole number of megabytes from 1 to 500');
  return n;
}

/**
 * `mallbridge console [--port P] [--host H]` (design.md §13): serves the web console until
 * SIGTERM or Ctrl-C, then stops taking requests, ends jobs it started (recorded failed, leases
 * released) and exits 0.
 */
export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('serve the web console (shops, sheets, orders, jobs, reports) until Ctrl-C; logins come from `mallbridge users add`')
    .option('--port <port>', 'port to listen on (0 = any free port)', port, 3000)
    .option('--host <host>', 'address to listen on (0.0.0.0 for every interface; put https in front of it then)', '127.0.0.1')
    .option('--behind-https', 'served behind an https reverse proxy: Secure cookies, and X-Forwarded-For trusted for the client address', false)
    .option('--max-upload-mb <mb>', 'largest upload (sheets, credentials files)', megabytes, 20)
    .action(
      action(async (app, opts: { port: number; host: string; behindHttps: boolean; maxUploadMb: number }) => {
        const deps = await app.deps();
        const { createConsole } = await import('../console/server.js');
        const server = await createConsole(deps, { maxUploadBytes: opts.maxUploadMb * 1024 * 1024, secureCookies: opts.behindHttps, trustProxy: opts.behindHttps });
        let url: string;
        try {
          url = await server.listen(opts.port, opts.host);
        } catch (err) {
          await server.close();
          if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new InputError(`port ${opts.port} on ${opts.host} is already in use; choose another with --port (0 = any free port)`);
          if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') throw new InputError(`--host ${opts.host} is not an address of this machine`);
          throw err;
        }
        const users = await countUsers(deps.db.knex);
        process.stdout.write(`mallbridge console listening on ${url}${users === 0 ? '\nNo users yet: add one with `mallbridge users add --email E --role operator` (the password is read from stdin).' : ''}\nPress Ctrl-C to stop.\n`);
        app.logger.info(`console listening on ${url}`);
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        });
        process.stderr.write(`mallbridge console: ${signal}: stopping\n`);
        await server.close();
        await closeAllLimiters();
        exitSoon();
        return 0;
      }),
    );
}
