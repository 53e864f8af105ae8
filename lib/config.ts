import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** An unset variable and an empty one mean the same thing. */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const secretKey = optionalText.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const bytes = Buffer.from(v, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || bytes.length !== 32) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be 32 random bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`',
    });
    return z.NEVER;
  }
  return bytes;
});

const urlWithScheme = (schemes: string[], example: string) =>
  optionalText.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return schemes.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL like ${example}` },
  );

/** The environment variables mallbridge reads (design.md §9), parsed with zod. */
export const EnvSchema = z.object({
  DATABASE_URL: urlWithScheme(['mysql:'], 'mysql://user@127.0.0.1:3306/mallbridge (with :password after the user when it has one)'),
  MALLBRIDGE_HOME: optionalText,
  MALLBRIDGE_SECRET_KEY: secretKey,
  REDIS_URL: urlWithScheme(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  LOG_LEVEL: optionalText.pipe(z.enum(['error', 'warn', 'info', 'debug'], { error: (iss) => `must be one of error, warn, info, debug (got "${String(iss.input)}")` }).optional()),
});
export type EnvSchema = z.infer<typeof EnvSchema>;

/** Configuration of one process, resolved from the environment once at start. */
export interface Config {
  /** `mysql://…` or undefined for the embedded SQLite database. */
  databaseUrl: string | undefined;
  /** Absolute path of MALLBRIDGE_HOME (default `var/` under the working directory). */
  home: string;
  /** 32-byte credentials key from MALLBRIDGE_SECRET_KEY, when set. */
  secretKey: Buffer | undefined;
  redisUrl: string | undefined;
  /** LOG_LEVEL when set; otherwise the logger picks a default. */
  logLevel: 'error' | 'warn' | 'info' | 'debug' | undefined;
  /** `$MALLBRIDGE_HOME/mallbridge.sqlite` */
  sqlitePath: string;
  /** `$MALLBRIDGE_HOME/logs` */
  logsDir: string;
  /** `$MALLBRIDGE_HOME/secret.key`, made on first use when no key is configured (SQLite only). */
  secretKeyFile: string;
}

/**
 * Reads `.env` from the working directory (values already in the environment win; `$` is never
 * expanded, so a Naver secret such as `$2a$04$…` survives), then parses the variables.
 *
 * @throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const dotenvPath = path.join(cwd, '.env');
  const merged: Record<string, string | undefined> = { ...env };
  if (env === process.env && fs.existsSync(dotenvPath)) {
    const parsed = dotenv.parse(fs.readFileSync(dotenvPath));
    for (const [k, v] of Object.entries(parsed)) if (merged[k] === undefined) merged[k] = v;
  }
  const result = EnvSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${variable} ${issue.message}`, variable);
  }
  const e = result.data;
  const home = path.resolve(cwd, e.MALLBRIDGE_HOME ?? 'var');
  return {
    databaseUrl: e.DATABASE_URL,
    home,
    secretKey: e.MALLBRIDGE_SECRET_KEY,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    sqlitePath: path.join(home, 'mallbridge.sqlite'),
    logsDir: path.join(home, 'logs'),
    secretKeyFile: path.join(home, 'secret.key'),
  };
}
