/**
 * Databases for tests on the private PostgreSQL server of the `engines` project
 * (test/engines/postgres.ts, reached with `withPostgres`). Each test file works in a database of
 * its own, so files run in parallel without seeing each other, and each test starts from that
 * database emptied.
 *
 * Measured on the harness's server (fsync off): cloning a migrated template with CREATE DATABASE
 * … STRATEGY FILE_COPY takes ~140 ms (the default WAL_LOG strategy ~690 ms, an empty database
 * migrated from scratch ~550 ms); emptying the file's database between tests takes ~3 ms (DELETE
 * in one round trip, against ~70–270 ms for TRUNCATE). So: one clone per file, one reset per test.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { allPostgresMigrations } from '../../src/metadata/postgres/all-migrations.js';
import { PostgresDatabase, type PostgresOptions } from '../../src/metadata/postgres/database.js';
import { PostgresMetadataStore } from '../../src/metadata/postgres/store.js';

/** Where each table's rows as migrated are kept (the rows migrations insert), to restore them on reset. */
const SEEDS = 'berth_test_seeds';

interface FileDatabase {
  url: string;
  /** Back to the rows the migrations left; undefined until the database was handed out once. */
  reset?: string;
}

const templates = new Map<string, Promise<string>>();
const files = new Map<string, Promise<FileDatabase>>();

/**
 * This test file's database, with every migration applied and only the rows migrations insert:
 * cloned from a template on first use, emptied on every later call. Returns its URL.
 */
export async function freshDatabase(serverUrl: string): Promise<string> {
  let file = files.get(serverUrl);
  if (!file) files.set(serverUrl, (file = cloneForFile(serverUrl)));
  const database = await file;
  if (database.reset === undefined) database.reset = await resetStatement(database.url);
  else await withClient(database.url, (client) => client.query(database.reset!));
  return database.url;
}

/** A new database without any table; returns its URL. */
export async function emptyDatabase(serverUrl: string): Promise<string> {
  const name = uniqueName('empty');
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return databaseUrl(serverUrl, name);
}

/** A PostgresMetadataStore on this file's database, emptied (see freshDatabase). */
export async function openPostgresStore(serverUrl: string, options: Partial<PostgresOptions> = {}): Promise<PostgresMetadataStore> {
  return PostgresMetadataStore.open({ url: await freshDatabase(serverUrl), poolSize: 4, ...options });
}

async function cloneForFile(serverUrl: string): Promise<FileDatabase> {
  const template = await migratedTemplate(serverUrl);
  const name = uniqueName('file');
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}" STRATEGY FILE_COPY`));
  return { url: databaseUrl(serverUrl, name) };
}

/**
 * Records the rows the migrations inserted (into SEEDS) and returns the one statement that
 * empties every table and puts them back. Foreign keys are not checked meanwhile
 * (session_replication_role), so the order of the tables does not matter.
 */
async function resetStatement(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const tables = (
      await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`)
    ).rows.map((r) => r.name);
    await client.query(`CREATE SCHEMA ${SEEDS}`);
    const seeded: string[] = [];
    for (const table of tables) {
      const { rowCount } = await client.query(`CREATE TABLE ${SEEDS}."${table}" AS SELECT * FROM public."${table}"`);
      if (rowCount) seeded.push(table);
    }
    return [
      'SET session_replication_role = replica;',
      ...tables.map((t) => `DELETE FROM public."${t}";`),
      ...seeded.map((t) => `INSERT INTO public."${t}" OVERRIDING SYSTEM VALUE SELECT * FROM ${SEEDS}."${t}";`),
      'SET session_replication_role = DEFAULT;',
    ].join('\n');
  });
}

/**
 * The template for this set of migrations, named after their hash: made once per server by
 * whichever test process gets there first (the others wait on an advisory lock), migrated under
 * another name and renamed when complete, so no one clones a half-migrated template.
 */
function migratedTemplate(serverUrl: string): Promise<string> {
  let template = templates.get(serverUrl);
  if (!template) templates.set(serverUrl, (template = makeTemplate(serverUrl)));
  return template;
}

async function makeTemplate(serverUrl: string): Promise<string> {
  const hash = createHash('sha256');
  for (const m of allPostgresMigrations) hash.update(`${m.id}\0${m.postgres}\0`);
  const name = `berth_template_${hash.digest('hex').slice(0, 16)}`;
  await withClient(serverUrl, async (client) => {
    await client.query(`SELECT pg_advisory_lock(hashtext('berth test template'))`);
    if ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) return;
    const building = `${name}_building`;
    await client.query(`DROP DATABASE IF EXISTS "${building}"`);
    await client.query(`CREATE DATABASE "${building}"`);
    const database = new PostgresDatabase({ url: databaseUrl(serverUrl, building), poolSize: 1 });
    try {
      await database.migrate(allPostgresMigrations);
    } finally {
      await database.close();
    }
    await client.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
  });
  return name;
}

function uniqueName(kind: string): string {
  return `berth_${kind}_${process.pid}_${randomBytes(5).toString('hex')}`;
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
