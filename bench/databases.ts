import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../data/db.js';
import { migrateLatest } from '../data/migrate.js';

/** A throw-away database for one measurement. */
export interface BenchDb {
  name: 'sqlite' | 'mysql';
  db: Db;
  drop(): Promise<void>;
}

/** The databases to measure on: SQLite always, MySQL when MYSQL_URL names a server. */
export function benchTargets(): Array<BenchDb['name']> {
  return process.env.MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];
}

/** A fresh, migrated database of that kind. */
export async function benchDatabase(name: BenchDb['name']): Promise<BenchDb> {
  if (name === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mb-bench-db-'));
    const db = openDatabase({ databaseUrl: undefined, sqlitePath: path.join(dir, 'bench.sqlite') });
    await migrateLatest(db);
    return { name, db, drop: async () => { await closeDatabase(db); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const url = process.env.MYSQL_URL!;
  const dbName = `mb_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = openDatabase({ databaseUrl: new URL('/mysql', url).toString(), sqlitePath: '' });
  await admin.knex.raw(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4`);
  const db = openDatabase({ databaseUrl: new URL(`/${dbName}`, url).toString(), sqlitePath: '' });
  await migrateLatest(db);
  return {
    name,
    db,
    drop: async () => {
      await closeDatabase(db);
      await admin.knex.raw(`DROP DATABASE \`${dbName}\``);
      await closeDatabase(admin);
    },
  };
}
