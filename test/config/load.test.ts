import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, listenAddress, loadConfig } from '../../src/config/load.js';
import { removeDir, tempDir } from '../support/temp.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('config');
});
afterAll(() => removeDir(dir));

async function yamlFile(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** The ConfigError a load throws (failing the test when it loads). */
function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('the configuration loaded');
}

describe('loadConfig', () => {
  it('starts from the embedded defaults: 127.0.0.1:5000, ./berth-data, fsync on, 30 s shutdown grace', () => {
    const config = loadConfig({ env: {} });
    expect(config.listen).toBe('127.0.0.1:5000');
    expect(config.dataDir).toBe('./berth-data');
    expect(config.storage.filesystem.fsync).toBe(true);
    expect(config.log.level).toBe('info');
    expect(config.shutdown.graceSeconds).toBe(30);
    expect(config.tls).toBeUndefined();
  });

  it('layers the YAML file, then BERTH_* variables, then command-line flags, each over the one before', async () => {
    const file = await yamlFile(
      'layers.yaml',
      'listen: 127.0.0.1:6000\ndataDir: /srv/from-file\nlog:\n  level: warn\nshutdown:\n  graceSeconds: 5\n',
    );
    const fromFile = loadConfig({ file, env: {} });
    expect([fromFile.listen, fromFile.dataDir, fromFile.log.level, fromFile.shutdown.graceSeconds]).toEqual([
      '127.0.0.1:6000',
      '/srv/from-file',
      'warn',
      5,
    ]);

    const env = { BERTH_LISTEN: '127.0.0.1:7000', BERTH_DATA_DIR: '/srv/from-env', BERTH_STORAGE_FSYNC: 'off' };
    const fromEnv = loadConfig({ file, env });
    expect([fromEnv.listen, fromEnv.dataDir, fromEnv.storage.filesystem.fsync, fromEnv.log.level]).toEqual([
      '127.0.0.1:7000',
      '/srv/from-env',
      false,
      'warn',
    ]);

    const fromFlags = loadConfig({ file, env, overrides: { listen: '127.0.0.1:8000' } });
    expect([fromFlags.listen, fromFlags.dataDir]).toEqual(['127.0.0.1:8000', '/srv/from-env']);
    // An empty variable is as good as unset (a shell's `BERTH_LISTEN=` does not blank the setting).
    expect(loadConfig({ file, env: { BERTH_LISTEN: '' } }).listen).toBe('127.0.0.1:6000');
  });

  it('reads IPv6 listen addresses', () => {
    expect(listenAddress(loadConfig({ env: { BERTH_LISTEN: '[::1]:5443' } }))).toEqual({ host: '::1', port: 5443 });
  });

  it('names every bad setting of a file on its own line, and says which file', async () => {
    const file = await yamlFile('bad.yaml', 'listen: nohost\nshutdown:\n  graceSeconds: -1\nlistn: 127.0.0.1:5000\n');
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.message.split('\n')).toEqual([
      `invalid configuration (${file} and environment):`,
      '  listen: must be HOST:PORT, e.g. 127.0.0.1:5000',
      '  shutdown.graceSeconds: Number must be greater than or equal to 0',
      "  (root): Unrecognized key(s) in object: 'listn'",
    ]);
  });

  it('refuses a port out of range, an unknown log level and a malformed account id', () => {
    expect(configError(() => loadConfig({ env: { BERTH_LISTEN: '127.0.0.1:99999' } })).message).toContain(
      'listen: port must be at most 65535',
    );
    expect(configError(() => loadConfig({ env: { BERTH_LOG_LEVEL: 'loud' } })).message).toContain('log.level: Invalid enum value');
    expect(configError(() => loadConfig({ env: { BERTH_ACCOUNT_ID: '1234' } })).message).toContain('accountId: must be 12 digits');
  });

  it('refuses a boolean variable that is not true/false, naming the variable', () => {
    expect(configError(() => loadConfig({ env: { BERTH_STORAGE_FSYNC: 'maybe' } })).message).toBe(
      'BERTH_STORAGE_FSYNC must be true or false, got "maybe"',
    );
    for (const yes of ['1', 'true', 'YES', 'on']) expect(loadConfig({ env: { BERTH_STORAGE_FSYNC: yes } }).storage.filesystem.fsync).toBe(true);
  });

  it('says so when the file is missing, is not YAML, or is not a mapping; an empty file means defaults', async () => {
    const missing = join(dir, 'missing.yaml');
    expect(configError(() => loadConfig({ file: missing, env: {} })).message).toMatch(
      new RegExp(`^cannot read config file ${missing}: ENOENT`),
    );
    const broken = await yamlFile('broken.yaml', 'listen: [unclosed\n');
    expect(configError(() => loadConfig({ file: broken, env: {} })).message).toMatch(new RegExp(`^config file ${broken} is not valid YAML`));
    const list = await yamlFile('list.yaml', '- a\n- b\n');
    expect(configError(() => loadConfig({ file: list, env: {} })).message).toBe(`config file ${list} must hold a mapping`);
    const empty = await yamlFile('empty.yaml', '');
    expect(loadConfig({ file: empty, env: {} }).listen).toBe('127.0.0.1:5000');
  });

  it('takes an unquoted 12-digit accountId as the digits written, leading zeros included', async () => {
    for (const id of ['123456789012', '012345678901', '000000000000']) {
      const file = await yamlFile(`account-${id}.yaml`, `accountId: ${id}\n`);
      expect(loadConfig({ file, env: {} }).accountId).toBe(id);
    }
    const quoted = await yamlFile('account-quoted.yaml', "accountId: '012345678901'\n");
    expect(loadConfig({ file: quoted, env: {} }).accountId).toBe('012345678901');
  });

  it('says to quote an unquoted accountId that is not 12 digits', async () => {
    for (const id of ['12345', '1234567890123', '1.5e11']) {
      const file = await yamlFile(`account-bad-${id}.yaml`, `accountId: ${id}\n`);
      expect(configError(() => loadConfig({ file, env: {} })).message).toBe(
        `config file ${file}: accountId ${id} is not 12 digits; write it as a quoted string of 12 digits, e.g. accountId: '012345678901'`,
      );
    }
  });

  it('keeps metadata in SQLite unless PostgreSQL is named or given a URL (BERTH_POSTGRES_URL)', async () => {
    expect(loadConfig({ env: {} }).metadata).toMatchObject({ driver: 'sqlite', postgres: { poolSize: 10, statementTimeoutMs: 30_000 } });
    const url = 'postgres://berth:secret@db.internal:5432/berth';
    expect(loadConfig({ env: { BERTH_POSTGRES_URL: url } }).metadata).toMatchObject({ driver: 'postgres', postgres: { url } });
    // Named explicitly, SQLite wins over a URL left in the environment.
    expect(loadConfig({ env: { BERTH_POSTGRES_URL: url, BERTH_METADATA_DRIVER: 'sqlite' } }).metadata.driver).toBe('sqlite');
    const file = await yamlFile(
      'postgres.yaml',
      `metadata:\n  postgres:\n    url: ${url}\n    poolSize: 25\n    statementTimeoutMs: 5000\n    ssl: { ca: /etc/berth/db-ca.pem }\n`,
    );
    expect(loadConfig({ file, env: {} }).metadata.postgres).toEqual({
      url,
      poolSize: 25,
      statementTimeoutMs: 5000,
      connectTimeoutMs: 10_000,
      ssl: { rejectUnauthorized: true, ca: '/etc/berth/db-ca.pem' },
    });
  });

  it('refuses PostgreSQL without a URL, a URL of another scheme, and a client certificate without its key', () => {
    expect(configError(() => loadConfig({ env: { BERTH_METADATA_DRIVER: 'postgres' } })).message).toContain(
      'metadata.postgres.url: metadata.driver postgres needs metadata.postgres.url (or BERTH_POSTGRES_URL)',
    );
    const wrong = configError(() => loadConfig({ env: { BERTH_POSTGRES_URL: 'mysql://u:secret@h/db' } })).message;
    expect(wrong).toContain('metadata.postgres.url: must be a postgres:// or postgresql:// URL');
    expect(wrong).not.toContain('secret');
    const half = { metadata: { postgres: { url: 'postgres://h/db', ssl: { cert: '/c.pem' } } } };
    expect(configError(() => loadConfig({ env: {}, overrides: half })).message).toContain('metadata.postgres.ssl: cert and key go together');
  });

  it('leaves job leases to each job type unless jobs.leaseSeconds sets one for all (5 s to an hour)', () => {
    expect(loadConfig({ env: {} }).jobs.leaseSeconds).toBeUndefined();
    expect(loadConfig({ env: {}, overrides: { jobs: { leaseSeconds: 5 } } }).jobs.leaseSeconds).toBe(5);
    for (const leaseSeconds of [0, 4, 2.5, 3601]) {
      expect(configError(() => loadConfig({ env: {}, overrides: { jobs: { leaseSeconds } } })).message).toContain('jobs.leaseSeconds');
    }
  });

  it('hands out a frozen configuration', () => {
    const config = loadConfig({ env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.storage.filesystem)).toBe(true);
  });
});
