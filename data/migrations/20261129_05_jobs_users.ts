import type { Knex } from 'knex';
import { ref, tableOptionsFor, time, timestamps } from './columns.js';

/** Job runs and leases (design.md §7), console users and sessions (§13). */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('job_runs'))) {
    await knex.schema.createTable('job_runs', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      t.string('job', 64).notNullable();
      ref(t, 'shop_id', 'shops', true);
      time(t, 'started_at').notNullable();
      time(t, 'finished_at').nullable();
      t.string('status', 16).notNullable();
      t.text('counts').nullable();
      t.text('error').nullable();
      t.string('owner', 200).notNullable();
      t.index(['job', 'shop_id', 'started_at'], 'job_runs_job_shop_index');
      t.index(['status'], 'job_runs_status_index');
    });
  }
  if (!(await knex.schema.hasTable('job_leases'))) {
    await knex.schema.createTable('job_leases', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      t.string('name', 200).notNullable().unique('job_leases_name_unique');
      t.string('owner', 200).notNullable();
      time(t, 'acquired_at').notNullable();
      time(t, 'expires_at').notNullable();
    });
  }
  if (!(await knex.schema.hasTable('users'))) {
    await knex.schema.createTable('users', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      t.string('email', 320).notNullable().unique('users_email_unique');
      t.string('role', 16).notNullable();
      ref(t, 'seller_id', 'sellers', true);
      t.string('password_hash', 100).notNullable();
      timestamps(t);
    });
  }
  if (!(await knex.schema.hasTable('sessions'))) {
    await knex.schema.createTable('sessions', (t) => {
      tableOptions(t);
      t.string('id', 64).primary();
      ref(t, 'user_id', 'users', false, 'CASCADE');
      t.string('csrf_token', 64).notNullable();
      time(t, 'expires_at').notNullable();
      time(t, 'created_at').notNullable();
      t.index(['expires_at'], 'sessions_expires_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['sessions', 'users', 'job_leases', 'job_runs']) await knex.schema.dropTableIfExists(table);
}
