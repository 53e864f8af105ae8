import type { Knex } from 'knex';
import { ref, tableOptionsFor, time, timestamps } from './columns.js';

/** What to tell the marketplaces, where extraction stands, listings, instruction files (design.md §3, §6). */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('export_items'))) {
    await knex.schema.createTable('export_items', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      t.string('kind', 16).notNullable();
      ref(t, 'shop_id', 'shops');
      t.string('target_key', 200).notNullable();
      t.text('payload').notNullable();
      t.string('status', 16).notNullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.text('last_error').nullable();
      time(t, 'next_attempt_at').nullable();
      time(t, 'settled_at').nullable();
      timestamps(t);
      t.unique(['kind', 'shop_id', 'target_key'], { indexName: 'export_items_target_unique' });
      t.index(['status', 'kind', 'shop_id'], 'export_items_status_index');
    });
  }
  if (!(await knex.schema.hasTable('sync_cursors'))) {
    await knex.schema.createTable('sync_cursors', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'shop_id', 'shops');
      t.string('stream', 64).notNullable();
      t.string('cursor', 200).notNullable();
      time(t, 'updated_at').notNullable();
      t.unique(['shop_id', 'stream'], { indexName: 'sync_cursors_shop_stream_unique' });
    });
  }
  if (!(await knex.schema.hasTable('listings'))) {
    await knex.schema.createTable('listings', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'shop_id', 'shops');
      t.string('listing_product_id', 64).notNullable();
      t.string('listing_option_id', 64).notNullable().defaultTo('');
      ref(t, 'sku_id', 'skus', true);
      t.string('seller_code', 400).nullable();
      t.integer('last_pushed_quantity').nullable();
      time(t, 'last_pushed_at').nullable();
      timestamps(t);
      t.unique(['shop_id', 'listing_product_id', 'listing_option_id'], { indexName: 'listings_key_unique' });
      t.index(['sku_id'], 'listings_sku_index');
    });
  }
  if (!(await knex.schema.hasTable('instruction_batches'))) {
    await knex.schema.createTable('instruction_batches', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'shop_id', 'shops', true);
      t.string('csv_path', 500).nullable();
      t.string('xlsx_path', 500).nullable();
      t.integer('order_count').notNullable().defaultTo(0);
      time(t, 'created_at').notNullable();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['instruction_batches', 'listings', 'sync_cursors', 'export_items']) await knex.schema.dropTableIfExists(table);
}
