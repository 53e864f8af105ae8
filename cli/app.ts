import { loadConfig, type Config } from '../lib/config.js';
import { ConfigError } from '../lib/errors.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { resolveSecretKey } from '../lib/secrets.js';
import { closeDatabase, openDatabase, type Db } from '../data/db.js';
import { pendingMigrations } from '../data/migrate.js';
import type { PipelineDeps } from '../pipelines/deps.js';

/** One command's process-wide parts, created on first use and closed when the command ends. */
export class App {
  readonly config: Config;
  readonly logger: Logger;
  readonly json: boolean;
  private database: Db | undefined;
  private key: Buffer | undefined;

  constructor(options: { json: boolean }) {
    this.config = loadConfig();
    this.json = options.json;
    this.logger = createLogger({ logsDir: this.config.logsDir, ...(this.config.logLevel ? { level: this.config.logLevel } : {}) });
  }

  /** The database, opened on first use. */
  db(): Db {
    this.database ??= openDatabase(this.config);
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
      throw new ConfigError(`cannot open the database ${db.description}: ${(err as Error).message}`, db.dialect === 'mysql' ? 'DATABASE_URL' : 'MALLBRIDGE_HOME', { cause: err });
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
