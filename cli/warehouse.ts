import type { Command } from 'commander';
import { listShops } from '../data/stores/shops.js';
import { resolveShop } from '../pipelines/shops.js';
import { action } from './command.js';
import { importCommand } from './sheets.js';
import { emit, table } from './output.js';

/**
 * The warehouse side (design.md §5, §8): `invoices issue` (QSP tracking numbers),
 * `shipments import` (tracking numbers from the warehouse), `stock import` (the warehouse's counts).
 */
export function registerWarehouse(program: Command): void {
  const invoices = program.command('invoices').description('invoices (QSP tracking numbers) for instructed parcels');
  invoices
    .command('issue')
    .description('give every instructed parcel its QSP tracking number (it becomes shipped; stock is decremented)')
    .option('--shop <shop>', 'only this shop')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, opts: { shop?: string }) => {
        const deps = await app.deps();
        const shops = opts.shop !== undefined ? [await resolveShop(deps.db.knex, opts.shop)] : await listShops(deps.db.knex);
        const { issueInvoices } = await import('../pipelines/exports/invoices.js');
        const results = [];
        for (const shop of shops) results.push(await issueInvoices(deps, shop));
        const issued = results.flatMap((r) => r.issued.map((i) => ({ shop: r.shop, ...i })));
        emit(app.json, { issued }, () => (issued.length ? table(['shop', 'parcel', 'order', 'package', 'tracking number'], issued.map((i) => [i.shop, i.fulfillmentOrderId, i.mallOrderId, i.mallPackageId, i.trackingNumber])) : 'No instructed parcel waits for an invoice.'));
      }),
    );
  importCommand(program.command('shipments').description('tracking numbers from the warehouse'), 'shipment sheet (tracking_number + fulfillment_order_id or mall_order_id [+ mall_package_id], carrier, shipped_at)', async () => (await import('../pipelines/sheets/import-shipments.js')).importShipmentSheet, {
    needsSeller: false,
    dryRun: 'check the sheet and show how many parcels would be marked shipped (their stock decremented) without applying',
  });
  importCommand(program.command('stock').description("the warehouse's stock counts"), 'stock sheet (sku_code, on_hand: absolute counts)', async () => (await import('../pipelines/sheets/import-stock.js')).importStockSheet, {
    dryRun: 'check the sheet and show how many on_hand counts would change without applying',
  });
}
