import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { Config } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';

export type Dialect = 'mysql' | 'sqlite';

/** An open database: the knex instance and which dialect it speaks. */
export interface Db {
  knex: Knex;
  dialect: Dialect;
  /** Where it lives, for messages: the SQLite path or the MySQL URL without password. */
  description: string;
}

/** Knex or a transaction of it: what every store function takes. */
export type Conn = Knex | Knex.Transaction;

/**
 * knex's own console output is silenced: every failure it reports there also reaches the caller
 * as an error, which the command line turns into one clear sentence (a stack trace on the
 * terminal helps nobody).
 */
const quiet = { warn() {}, error() {}, deprecate() {}, debug() {} };

/**
 * Opens the database of `config`: MySQL (mysql2, UTC, utf8mb4, DATETIME as strings) when
 * DATABASE_URL is set, else the embedded SQLite file at `$MALLBRIDGE_HOME/mallbridge.sqlite`
 * (WAL, foreign keys on, 10 s busy timeout so two processes can share it).
 *
 * @throws ConfigError when DATABASE_URL cannot be used.
 */
export function openDatabase(config: Pick<Config, 'databaseUrl' | 'sqlitePath'>): Db {
  if (config.databaseUrl) return openMysql(config.databaseUrl);
  return openSqlite(config.sqlitePath);
}

function openMysql(url: string): Db {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new ConfigError('DATABASE_URL is not a valid URL', 'DATABASE_URL', { cause: err });
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database) throw new ConfigError('DATABASE_URL must name a database, e.g. mysql://root@127.0.0.1:3306/mallbridge', 'DATABASE_URL');
  const instance = knex({
    client: 'mysql2',
    log: quiet,
    connection: {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database,
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
    },
    pool: {
      min: 0,
      max: 5,
      afterCreate: (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
        // UTC session; READ COMMITTED so a row another worker committed (an insert of ours that
        // was ignored for it) is visible to the next statement of the same transaction.
        conn.query("SET time_zone = '+00:00', SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')", (err) => {
          if (err) return done(err, conn);
          conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err2) => done(err2, conn));
        });
      },
    },
  });
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  return { knex: instance, dialect: 'mysql', description: safe.toString() };
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const instance = knex({
    client: 'better-sqlite3',
    log: quiet,
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: Error | null, conn: unknown) => void) => {
        try {
          conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 10000');
          conn.pragma('synchronous = NORMAL');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  return { knex: instance, dialect: 'sqlite', description: file };
}

/** Closes the pool so the process can exit. */
export async function closeDatabase(db: Db): Promise<void> {
  await db.knex.destroy();
}

/** True when `conn` talks to MySQL (the one place that needs to know: locking reads). */
export function isMysql(conn: Conn): boolean {
  return (conn.client as { config: { client: string } }).config.client === 'mysql2';
}

/**
 * Turns a failure to reach or open the database into a ConfigError (exit 2) that names the
 * variable to fix; other errors are returned as they are.
 */
export function databaseConfigError(err: unknown, db: Db): unknown {
  const e = err as { code?: string; errno?: number; message?: string };
  const variable = db.dialect === 'mysql' ? 'DATABASE_URL' : 'MALLBRIDGE_HOME';
  const reachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'EACCES', 'EROFS', 'ENOTDIR', 'ENOENT', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_NOTADB'];
  if (!e || !reachable.includes(e.code ?? '')) return err;
  const hint = e.code === 'ER_BAD_DB_ERROR' ? ' (create the database first)' : e.code === 'SQLITE_NOTADB' ? ' (that file is not a SQLite database)' : '';
  return new ConfigError(`cannot open the database ${db.description}: ${e.message ?? e.code}${hint}; check ${variable}`, variable, { cause: err });
}
