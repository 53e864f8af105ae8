import { migrateLatest, pendingMigrations, SCHEMA_TABLES } from '../../data/migrate.js';
import type { Knex } from 'knex';
import { dialects, freshDatabase, MYSQL_URL, type TestDb } from '../helpers/databases.js';

interface ColumnShape {
  type: string;
  nullable: boolean;
}

interface TableShape {
  columns: Record<string, ColumnShape>;
  unique: string[];
  indexes: string[];
  foreignKeys: string[];
}

/** A dialect-neutral type family, so SQLite's and MySQL's spellings of one knex type compare equal. */
function family(type: string): string {
  const t = type.toLowerCase();
  if (/^(tinyint\(1\)|boolean)/.test(t)) return 'boolean';
  if (/^(bigint)/.test(t)) return 'bigint';
  if (/^(int|integer)/.test(t)) return 'integer';
  if (/^(float|double|real)/.test(t)) return 'float';
  if (/^(datetime)/.test(t)) return 'datetime';
  if (/^(varchar|char)/.test(t)) return `varchar(${/\((\d+)\)/.exec(t)?.[1] ?? '?'})`;
  if (/text/.test(t)) return 'text';
  return t;
}

async function sqliteShape(k: Knex, table: string): Promise<TableShape> {
  const cols = (await k.raw(`PRAGMA table_info(\`${table}\`)`)) as Array<{ name: string; type: string; notnull: number; pk: number }>;
  const idx = (await k.raw(`PRAGMA index_list(\`${table}\`)`)) as Array<{ name: string; unique: number; origin: string }>;
  const fks = (await k.raw(`PRAGMA foreign_key_list(\`${table}\`)`)) as Array<{ from: string; table: string }>;
  const shape: TableShape = { columns: {}, unique: [], indexes: [], foreignKeys: fks.map((f) => `${f.from}->${f.table}`).sort() };
  for (const c of cols) shape.columns[c.name] = { type: family(c.type), nullable: c.notnull === 0 && c.pk === 0 };
  for (const i of idx) {
    if (i.origin === 'pk') continue;
    const parts = (await k.raw(`PRAGMA index_info(\`${i.name}\`)`)) as Array<{ name: string }>;
    const key = parts.map((p) => p.name).join(',');
    (i.unique ? shape.unique : shape.indexes).push(key);
  }
  shape.unique.sort();
  shape.indexes.sort();
  return shape;
}

async function mysqlShape(k: Knex, table: string): Promise<TableShape> {
  const [cols] = (await k.raw('SELECT column_name AS name, column_type AS type, is_nullable AS nullable, column_key AS ckey, collation_name AS coll FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?', [table])) as [Array<{ name: string; type: string; nullable: string; ckey: string; coll: string | null }>];
  const [idx] = (await k.raw('SELECT index_name AS name, non_unique AS nonUnique, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS cols FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? GROUP BY index_name, non_unique', [table])) as [Array<{ name: string; nonUnique: number; cols: string }>];
  const [fks] = (await k.raw('SELECT column_name AS col, referenced_table_name AS ref FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND table_name = ? AND referenced_table_name IS NOT NULL', [table])) as [Array<{ col: string; ref: string }>];
  const shape: TableShape = { columns: {}, unique: [], indexes: [], foreignKeys: fks.map((f) => `${f.col}->${f.ref}`).sort() };
  for (const c of cols) {
    shape.columns[c.name] = { type: family(c.type), nullable: c.nullable === 'YES' };
    if (c.coll !== null) expect([table, c.name, c.coll]).toEqual([table, c.name, expect.stringMatching(/^utf8mb4_(nopad_bin|0900_bin)$/)]);
  }
  const fkCols = new Set(fks.map((f) => f.col));
  for (const i of idx) {
    if (i.name === 'PRIMARY') continue;
    // MySQL makes an index for every foreign key that lacks one; SQLite does not need it.
    if (Number(i.nonUnique) === 1 && fkCols.has(i.cols) && i.name.endsWith('_foreign')) continue;
    (Number(i.nonUnique) === 0 ? shape.unique : shape.indexes).push(i.cols);
  }
  shape.unique.sort();
  shape.indexes.sort();
  return shape;
}

describe.each(dialects())('schema on %s', (dialect) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDatabase(dialect, { migrate: false });
  });
  afterAll(async () => t.drop());

  test('db migrate creates every table of design.md §3, and a second run applies nothing', async () => {
    const applied = await migrateLatest(t.db);
    expect(applied.length).toBeGreaterThan(0);
    for (const table of SCHEMA_TABLES) expect([table, await t.db.knex.schema.hasTable(table)]).toEqual([table, true]);
    expect(await migrateLatest(t.db)).toEqual([]);
    expect(await pendingMigrations(t.db)).toEqual([]);
  });

  test('text compares exactly: case and trailing spaces are different values', async () => {
    const k = t.db.knex;
    const now = '2026-11-29 00:00:00.000';
    await k('sellers').insert([{ code: 'abc', created_at: now, updated_at: now }, { code: 'ABC', created_at: now, updated_at: now }, { code: 'abc ', created_at: now, updated_at: now }]);
    expect((await k('sellers').where({ code: 'abc' })).length).toBe(1);
    await k('sellers').del();
  });
});

const maybe = MYSQL_URL ? test : test.skip;
maybe('SQLite and MySQL get the same tables, columns, types, nullability, keys and indexes', async () => {
  const lite = await freshDatabase('sqlite');
  const my = await freshDatabase('mysql').catch(async (err) => {
    await lite.drop();
    throw err;
  });
  try {
    for (const table of SCHEMA_TABLES) {
      const a = await sqliteShape(lite.db.knex, table);
      const b = await mysqlShape(my.db.knex, table);
      expect({ table, ...b }).toEqual({ table, ...a });
    }
  } finally {
    await lite.drop();
    await my.drop();
  }
});
