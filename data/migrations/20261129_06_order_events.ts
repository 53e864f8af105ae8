import type { Knex } from 'knex';
import { ref, tableOptionsFor, time } from './columns.js';

/** The history of each fulfillment order's status: created, cancelled, held, resumed… (design.md §5). */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('fulfillment_order_events'))) {
    await knex.schema.createTable('fulfillment_order_events', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'fulfillment_order_id', 'fulfillment_orders', false, 'CASCADE');
      t.string('from_status', 16).nullable();
      t.string('to_status', 16).notNullable();
      t.text('reason').nullable();
      time(t, 'created_at').notNullable();
      t.index(['fulfillment_order_id', 'created_at'], 'fulfillment_order_events_order_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('fulfillment_order_events');
}
