import type { Knex } from 'knex';
import { ref, tableOptionsFor, time, timestamps } from './columns.js';

/** Warehouse SKUs, the codes and names that map to them, and sheet uploads (design.md §3, §4a). */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('skus'))) {
    await knex.schema.createTable('skus', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'seller_id', 'sellers');
      t.string('sku_code', 50).notNullable();
      t.string('sku_name', 200).notNullable();
      t.string('option_name', 500).nullable();
      t.string('barcode', 100).nullable();
      t.integer('on_hand').nullable();
      time(t, 'on_hand_updated_at').nullable();
      timestamps(t);
      t.unique(['seller_id', 'sku_code'], { indexName: 'skus_seller_code_unique' });
    });
  }
  if (!(await knex.schema.hasTable('sku_codes'))) {
    await knex.schema.createTable('sku_codes', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'seller_id', 'sellers');
      t.string('seller_code', 400).notNullable();
      ref(t, 'sku_id', 'skus');
      t.integer('quantity').notNullable().defaultTo(1);
      timestamps(t);
      t.unique(['seller_id', 'seller_code', 'sku_id'], { indexName: 'sku_codes_seller_code_sku_unique' });
      t.index(['sku_id'], 'sku_codes_sku_index');
    });
  }
  if (!(await knex.schema.hasTable('name_mappings'))) {
    await knex.schema.createTable('name_mappings', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'seller_id', 'sellers');
      t.string('mall', 16).notNullable();
      t.text('product_name').notNullable();
      t.text('option_text').notNullable();
      t.string('product_name_hash', 64).notNullable();
      t.string('option_text_hash', 64).notNullable();
      ref(t, 'sku_id', 'skus');
      t.integer('quantity').notNullable().defaultTo(1);
      timestamps(t);
      t.unique(['seller_id', 'mall', 'product_name_hash', 'option_text_hash', 'sku_id'], {
        indexName: 'name_mappings_key_sku_unique',
      });
      t.index(['sku_id'], 'name_mappings_sku_index');
    });
  }
  if (!(await knex.schema.hasTable('upload_batches'))) {
    await knex.schema.createTable('upload_batches', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'seller_id', 'sellers', true);
      t.string('kind', 16).notNullable();
      t.string('file_name', 500).notNullable();
      t.string('file_sha256', 64).notNullable();
      t.string('status', 16).notNullable();
      t.integer('row_count').notNullable().defaultTo(0);
      t.integer('inserted').notNullable().defaultTo(0);
      t.integer('updated').notNullable().defaultTo(0);
      t.integer('unchanged').notNullable().defaultTo(0);
      t.integer('released_orders').notNullable().defaultTo(0);
      t.integer('error_count').notNullable().defaultTo(0);
      t.text('errors', 'mediumtext').nullable();
      time(t, 'created_at').notNullable();
      t.index(['seller_id', 'created_at'], 'upload_batches_seller_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['upload_batches', 'name_mappings', 'sku_codes', 'skus']) await knex.schema.dropTableIfExists(table);
}
