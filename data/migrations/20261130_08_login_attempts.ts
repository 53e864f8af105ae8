import type { Knex } from 'knex';
import { tableOptionsFor, time } from './columns.js';

/**
 * Failed console logins (design.md §13, issue 20), one row each, so that every console process
 * on one database throttles the same email + address together.
 */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('login_attempts'))) {
    await knex.schema.createTable('login_attempts', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      t.string('throttle_key', 64).notNullable();
      time(t, 'attempted_at').notNullable();
      t.index(['throttle_key', 'attempted_at'], 'login_attempts_key_index');
      t.index(['attempted_at'], 'login_attempts_time_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('login_attempts');
}
