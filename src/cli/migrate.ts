import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { BerthConfig } from '../config/schema.js';
import { COPIED_TABLES, SKIPPED_TABLES, plannedAction } from '../metadata/transfer/catalogue.js';
import { postgresOptions } from '../metadata/open.js';
import { SchemaMismatchError, copyTable } from '../metadata/transfer/copy-table.js';
import { PostgresTarget } from '../metadata/transfer/postgres-target.js';
import { SourceInUseError, SqliteSource } from '../metadata/transfer/sqlite-source.js';
import { MIGRATION_UPLOAD_PREFIX } from '../storage/copy-blob.js';
import { openBlobStore } from '../storage/open-blob-store.js';
import { migrateBlobs } from './migrate-blobs.js';
import { KeyringMismatchError, prepareDestinationKeyring } from './migrate-keyring.js';
import { type MigrateSummary, emptySummary, formatSummary } from './migrate-report.js';
import type { CliIo } from './offline.js';
import { processIo } from './offline.js';
import { type ConfigFlags, existingDataConfig, withConfigOptions } from './options.js';

export interface MigrateFlags extends ConfigFlags {
  to?: string;
  json?: boolean;
}

/** The migration cannot (or must not) go ahead; nothing was changed that a rerun could not redo. */
export class MigrateRefused extends Error {}

export function registerMigrate(program: Command): void {
  // Only -c/-d: the source must exist (no --init), and nothing logs (no --log-level).
  withConfigOptions(
    program
      .command('migrate')
      .description(
        'copy a single-node Berth (SQLite + filesystem: --data/--config) onto PostgreSQL + S3 (--to): every table and every blob, verified; resumable; stop `berth serve` first',
      ),
  )
    .requiredOption('--to <file>', 'YAML configuration of the destination (metadata.driver postgres, storage.driver s3); BERTH_* variables do not apply to it')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: MigrateFlags) => {
      process.exitCode = await runMigrate(flags, processIo());
    });
}

/**
 * `berth migrate`: progress to stderr, the summary to stdout. Exit code 0 when everything is on
 * the destination, 1 when some blobs failed (the rest is copied; run again after fixing them),
 * 2 when it refused to start.
 */
export async function runMigrate(flags: MigrateFlags, io: CliIo): Promise<number> {
  try {
    const summary = await migrate(flags, io);
    io.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatSummary(summary)}\n`);
    return summary.failures.length === 0 ? 0 : 1;
  } catch (err) {
    if (!(err instanceof MigrateRefused)) throw err;
    io.stderr.write(`berth migrate: ${err.message}\n`);
    return 2;
  }
}

async function migrate(flags: MigrateFlags, io: CliIo): Promise<MigrateSummary> {
  const { sourceConfig, destinationConfig } = configs(flags, io.env);
  const sqliteFile = sourceConfig.metadata.sqlite.file ?? join(sourceConfig.dataDir, 'metadata.db');
  const s3 = destinationConfig.storage.s3!;
  const summary = emptySummary(
    `sqlite ${resolve(sqliteFile)} + ${resolve(sourceConfig.storage.filesystem.root ?? join(sourceConfig.dataDir, 'storage'))}`,
    `postgresql ${redactUrl(destinationConfig.metadata.postgres.url!)} + s3://${s3.bucket}${s3.prefix ? `/${s3.prefix}` : ''}`,
  );
  summary.skippedTables = Object.entries(SKIPPED_TABLES).map(([name, reason]) => ({ name, reason }));
  const source = refusing(() => SqliteSource.open(sqliteFile));
  try {
    const unknown = source.tables().filter((table) => plannedAction(table) === undefined);
    if (unknown.length > 0) throw new MigrateRefused(`the source has table(s) this version does not know how to move: ${unknown.join(', ')}`);

    const keyNote = refusing(() =>
      prepareDestinationKeyring(
        sourceConfig,
        destinationConfig,
        [...source.rows('iam_access_keys')].map((r) => ({ accessKeyId: String(r.access_key_id), sealedSecret: String(r.sealed_secret) })),
      ),
    );
    if (keyNote) summary.notes.push(keyNote);

    const target = await PostgresTarget.open({ ...postgresOptions(destinationConfig.metadata.postgres), poolSize: 2 });
    try {
      const sourceBlobs = openBlobStore(sourceConfig.storage, sourceConfig.dataDir);
      const destinationBlobs = openBlobStore(destinationConfig.storage, destinationConfig.dataDir);
      await destinationBlobs.driver.check?.();

      const [sourceIds, targetIds] = [source.migrationIds(), await target.migrationIds()];
      const unknownToTarget = sourceIds.filter((id) => !targetIds.includes(id));
      if (unknownToTarget.length > 0) throw new MigrateRefused(`the source's schema is newer than this Berth's PostgreSQL schema (${unknownToTarget.join(', ')})`);

      const identity = source.identity();
      let state = await target.state();
      if (state && state.source !== identity) {
        throw new MigrateRefused(`the destination holds a migration from another source (${state.source}, this one is ${identity}): use an empty database and bucket`);
      }
      if (!state) {
        const occupied = await target.occupiedTables();
        if (occupied.length > 0) throw new MigrateRefused(`the destination database already holds data (${occupied.join(', ')}): migrate into an empty database`);
        await refuseForeignBlobs(source, destinationBlobs);
        await target.begin(identity);
        state = { source: identity, tables: new Map(), blobsDone: false };
      }

      // A done table whose row count moved: the source was used between runs. Before the move
      // completed, every table is copied again; after, the destination may be in use: never overwrite it.
      const changed = [...state.tables].filter(([table, rows]) => source.count(table) !== rows);
      const complete = state.blobsDone && COPIED_TABLES.every((t) => state.tables.has(t));
      if (changed.length > 0 && complete) {
        throw new MigrateRefused(
          `the migration completed earlier, and the source changed since (${changed.map(([t]) => t).join(', ')}): the destination may be in use, so it is not overwritten; migrate into an empty database and bucket to start over`,
        );
      }
      if (changed.length > 0) {
        io.stderr.write(`the source changed since the last run (${changed.map(([t]) => t).join(', ')}): copying every table again\n`);
        await target.forgetTables();
        state.tables.clear();
        state.blobsDone = false;
      }
      const totals = source.blobTotals();
      if (complete) {
        summary.alreadyComplete = true;
        summary.tables = COPIED_TABLES.map((name) => ({ name, rows: state.tables.get(name)!, state: 'already copied' }));
        summary.blobs = { ...summary.blobs, total: totals.count, totalBytes: totals.bytes, skipped: totals.count, skippedBytes: totals.bytes };
        return summary;
      }

      for (const table of COPIED_TABLES) {
        const done = state.tables.get(table);
        if (done !== undefined) {
          summary.tables.push({ name: table, rows: done, state: 'already copied' });
          continue;
        }
        const rows = await refusingAsync(() =>
          copyTable(source, target, table, (sofar) => {
            if (sofar % 10_000 === 0) io.stderr.write(`table ${table}: ${sofar} rows\n`);
          }),
        );
        io.stderr.write(`table ${table}: ${rows} rows copied\n`);
        summary.tables.push({ name: table, rows, state: 'copied' });
      }

      await migrateBlobs(source, sourceBlobs, destinationBlobs, summary, io);
      if (summary.failures.length === 0) await target.blobsDone();
      return summary;
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

function configs(flags: MigrateFlags, env: NodeJS.ProcessEnv): { sourceConfig: Readonly<BerthConfig>; destinationConfig: Readonly<BerthConfig> } {
  const sourceConfig = existingDataConfig(flags, env);
  if (sourceConfig.metadata.driver !== 'sqlite' || sourceConfig.storage.driver !== 'filesystem') {
    throw new MigrateRefused(
      `the source must be a single-node Berth (metadata.driver sqlite, storage.driver filesystem); it is ${sourceConfig.metadata.driver} + ${sourceConfig.storage.driver}`,
    );
  }
  // The destination is its file alone: the source's BERTH_* variables (its data directory among them) must not leak into it.
  const destinationConfig = loadConfig({ file: flags.to!, env: {} });
  if (destinationConfig.metadata.driver !== 'postgres' || !destinationConfig.metadata.postgres.url || destinationConfig.storage.driver !== 's3') {
    throw new MigrateRefused(
      `the destination (${flags.to}) must be PostgreSQL + S3 (metadata.driver postgres with metadata.postgres.url, storage.driver s3); it is ${destinationConfig.metadata.driver} + ${destinationConfig.storage.driver}`,
    );
  }
  return { sourceConfig, destinationConfig };
}

/** Blobs in the destination bucket that the source does not have belong to another deployment: its GC would be ours. */
async function refuseForeignBlobs(source: SqliteSource, destination: ReturnType<typeof openBlobStore>): Promise<void> {
  for await (const blob of destination.walkBlobs()) {
    if (!source.hasBlob(blob.digest)) {
      throw new MigrateRefused(`the destination bucket already holds blobs the source does not have (e.g. ${blob.digest}): use an empty bucket or another storage.s3.prefix`);
    }
  }
  const uploads = (await destination.listUploadIds()).filter((id) => !id.startsWith(MIGRATION_UPLOAD_PREFIX));
  if (uploads.length > 0) throw new MigrateRefused(`the destination bucket holds uploads in progress (${uploads[0]}…): use an empty bucket or another storage.s3.prefix`);
}

/** Runs a step whose expected failures (source in use, keyring, schema) are refusals. */
function refusing<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw asRefusal(err);
  }
}

async function refusingAsync<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw asRefusal(err);
  }
}

function asRefusal(err: unknown): unknown {
  const expected = err instanceof SourceInUseError || err instanceof KeyringMismatchError || err instanceof SchemaMismatchError;
  return expected ? new MigrateRefused(err.message, { cause: err }) : err;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
