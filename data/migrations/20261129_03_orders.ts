import type { Knex } from 'knex';
import { longText, ref, tableOptionsFor, time, timestamps } from './columns.js';

/** Marketplace order lines as last seen, fulfillment orders and their lines, shipments (design.md §3, §5). */
export async function up(knex: Knex): Promise<void> {
  const tableOptions = await tableOptionsFor(knex);
  if (!(await knex.schema.hasTable('mall_order_lines'))) {
    await knex.schema.createTable('mall_order_lines', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'shop_id', 'shops');
      t.string('mall_order_id', 64).notNullable();
      t.string('mall_package_id', 64).notNullable().defaultTo('');
      t.string('mall_line_id', 64).notNullable();
      t.string('mall_status', 64).notNullable();
      t.string('claim_status', 64).nullable();
      t.string('line_state', 16).notNullable();
      t.string('seller_code', 400).nullable();
      t.string('seller_code_field', 32).nullable();
      t.text('product_name').notNullable();
      t.text('option_text').notNullable();
      t.integer('quantity').notNullable();
      t.bigInteger('unit_price').nullable();
      t.string('listing_product_id', 64).nullable();
      t.string('listing_option_id', 64).nullable();
      t.text('recipient').notNullable();
      time(t, 'ordered_at').nullable();
      longText(t, 'payload').notNullable();
      t.string('payload_hash', 64).notNullable();
      t.string('mapping_status', 16).notNullable();
      t.string('mapping_rule', 32).nullable();
      t.string('mapping_ref', 500).nullable();
      t.text('unmapped_reason').nullable();
      time(t, 'first_seen_at').notNullable();
      time(t, 'updated_at').notNullable();
      t.unique(['shop_id', 'mall_line_id'], { indexName: 'mall_order_lines_shop_line_unique' });
      t.index(['shop_id', 'mall_order_id'], 'mall_order_lines_order_index');
      t.index(['mapping_status', 'shop_id'], 'mall_order_lines_mapping_index');
    });
  }
  if (!(await knex.schema.hasTable('fulfillment_orders'))) {
    await knex.schema.createTable('fulfillment_orders', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'shop_id', 'shops');
      t.string('mall_order_id', 64).notNullable();
      t.string('mall_package_id', 64).notNullable().defaultTo('');
      t.string('status', 16).notNullable();
      t.text('hold_reason').nullable();
      t.string('recipient_name', 200).notNullable();
      t.string('recipient_phone', 64).notNullable();
      t.string('postal_code', 16).notNullable();
      t.string('address1', 500).notNullable();
      t.string('address2', 500).notNullable();
      t.string('country', 2).notNullable();
      time(t, 'ordered_at').nullable();
      timestamps(t);
      t.unique(['shop_id', 'mall_order_id', 'mall_package_id'], { indexName: 'fulfillment_orders_mall_order_unique' });
      t.index(['status', 'shop_id'], 'fulfillment_orders_status_index');
    });
  }
  if (!(await knex.schema.hasTable('fulfillment_order_lines'))) {
    await knex.schema.createTable('fulfillment_order_lines', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'fulfillment_order_id', 'fulfillment_orders', false, 'CASCADE');
      ref(t, 'mall_order_line_id', 'mall_order_lines');
      ref(t, 'sku_id', 'skus');
      t.integer('quantity').notNullable();
      t.integer('unit_quantity').notNullable();
      time(t, 'created_at').notNullable();
      t.unique(['fulfillment_order_id', 'mall_order_line_id', 'sku_id'], { indexName: 'fulfillment_order_lines_unique' });
      t.index(['mall_order_line_id'], 'fulfillment_order_lines_mall_line_index');
      t.index(['sku_id'], 'fulfillment_order_lines_sku_index');
    });
  }
  if (!(await knex.schema.hasTable('shipments'))) {
    await knex.schema.createTable('shipments', (t) => {
      tableOptions(t);
      t.increments('id').primary();
      ref(t, 'fulfillment_order_id', 'fulfillment_orders');
      t.string('tracking_number', 64).notNullable().unique('shipments_tracking_number_unique');
      t.string('carrier', 32).nullable();
      t.string('source', 16).notNullable();
      time(t, 'shipped_at').nullable();
      time(t, 'created_at').notNullable();
      t.index(['fulfillment_order_id'], 'shipments_fulfillment_order_index');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['shipments', 'fulfillment_order_lines', 'fulfillment_orders', 'mall_order_lines']) {
    await knex.schema.dropTableIfExists(table);
  }
}
