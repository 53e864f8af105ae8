import type { Command } from 'commander';
import { listUsers } from '../data/stores/users.js';
import { addUser, checkNewUser } from '../pipelines/users.js';
import { action } from './command.js';
import { emit, table } from './output.js';
import { readNewPassword } from './password-input.js';

/** `mallbridge users add --email E --role seller|operator [--seller S]` and `users list` (design.md §8, §13). */
export function registerUsers(program: Command): void {
  const users = program.command('users').description('console logins');
  users
    .command('add')
    .description('add a console login; the password is read from stdin or asked for (never given on the command line)')
    .requiredOption('--email <email>', 'the login')
    .requiredOption('--role <role>', 'seller (sees one seller\'s shops, sheets, orders and reports) or operator (sees all)')
    .option('--seller <code>', 'the seller of a seller user')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, opts: { email: string; role: string; seller?: string }) => {
        const deps = await app.deps();
        const input = { email: opts.email, role: opts.role, ...(opts.seller !== undefined ? { seller: opts.seller } : {}) };
        await checkNewUser(deps, input);
        const user = await addUser(deps, { ...input, password: await readNewPassword() });
        const summary = { id: user.id, email: user.email, role: user.role, seller: user.sellerCode };
        emit(app.json, summary, () => `Added ${user.role} ${user.email} (id ${user.id}${user.sellerCode ? `, seller ${user.sellerCode}` : ''}).`);
      }),
    );
  users
    .command('list')
    .description('list console logins')
    .option('--json', 'print as JSON')
    .action(
      action(async (app) => {
        const db = await app.migratedDb();
        const all = (await listUsers(db.knex)).map((u) => ({ id: u.id, email: u.email, role: u.role, seller: u.sellerCode }));
        emit(app.json, all, () => (all.length ? table(['id', 'email', 'role', 'seller'], all.map((u) => [u.id, u.email, u.role, u.seller])) : 'No users yet: mallbridge users add --email E --role operator'));
      }),
    );
}
