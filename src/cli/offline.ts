import type { Command } from 'commander';
import { pino } from 'pino';
import { type BerthCore, openCore } from '../app/core.js';
import { checkDeployment } from '../app/deployment-guard.js';
import { type ConfigFlags, existingDataConfig, withConfigOptions } from './options.js';

/** Flags every command that works on the configured stores directly (beside a running server) takes. */
export type StoreFlags = ConfigFlags;

/** Where a command writes and what it reads; tests pass their own. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborts long work (SIGINT); what is done stays done. */
  signal?: AbortSignal;
}

export function withStoreOptions(command: Command): Command {
  return withConfigOptions(command, { logLevel: 'default warn', existingData: true });
}

/** The process's own io, with SIGINT aborting the command's work. */
export function processIo(): CliIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new Error('interrupted')));
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
}

/**
 * Opens the core `berth serve` opens (stores, registry services with GC's blob guard, the clock)
 * for a command that runs beside (or instead of) a server: SQLite in WAL mode (or PostgreSQL) and
 * GC's per-digest leases make that safe. Nothing starts in the background. Logs go to stderr. A
 * data directory that does not exist is refused unless --init.
 */
export async function openOffline(flags: StoreFlags, io: CliIo): Promise<BerthCore> {
  const config = existingDataConfig(flags, io.env, { log: { level: (flags.logLevel ?? 'warn') as 'warn' } });
  const core = await openCore(config, { log: pino({ level: config.log.level }, io.stderr) });
  try {
    // A command on another bucket than the servers' would see every blob missing, and `gc` would
    // delete that bucket's files as orphans.
    await checkDeployment(core.store, { storage: config.storage }, core.clock);
  } catch (err) {
    await core.close();
    throw err;
  }
  return core;
}
