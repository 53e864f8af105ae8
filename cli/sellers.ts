import type { Command } from 'commander';
import { findSellerByCode, insertSeller, listSellers } from '../data/stores/sellers.js';
import { InputError } from '../lib/errors.js';
import { action } from './command.js';
import { emit, table } from './output.js';

const SELLER_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `mallbridge sellers add <code> [--name N]` and `sellers list`. */
export function registerSellers(program: Command): void {
  const sellers = program.command('sellers').description('seller accounts');
  sellers
    .command('add <code>')
    .description('add a seller (the code is how every other command names it)')
    .option('--name <name>', 'display name')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, code: string, opts: { name?: string }) => {
        if (!SELLER_CODE.test(code)) throw new InputError(`seller code "${code}" must be 1–64 characters of letters, digits, ., _ and -, starting with a letter or digit`);
        const name = opts.name?.trim() || null;
        if (name !== null && [...name].length > 200) throw new InputError(`--name is ${[...name].length} characters; at most 200`);
        const db = await app.migratedDb();
        if (await findSellerByCode(db.knex, code)) throw new InputError(`seller ${code} already exists`);
        const seller = await insertSeller(db.knex, code, name);
        emit(app.json, { id: seller.id, code: seller.code, name: seller.name }, () => `Added seller ${seller.code} (id ${seller.id}).`);
      }),
    );
  sellers
    .command('list')
    .description('list sellers')
    .option('--json', 'print as JSON')
    .action(
      action(async (app) => {
        const db = await app.migratedDb();
        const all = await listSellers(db.knex);
        emit(app.json, all, () => (all.length ? table(['id', 'code', 'name'], all.map((s) => [s.id, s.code, s.name])) : 'No sellers yet: mallbridge sellers add <code>'));
      }),
    );
}
