import { Command, CommanderError } from 'commander';
import { registerDb } from './db.js';
import { registerSellers } from './sellers.js';
import { registerShops } from './shops.js';
import { registerSheets } from './sheets.js';
import { registerOrders } from './orders.js';
import { registerRun } from './run.js';
import { registerWorker } from './worker.js';
import { registerJobs } from './jobs.js';
import { registerSandbox } from './sandbox.js';
import { registerDemo } from './demo.js';
import { registerWarehouse } from './warehouse.js';
import { registerReport } from './report.js';
import { registerUsers } from './users.js';
import { registerConsole } from './console.js';

/** The `mallbridge` command line (design.md §8). */
export function buildProgram(): Command {
  const program = new Command('mallbridge')
    .description('Marketplace orders (Naver SmartStore, Rakuten Ichiba) into a fulfillment warehouse, and results back')
    .version('0.1.0')
    .showHelpAfterError('(mallbridge --help lists the commands)')
    .exitOverride();
  registerDb(program);
  registerSellers(program);
  registerShops(program);
  registerSheets(program);
  registerOrders(program);
  registerRun(program);
  registerWorker(program);
  registerJobs(program);
  registerSandbox(program);
  registerWarehouse(program);
  registerReport(program);
  registerUsers(program);
  registerConsole(program);
  registerDemo(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

/**
 * Runs the command line. Usage errors (unknown command or option, missing argument) exit 2;
 * `--help` and `--version` exit 0; commands set their own exit code (0 done, 1 some items
 * failed, 2 bad input).
 */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : 2;
      return;
    }
    throw err;
  }
}
