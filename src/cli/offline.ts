import type { Command } from 'commander';
import { pino } from 'pino';
import { openStores } from '../app.js';
import { loadConfig } from '../config/load.js';
import type { BerthConfig, BerthConfigInput } from '../config/schema.js';
import { BlobGuard } from '../gc/blob-guard.js';
import type { MetadataStore } from '../metadata/store.js';
import { type Registry, createRegistry } from '../registry/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { Logger } from '../util/logger.js';

/** Flags every command that works on the configured stores directly (beside a running server) takes. */
export interface StoreFlags {
  config?: string;
  data?: string;
  logLevel?: string;
}

/** Where a command writes and what it reads; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborts long work (SIGINT); what is done stays done. */
  signal?: AbortSignal;
}

export function withStoreOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML configuration file (env BERTH_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env BERTH_DATA_DIR, default ./berth-data)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (default warn)');
}

/** The process's own io, with SIGINT aborting the command's work. */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
}

export interface OfflineContext {
  config: Readonly<BerthConfig>;
  log: Logger;
  store: MetadataStore;
  blobs: BlobStore;
  /** The registry services over these stores (with GC's blob guard, as the server has them). */
  registry(): Registry;
  close(): Promise<void>;
}

/**
 * Opens the configured stores for a command that runs beside (or instead of) `berth serve`:
 * SQLite in WAL mode and GC's per-digest leases make that safe. Logs go to stderr.
 */
export function openOffline(flags: StoreFlags, io: CliIo): OfflineContext {
  const overrides: BerthConfigInput = { log: { level: (flags.logLevel ?? 'warn') as 'warn' } };
  if (flags.data) overrides.dataDir = flags.data;
  const config = loadConfig({ file: flags.config ?? io.env.BERTH_CONFIG, env: io.env, overrides });
  const log = pino({ level: config.log.level }, io.stderr);
  const { store, blobs } = openStores(config);
  let registry: Registry | undefined;
  return {
    config,
    log,
    store,
    blobs,
    registry: () =>
      (registry ??= createRegistry({
        store,
        blobs,
        options: config.registry,
        log,
        now: () => new Date(),
        guard: new BlobGuard(store.gc, { graceMs: config.gc.graceSeconds * 1000, log }),
      })),
    close: () => store.close(),
  };
}
