import type { Knex } from 'knex';

/**
 * Column helpers shared by the migrations. Frozen like the migrations themselves: a change here
 * would change what an old migration creates, so new needs get new helpers.
 */

/** MySQL table options: InnoDB, utf8mb4 with binary collation so text compares exactly as on SQLite. */
export function tableOptions(t: Knex.CreateTableBuilder): void {
  t.engine('InnoDB');
  t.charset('utf8mb4');
  t.collate('utf8mb4_bin');
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
