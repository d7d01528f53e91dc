/**
 * A private PostgreSQL server for tests: initdb into a temp directory, postgres on 127.0.0.1 on a
 * free port with durability off (fsync, synchronous_commit, full_page_writes), trust
 * authentication for the `postgres` superuser. PostgreSQL refuses to run as root, so as root
 * (CI) initdb and postgres run as the `postgres` system user the Debian package creates.
 * Measured: initdb ~1–1.3 s, start ~0.3 s, CREATE DATABASE ~150 ms, ~75 MB over its processes.
 *
 * Debian package: postgresql (15: /usr/lib/postgresql/15/bin; BERTH_TEST_PG_BIN overrides).
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type Daemon, type Running, freePort, launchEngine, missingBinaries, startDaemon, waitUntil } from './daemons.js';

const run = promisify(execFile);

export const PG_BIN = process.env.BERTH_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
}

export type Postgres = Running<PostgresServer>;

/** Why PostgreSQL cannot be started here, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  const missing = missingBinaries(['initdb', 'postgres', 'pg_isready'].map((name) => join(PG_BIN, name)));
  if (missing.length > 0) return `${missing.join(', ')} not found (Debian package postgresql, see .ci/run)`;
  if (process.getuid?.() === 0 && !systemUser('postgres')) return 'running as root needs the postgres system user (Debian package postgresql)';
  return undefined;
}

export async function startPostgres(options: { timeoutMs?: number } = {}): Promise<Postgres> {
  const unavailable = postgresUnavailable();
  if (unavailable) throw new Error(`cannot start PostgreSQL: ${unavailable}`);
  // SIGINT is the fast shutdown: open connections are ended instead of waited for.
  return launchEngine('postgres', (dir, daemons) => start(dir, daemons, options.timeoutMs ?? 60_000), { stopSignal: 'SIGINT' });
}

async function start(dir: string, daemons: Daemon[], timeoutMs: number): Promise<PostgresServer> {
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  const data = join(dir, 'data');
  const sockets = join(dir, 'sockets');
  // The postgres user must reach its directories inside root's run directory.
  await chmod(dir, 0o755);
  for (const sub of [data, sockets]) {
    await mkdir(sub, { mode: 0o700 });
    if (owner) await chown(sub, owner.uid, owner.gid);
  }
  const as = { ...owner, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', HOME: dir } };
  await run(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], {
    ...as,
    timeout: timeoutMs,
  });
  // A port taken between choosing and binding makes postgres exit at once: try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const daemon = await startDaemon(
      dir,
      'postgres',
      join(PG_BIN, 'postgres'),
      ['-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
      as,
    );
    daemons.splice(0, daemons.length, daemon);
    try {
      await waitUntil('postgres', () => isReady(port), { dir, daemons, timeoutMs, intervalMs: 50 });
    } catch (err) {
      const log = await readFile(daemon.log, 'utf8').catch(() => '');
      if (attempt < 3 && daemon.exit !== undefined && /could not bind|already in use/i.test(log)) continue;
      throw err;
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return { url, port, createDatabase: (name) => createDatabase(url, name) };
  }
}

async function isReady(port: number): Promise<boolean> {
  try {
    await run(join(PG_BIN, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** Creates database `name` on the server at `url` (the postgres superuser's); returns the new database's URL. */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name "${name}" must be lower-case letters, digits and _`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const created = new URL(url);
  created.pathname = `/${name}`;
  return created.toString();
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}
