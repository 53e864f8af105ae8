import type { Knex } from 'knex';
import { tableOptionsFor } from './columns.js';

/**
 * What the export pipelines need beyond the base tables: which instruction batch a parcel went
 * out in, and named counters (the QSP tracking numbers) that work the same on both dialects.
 */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasColumn('fulfillment_orders', 'instruction_batch_id'))) {
    await knex.schema.alterTable('fulfillment_orders', (t) => {
      t.integer('instruction_batch_id').unsigned().nullable().references('id').inTable('instruction_batches').onDelete('RESTRICT');
      t.index(['instruction_batch_id'], 'fulfillment_orders_instruction_batch_index');
    });
  }
  if (!(await knex.schema.hasTable('sequences'))) {
    await knex.schema.createTable('sequences', (t) => {
      tableOptions(t);
      t.string('name', 64).primary();
      t.bigInteger('value').notNullable();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sequences');
  if (await knex.schema.hasColumn('fulfillment_orders', 'instruction_batch_id')) {
    await knex.schema.alterTable('fulfillment_orders', (t) => {
      t.dropForeign(['instruction_batch_id']);
      t.dropIndex(['instruction_batch_id'], 'fulfillment_orders_instruction_batch_index');
      t.dropColumn('instruction_batch_id');
    });
  }
}
