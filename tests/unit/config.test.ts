import { loadConfig } from '../../lib/config.js';
import { ConfigError } from '../../lib/errors.js';

describe('configuration from the environment', () => {
  test('defaults: embedded SQLite under var/, no key, no Redis', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c).toMatchObject({ databaseUrl: undefined, home: '/srv/app/var', sqlitePath: '/srv/app/var/mallbridge.sqlite', secretKey: undefined, redisUrl: undefined });
  });

  test('empty values mean unset; MALLBRIDGE_HOME is resolved against the working directory', () => {
    const c = loadConfig({ DATABASE_URL: '  ', MALLBRIDGE_HOME: 'data/mb' }, '/srv/app');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.home).toBe('/srv/app/data/mb');
  });

  test.each([
    [{ DATABASE_URL: 'postgres://x@h/db' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ MALLBRIDGE_SECRET_KEY: 'c2hvcnQ=' }, 'MALLBRIDGE_SECRET_KEY'],
    [{ MALLBRIDGE_SECRET_KEY: 'not base64 at all!!' }, 'MALLBRIDGE_SECRET_KEY'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL'],
  ])('%j is refused with a ConfigError naming %s (exit 2)', (env, variable) => {
    let err: unknown;
    try {
      loadConfig(env as NodeJS.ProcessEnv, '/srv/app');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).message.startsWith(variable)).toBe(true);
    expect((err as ConfigError).exitCode).toBe(2);
  });

  test('a 32-byte base64 key is accepted as bytes', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ MALLBRIDGE_SECRET_KEY: key }, '/x').secretKey).toEqual(Buffer.alloc(32, 7));
  });
});
