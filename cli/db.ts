import type { Command } from 'commander';
import { databaseConfigError } from '../data/db.js';
import { migrateLatest, SCHEMA_TABLES } from '../data/migrate.js';
import { action } from './command.js';
import { emit } from './output.js';

/** `mallbridge db migrate`: creates or updates every table (design.md §3); a second run changes nothing. */
export function registerDb(program: Command): void {
  const db = program.command('db').description('database schema');
  db.command('migrate')
    .description('create or update every table of the fulfillment schema')
    .option('--json', 'print the summary as JSON')
    .action(
      action(async (app) => {
        const database = app.db();
        let applied: string[];
        try {
          applied = await migrateLatest(database);
        } catch (err) {
          throw databaseConfigError(err, database);
        }
        emit(app.json, { database: database.description, dialect: database.dialect, applied, tables: SCHEMA_TABLES.length }, () =>
          applied.length
            ? `Applied ${applied.length} migrations to ${database.description}:\n${applied.map((a) => `  ${a}`).join('\n')}`
            : `${database.description} is up to date (${SCHEMA_TABLES.length} tables); nothing to apply.`,
        );
      }),
    );
}
