import type { Command } from 'commander';
import { pino } from 'pino';
import { type BerthCore, openCore } from '../app/core.js';
import { checkDeployment } from '../app/deployment-guard.js';
import type { BerthConfig } from '../config/schema.js';
import { isDomainError } from '../domain/errors.js';
import { IdentityService } from '../iam/identities.js';
import { loadKeyring } from '../iam/keyring-source.js';
import type { MetadataStore } from '../metadata/store.js';
import { type ConfigFlags, existingDataConfig } from './options.js';

export interface AdminIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Receives 1 when the action failed (process.exitCode for the real CLI). */
  fail(code: number): void;
}

export interface AdminContext {
  config: Readonly<BerthConfig>;
  store: MetadataStore;
  identities: IdentityService;
  /** --account, else the configured default account. */
  account(flag: string | undefined): string;
}


/**
 * Runs one `berth admin` action against the configured data directory, directly on the metadata
 * store (SQLite in WAL mode, so this works while `berth serve` runs): prints the result as JSON on
 * stdout, or the problem on stderr with exit code 1. A running server sees deleted or deactivated
 * keys within auth.credentialCacheSeconds.
 */
export function adminAction<A extends unknown[]>(
  io: AdminIo,
  action: (ctx: AdminContext, ...args: A) => Promise<unknown>,
): (...args: [...A, Command]) => Promise<void> {
  return async (...args) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<ConfigFlags>();
    let core: BerthCore | undefined;
    try {
      const config = existingDataConfig(globals, io.env, { log: { level: 'silent' } });
      core = await openCore(config, { log: pino({ level: config.log.level }, io.stderr) });
      const { store } = core;
      const { keyring } = loadKeyring(config);
      // Keys sealed with another keyring than the servers' would be unreadable to them.
      await checkDeployment(store, { keyring, storage: config.storage }, core.clock);
      const identities = new IdentityService({ store: store.iam, keyring, now: core.clock });
      // The default account exists from the server's first start; make sure it does for a CLI run before it.
      await identities.ensureAccount(config.accountId);
      const ctx: AdminContext = { config, store, identities, account: (flag) => flag ?? config.accountId };
      const result = await action(ctx, ...(args.slice(0, -1) as A));
      io.stdout.write(`${JSON.stringify(result ?? { ok: true }, null, 2)}\n`);
    } catch (err) {
      const message = isDomainError(err) || err instanceof Error ? err.message : String(err);
      io.stderr.write(`berth admin: ${message}\n`);
      io.fail(1);
    } finally {
      await core?.close();
    }
  };
}
