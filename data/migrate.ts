import type { Knex } from 'knex';
import type { Db } from './db.js';
import * as m01 from './migrations/20261129_01_accounts.js';
import * as m02 from './migrations/20261129_02_catalog.js';
import * as m03 from './migrations/20261129_03_orders.js';
import * as m04 from './migrations/20261129_04_sync.js';
import * as m05 from './migrations/20261129_05_jobs_users.js';
import * as m06 from './migrations/20261129_06_order_events.js';
import * as m07 from './migrations/20261129_07_exports.js';
import * as m08 from './migrations/20261130_08_login_attempts.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Every migration in order. Landed migrations are never edited; new ones are appended. */
const MIGRATIONS: Array<[string, Migration]> = [
  ['20261129_01_accounts', m01],
  ['20261129_02_catalog', m02],
  ['20261129_03_orders', m03],
  ['20261129_04_sync', m04],
  ['20261129_05_jobs_users', m05],
  ['20261129_06_order_events', m06],
  ['20261129_07_exports', m07],
  ['20261130_08_login_attempts', m08],
];

/** Every table of the schema (design.md §3, plus the order status history); `db migrate` creates each. */
export const SCHEMA_TABLES = [
  'sellers', 'shops', 'skus', 'sku_codes', 'name_mappings', 'upload_batches', 'mall_order_lines',
  'fulfillment_orders', 'fulfillment_order_lines', 'shipments', 'export_items', 'sync_cursors',
  'job_runs', 'job_leases', 'listings', 'instruction_batches', 'users', 'sessions', 'fulfillment_order_events', 'sequences', 'login_attempts',
] as const;

/** Statically imported migrations, so the compiled CLI and jest load them the same way. */
const source: Knex.MigrationSource<string> = {
  getMigrations: async () => MIGRATIONS.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};

/**
 * Applies every pending migration. Running it again applies nothing.
 *
 * @returns the names of the migrations applied by this call (empty when up to date).
 */
export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.knex.migrate.latest({ migrationSource: source, tableName: 'knex_migrations' })) as [number, string[]];
  return applied;
}

/** Names of migrations not applied yet (empty when the schema is current). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.knex.migrate.list({ migrationSource: source, tableName: 'knex_migrations' })) as [unknown[], Array<string | { file?: string; name?: string }>];
  return pending.map((p) => (typeof p === 'string' ? p : (p.name ?? p.file ?? String(p))));
}
