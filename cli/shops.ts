import { InvalidArgumentError, type Command } from 'commander';
import { findSellerByCode } from '../data/stores/sellers.js';
import { InputError } from '../lib/errors.js';
import { addShop, listShops, resolveShop, shopView, shopWarnings, updateShopSettings } from '../pipelines/shops.js';
import { action } from './command.js';
import { emit, table } from './output.js';

/** Parses `on` / `off` for the `--auto-…` options of `shops update`. */
function onOff(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'on' || v === 'true' || v === 'yes') return true;
  if (v === 'off' || v === 'false' || v === 'no') return false;
  throw new InvalidArgumentError(`takes on or off, not "${value}"`);
}

function flags(v: ReturnType<typeof shopView>): string {
  return [v.autoOrderSync && 'sync', v.autoOrderConfirm && 'confirm', v.autoInstruct && 'instruct', v.autoStockSync && 'stock'].filter(Boolean).join(',') || '-';
}

/** Prints each warning on stderr (the command still succeeds; `--json` carries them too). */
function warn(warnings: string[]): void {
  for (const w of warnings) process.stderr.write(`Warning: ${w}\n`);
}

/** `mallbridge shops add | update | list` (design.md §8). All offline: no marketplace is called. */
export function registerShops(program: Command): void {
  const shops = program.command('shops').description('marketplace connections');

  shops
    .command('add')
    .description('register a shop (offline: checks the form, never calls the marketplace)')
    .requiredOption('--seller <code>', 'seller code')
    .requiredOption('--mall <mall>', 'naver or rakuten')
    .requiredOption('--shop-id <id>', "the seller's id at the marketplace (Naver SmartStore id; Rakuten shop id)")
    .requiredOption('--credentials-file <file>', 'JSON file with the API credentials (never give them on the command line)')
    .option('--shop-url <url>', 'shop link (required for Rakuten: https://www.rakuten.ne.jp/<shop id>)')
    .option('--api-base-url <url>', "the marketplace API's base URL (default: production; a sandbox URL for tests)")
    .option('--carrier-code <code>', 'carrier code sent with tracking numbers (default QXPRESS for Naver, 1000 for Rakuten)')
    .option('--rate-limit <n>', "requests per second to this shop's API (default: the marketplace's documented rate)")
    .option('--auto-sync', 'pull orders on schedule', false)
    .option('--auto-confirm', 'confirm new orders at the marketplace', false)
    .option('--auto-instruct', 'issue shipping instructions automatically', false)
    .option('--auto-stock-sync', 'push stock levels', false)
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, opts: { seller: string; mall: string; shopId: string; credentialsFile: string; shopUrl?: string; apiBaseUrl?: string; carrierCode?: string; rateLimit?: string; autoSync: boolean; autoConfirm: boolean; autoInstruct: boolean; autoStockSync: boolean }) => {
        const deps = await app.deps();
        const shop = await addShop(deps, {
          seller: opts.seller,
          mall: opts.mall,
          shopId: opts.shopId,
          credentials: { file: opts.credentialsFile },
          ...(opts.shopUrl !== undefined ? { shopUrl: opts.shopUrl } : {}),
          ...(opts.apiBaseUrl !== undefined ? { apiBaseUrl: opts.apiBaseUrl } : {}),
          ...(opts.carrierCode !== undefined ? { carrierCode: opts.carrierCode } : {}),
          ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}),
          autoOrderSync: opts.autoSync,
          autoOrderConfirm: opts.autoConfirm,
          autoInstruct: opts.autoInstruct,
          autoStockSync: opts.autoStockSync,
        });
        const view = shopView(shop, app.secretKey());
        const warnings = shopWarnings(shop, deps.now());
        warn(warnings);
        emit(app.json, { ...view, warnings }, () => `Added ${shop.mall} shop ${shop.mallShopId} for seller ${shop.sellerCode}: id ${shop.id} (credentials stored encrypted: ${Object.entries(view.credentials).map(([k, v]) => `${k} ${v}`).join(', ')}).`);
      }),
    );

  shops
    .command('update <shop>')
    .description('change a shop: credentials, automation switches, URLs (offline)')
    .option('--credentials-file <file>', 'new credentials (JSON file)')
    .option('--auto-sync <on|off>', 'pull orders on schedule', onOff)
    .option('--auto-confirm <on|off>', 'confirm new orders at the marketplace', onOff)
    .option('--auto-instruct <on|off>', 'issue shipping instructions automatically', onOff)
    .option('--auto-stock-sync <on|off>', 'push stock levels', onOff)
    .option('--shop-url <url>', 'shop link')
    .option('--api-base-url <url>', "API base URL ('' for production)")
    .option('--carrier-code <code>', "carrier code ('' for the default)")
    .option('--rate-limit <n>', "requests per second ('' for the default)")
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app, ref: string, opts: { credentialsFile?: string; autoSync?: boolean; autoConfirm?: boolean; autoInstruct?: boolean; autoStockSync?: boolean; shopUrl?: string; apiBaseUrl?: string; carrierCode?: string; rateLimit?: string }) => {
        const deps = await app.deps();
        const shop = await resolveShop(deps.db.knex, ref);
        const { shop: updated, healthReset } = await updateShopSettings(deps, shop, {
          ...(opts.credentialsFile !== undefined ? { credentialsFile: opts.credentialsFile } : {}),
          ...(opts.autoSync !== undefined ? { autoOrderSync: opts.autoSync } : {}),
          ...(opts.autoConfirm !== undefined ? { autoOrderConfirm: opts.autoConfirm } : {}),
          ...(opts.autoInstruct !== undefined ? { autoInstruct: opts.autoInstruct } : {}),
          ...(opts.autoStockSync !== undefined ? { autoStockSync: opts.autoStockSync } : {}),
          ...(opts.shopUrl !== undefined ? { shopUrl: opts.shopUrl } : {}),
          ...(opts.apiBaseUrl !== undefined ? { apiBaseUrl: opts.apiBaseUrl } : {}),
          ...(opts.carrierCode !== undefined ? { carrierCode: opts.carrierCode } : {}),
          ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}),
        });
        const view = shopView(updated, app.secretKey());
        const before = shopView(shop, app.secretKey());
        const changed = (Object.keys(view) as Array<keyof typeof view>)
          .filter((k) => k !== 'health' && k !== 'healthMessage' && JSON.stringify(view[k]) !== JSON.stringify(before[k]))
          .map((k) => (k === 'credentials' ? 'credentials' : `${k} ${JSON.stringify(before[k])} → ${JSON.stringify(view[k])}`));
        if (opts.credentialsFile !== undefined && !changed.includes('credentials')) changed.push('credentials (re-encrypted)');
        if (healthReset) changed.push(`health reset (was ${before.health}${shop.authFailures > 0 ? `, ${shop.authFailures} authentication failure${shop.authFailures === 1 ? '' : 's'}` : ''}): the next run or \`shops test\` checks it`);
        const warnings = opts.credentialsFile !== undefined ? shopWarnings(updated, deps.now()) : [];
        warn(warnings);
        emit(app.json, { ...view, changed, healthReset, warnings }, () =>
          changed.length ? `Updated shop ${updated.id} (${updated.mall}:${updated.mallShopId}):\n${changed.map((c) => `  ${c}`).join('\n')}` : `Shop ${updated.id} (${updated.mall}:${updated.mallShopId}) already had these settings; nothing changed.`,
        );
      }),
    );

  shops
    .command('test <shop>')
    .description('call the marketplace once with the stored credentials and say what is wrong, if anything (exit 0 or 1)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (app, ref: string) => {
        const deps = await app.deps();
        const shop = await resolveShop(deps.db.knex, ref);
        const { testShop } = await import('../pipelines/shop-test.js');
        const result = await testShop(deps, shop);
        emit(app.json, result, () => `${result.shop}: ${result.ok ? 'OK' : 'FAILED'} — ${result.message}`);
        return result.ok ? 0 : 1;
      }),
    );

  shops
    .command('list')
    .description('list shops with their settings and health (credentials masked)')
    .option('--seller <code>', 'only this seller')
    .option('--json', 'print as JSON')
    .action(
      action(async (app, opts: { seller?: string }) => {
        const deps = await app.deps();
        let all = await listShops(deps.db.knex);
        if (opts.seller) {
          if (!(await findSellerByCode(deps.db.knex, opts.seller))) throw new InputError(`seller ${opts.seller} does not exist`);
          all = all.filter((s) => s.sellerCode === opts.seller);
        }
        let key: Buffer | undefined;
        try {
          key = all.length ? app.secretKey() : undefined;
        } catch {
          key = undefined;
        }
        const views = all.map((s) => shopView(s, key));
        emit(app.json, views, () =>
          views.length
            ? table(
                ['id', 'seller', 'mall', 'shop id', 'auto', 'health', 'licence expires', 'credentials'],
                views.map((v) => [v.id, v.seller, v.mall, v.shopId, flags(v), v.health, v.credentialsExpireOn ?? '', Object.entries(v.credentials).filter(([k]) => !k.endsWith('At')).map(([k, val]) => `${k}=${val}`).join(' ')]),
              )
            : 'No shops yet: mallbridge shops add --seller S --mall naver|rakuten --shop-id ID --credentials-file F',
        );
      }),
    );
}
