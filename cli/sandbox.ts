import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { InputError } from '../lib/errors.js';
import { action } from './command.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0–65535 (0 = any free port)');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new InvalidArgumentError('must be a whole number 0–1000000');
  return n;
}

/** `mallbridge sandbox`: both sandbox malls on 127.0.0.1 until Ctrl-C. */
export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('run the Naver and Rakuten sandbox malls on 127.0.0.1 (faithful fakes of their APIs) until Ctrl-C')
    .option('--naver-port <port>', 'port of the Naver sandbox (0 = any free port)', port, 0)
    .option('--rakuten-port <port>', 'port of the Rakuten sandbox (0 = any free port)', port, 0)
    .option('--orders <n>', 'random orders to add to the seeded scenario', count, 0)
    .option('--no-rate-limit', "answer every request (default: the marketplaces' real rate limits, 429 above them)")
    .action(
      action(async (app, opts: { naverPort: number; rakutenPort: number; orders: number; rateLimit: boolean }) => {
        const dir = path.join(app.config.home, 'sandbox');
        const { startSandboxes } = await import('../pipelines/sandboxes.js');
        let s: Awaited<ReturnType<typeof startSandboxes>>;
        try {
          s = await startSandboxes(dir, { naverPort: opts.naverPort, rakutenPort: opts.rakutenPort, orders: opts.orders, throttled: opts.rateLimit });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new InputError(`a port is already in use (${(err as Error).message}); choose others with --naver-port / --rakuten-port, or 0 for any free port`);
          throw err;
        }
        process.stdout.write(
          [
            `Naver sandbox:   ${s.naver.baseUrl}   (credentials: ${s.files.naver})`,
            `Rakuten sandbox: ${s.rakuten.baseUrl}   (credentials: ${s.files.rakuten})`,
            '',
            'Register shops against them, e.g.:',
            `  mallbridge shops add --seller S --mall naver --shop-id my-store --api-base-url ${s.naver.baseUrl} --credentials-file ${s.files.naver} --auto-sync`,
            `  mallbridge shops add --seller S --mall rakuten --shop-id my-shop --shop-url https://www.rakuten.ne.jp/my-shop --api-base-url ${s.rakuten.baseUrl} --credentials-file ${s.files.rakuten} --auto-sync`,
            '',
            'Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await s.close();
        process.stdout.write('Sandboxes stopped.\n');
      }),
    );
}
