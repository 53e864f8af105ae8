import type { Knex } from 'knex';
import { ref, tableOptionsFor, time, timestamps } from './columns.js';

/** Sellers and their marketplace connections (design.md §3). */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('sellers'))) {
    await knex.schema.createTable('sellers', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      t.string('code', 64).notNullable().unique('sellers_code_unique');
      t.string('name', 200).nullable();
      timestamps(t);
    });
  }
  if (!(await knex.schema.hasTable('shops'))) {
    await knex.schema.createTable('shops', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'seller_id', 'sellers');
      t.string('mall', 16).notNullable();
      t.string('mall_shop_id', 100).notNullable();
      t.string('shop_url', 500).nullable();
      t.string('api_base_url', 500).nullable();
      t.text('credentials').notNullable();
      time(t, 'credentials_expire_at').nullable();
      t.boolean('auto_order_sync').notNullable().defaultTo(false);
      t.boolean('auto_order_confirm').notNullable().defaultTo(false);
      t.boolean('auto_instruct').notNullable().defaultTo(false);
      t.boolean('auto_stock_sync').notNullable().defaultTo(false);
      t.string('carrier_code', 32).nullable();
      t.float('rate_limit_per_sec').nullable();
      t.string('health', 16).notNullable().defaultTo('unknown');
      t.text('health_message').nullable();
      time(t, 'health_checked_at').nullable();
      t.integer('auth_failures').notNullable().defaultTo(0);
      timestamps(t);
      t.unique(['mall', 'mall_shop_id'], { indexName: 'shops_mall_shop_unique' });
      t.index(['seller_id'], 'shops_seller_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('shops');
  await knex.schema.dropTableIfExists('sellers');
}
