import { loadConfig, type Config } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { resolveSecretKey } from '../lib/secrets.js';
import { closeDatabase, databaseConfigError, openDatabase, type Db } from '../data/db.js';
import { pendingMigrations } from '../data/migrate.js';
import type { PipelineDeps } from '../pipelines/deps.js';

/** One command's process-wide parts, created on first use and closed when the command ends. */
export class App {
  readonly config: Config;
  readonly logger!: Logger;
  readonly json: boolean;
  private database: Db | undefined;
  private key: Buffer | undefined;

  constructor(options: { json: boolean }) {
    this.config = loadConfig();
    this.json = options.json;
    try {
      this.logger = createLogger({ logsDir: this.config.logsDir, ...(this.config.logLevel ? { level: this.config.logLevel } : {}) });
    } catch (err) {
      throw new ConfigError(`MALLBRIDGE_HOME ${this.config.home}: cannot write the logs in ${this.config.logsDir} (${(err as Error).message})`, 'MALLBRIDGE_HOME', { cause: err });
    }
  }

  /**
   * The database, opened on first use.
   *
   * @throws ConfigError when its folder cannot be made.
   */
  db(): Db {
    if (!this.database) {
      try {
        this.database = openDatabase(this.config);
      } catch (err) {
        if (err instanceof ConfigError) throw err;
        throw new ConfigError(`MALLBRIDGE_HOME ${this.config.home}: cannot create the database file ${this.config.sqlitePath} (${(err as Error).message})`, 'MALLBRIDGE_HOME', { cause: err });
      }
    }
    return this.database;
  }

  /**
   * The database, checked to be migrated.
   *
   * @throws ConfigError naming `mallbridge db migrate` when migrations are pending.
   */
  async migratedDb(): Promise<Db> {
    const db = this.db();
    let pending: string[];
    try {
      pending = await pendingMigrations(db);
    } catch (err) {
      const config = databaseConfigError(err, db);
      throw config instanceof ConfigError ? config : new ConfigError(`cannot open the database ${db.description}: ${(err as Error).message}`, db.dialect === 'mysql' ? 'DATABASE_URL' : 'MALLBRIDGE_HOME', { cause: err });
    }
    if (pending.length > 0) {
      throw new ConfigError(`the database ${db.description} is not up to date (${pending.length} migrations pending); run \`mallbridge db migrate\` first`);
    }
    return db;
  }

  /** The credentials key; says so on stderr when it had to create the key file. */
  secretKey(): Buffer {
    if (!this.key) {
      const k = resolveSecretKey(this.config);
      if (k.source === 'new-file') {
        process.stderr.write(`Created a new credentials key in ${k.file} (mode 0600). Back it up: without it the stored shop credentials cannot be read. Set MALLBRIDGE_SECRET_KEY to use a key of your own.\n`);
      }
      this.key = k.key;
    }
    return this.key;
  }

  /** What pipelines are given. */
  async deps(): Promise<PipelineDeps> {
    return { config: this.config, db: await this.migratedDb(), logger: this.logger, now: () => new Date(), secretKey: () => this.secretKey() };
  }

  async close(): Promise<void> {
    if (this.database) await closeDatabase(this.database);
    await new Promise<void>((resolve) => {
      this.logger.on('finish', () => resolve());
      this.logger.end();
      setTimeout(resolve, 500).unref();
    });
  }
}
