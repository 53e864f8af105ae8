import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { closeDatabase, openDatabase, type Db, type Dialect } from '../../data/db.js';
import { migrateLatest } from '../../data/migrate.js';

/**
 * The databases every store test runs on: the embedded SQLite always, MySQL (MariaDB) when
 * MYSQL_URL is set (e.g. mysql://root@127.0.0.1:3306/). Each test file gets a fresh database of
 * its own, dropped at the end.
 */
export const MYSQL_URL = process.env.MYSQL_URL?.trim() || undefined;

let warned = false;
/** The dialects to test; says loudly, once per file, when MySQL is skipped. */
export function dialects(): Dialect[] {
  if (!MYSQL_URL && !warned) {
    warned = true;
    process.stderr.write('\n*** MySQL suites SKIPPED: set MYSQL_URL=mysql://root@127.0.0.1:3306/ to run them (CI does) ***\n\n');
  }
  return MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite'];
}

/** A fresh, empty database of one dialect, with its URL/path so a CLI subprocess can use it too. */
export interface TestDb {
  db: Db;
  dialect: Dialect;
  /** For subprocesses: DATABASE_URL (MySQL) or undefined. */
  databaseUrl: string | undefined;
  /** A MALLBRIDGE_HOME of its own (holds the SQLite file, logs and the key file). */
  home: string;
  drop(): Promise<void>;
}

/** Creates a fresh database (MySQL: `CREATE DATABASE mbt_<random>`; SQLite: a temp file). */
export async function freshDatabase(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<TestDb> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mallbridge-test-'));
  let databaseUrl: string | undefined;
  let dropMysql: (() => Promise<void>) | undefined;
  if (dialect === 'mysql') {
    if (!MYSQL_URL) throw new Error('MYSQL_URL is not set');
    const name = `mbt_${crypto.randomBytes(6).toString('hex')}`;
    const server = new URL(MYSQL_URL);
    const admin = knex({ client: 'mysql2', connection: { host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'), password: decodeURIComponent(server.password) } });
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    await admin.destroy();
    const url = new URL(MYSQL_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropMysql = async () => {
      const a = knex({ client: 'mysql2', connection: { host: server.hostname, port: Number(server.port || 3306), user: decodeURIComponent(server.username || 'root'), password: decodeURIComponent(server.password) } });
      await a.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.destroy();
    };
  }
  const db = openDatabase({ databaseUrl, sqlitePath: path.join(home, 'mallbridge.sqlite') });
  if (options.migrate !== false) await migrateLatest(db);
  return {
    db,
    dialect,
    databaseUrl,
    home,
    async drop() {
      await closeDatabase(db);
      if (dropMysql) await dropMysql();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
