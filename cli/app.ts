import fs from 'node:fs';
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
      fs.mkdirSync(this.config.logsDir, { recursive: true });
      fs.accessSync(this.config.logsDir, fs.constants.W_OK);
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

  /**
   * The credentials key. With `forNewCredentials` (credentials are about to be stored), an
   * embedded database may get a new key file — unless shops already hold credentials, which
   * would then be unreadable; it says so on stderr when it makes one.
   *
   * @throws ConfigError when there is no usable key.
   */
  secretKey(forNewCredentials = false): Buffer {
    if (!this.key) {
      const create = forNewCredentials && this.storedCredentials === 0;
      if (forNewCredentials && !create && !this.config.secretKey && !this.config.databaseUrl && !fs.existsSync(this.config.secretKeyFile)) {
        throw new ConfigError(`${this.config.secretKeyFile} is missing but ${this.storedCredentials} shops hold credentials encrypted with it; restore it from a backup (or set MALLBRIDGE_SECRET_KEY to that key) before storing new credentials`, 'MALLBRIDGE_SECRET_KEY');
      }
      const k = resolveSecretKey(this.config, { create });
      if (k.source === 'new-file') {
        process.stderr.write(`Created a new credentials key in ${k.file} (mode 0600). Back it up: without it the stored shop credentials cannot be read. Set MALLBRIDGE_SECRET_KEY to use a key of your own.\n`);
      }
      this.key = k.key;
    }
    return this.key;
  }

  /** Shops holding credentials, counted when the pipeline deps are made (guards the key file). */
  private storedCredentials = 0;

  /** What pipelines are given. */
  async deps(): Promise<PipelineDeps> {
    const db = await this.migratedDb();
    if (this.config.redisUrl) {
      const { checkRedis } = await import('../lib/redis-check.js');
      await checkRedis(this.config.redisUrl);
    }
    this.storedCredentials = Number(((await db.knex('shops').count({ n: '*' }).first()) as { n: number }).n);
    return { config: this.config, db, logger: this.logger, now: () => new Date(), secretKey: (forNew?: boolean) => this.secretKey(forNew) };
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
