import type { Knex } from 'knex';

/**
 * Column helpers shared by the migrations. Frozen like the migrations themselves: a change here
 * would change what an old migration creates, so new needs get new helpers.
 */

/** Applies table options to a table being created. */
export type TableOptions = (t: Knex.CreateTableBuilder) => void;

/**
 * Table options for this database. MySQL/MariaDB: InnoDB, utf8mb4 and a binary collation that
 * also counts trailing spaces (MariaDB `utf8mb4_nopad_bin`, MySQL 8 `utf8mb4_0900_bin`; plain
 * `utf8mb4_bin` pads, so `abc` would equal `abc `), so text compares exactly as on SQLite.
 * SQLite: nothing (it compares bytes already).
 */
export async function tableOptionsFor(knex: Knex): Promise<TableOptions> {
  if ((knex.client as { config: { client: string } }).config.client !== 'mysql2') return () => {};
  const collation = await exactCollation(knex);
  return (t) => {
    t.engine('InnoDB');
    t.charset('utf8mb4');
    t.collate(collation);
  };
}

/** The server's binary, no-pad utf8mb4 collation (the one dialect-specific query of the schema). */
export async function exactCollation(knex: Knex): Promise<string> {
  const [rows] = (await knex.raw("SHOW COLLATION WHERE Collation IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')")) as [Array<{ Collation: string }>];
  const names = rows.map((r) => r.Collation);
  return names.includes('utf8mb4_nopad_bin') ? 'utf8mb4_nopad_bin' : names.includes('utf8mb4_0900_bin') ? 'utf8mb4_0900_bin' : 'utf8mb4_bin';
}

/** UTC DATETIME(3). */
export function time(t: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return t.datetime(name, { precision: 3 });
}

/** `created_at` and `updated_at`, both required. */
export function timestamps(t: Knex.CreateTableBuilder): void {
  time(t, 'created_at').notNullable();
  time(t, 'updated_at').notNullable();
}

/** An unsigned integer foreign key to `table.id`. */
export function ref(t: Knex.CreateTableBuilder, name: string, table: string, nullable = false, onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL' = 'RESTRICT'): Knex.ColumnBuilder {
  const col = t.integer(name).unsigned();
  if (nullable) col.nullable();
  else col.notNullable();
  t.foreign(name).references('id').inTable(table).onDelete(onDelete);
  return col;
}

/** Long text: MEDIUMTEXT on MySQL (raw payloads up to 16 MB), TEXT on SQLite. */
export function longText(t: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return t.text(name, 'mediumtext');
}
