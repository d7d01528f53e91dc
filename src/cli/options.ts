import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../config/load.js';
import type { BerthConfig, BerthConfigInput } from '../config/schema.js';

/** The flags every command that reads the configuration takes. */
export interface ConfigFlags {
  config?: string;
  data?: string;
  logLevel?: string;
  /** Create the data directory when it does not exist (commands on existing data only). */
  init?: boolean;
}

/**
 * Declares -c/--config and -d/--data (and --log-level, when `logLevel` says where its default
 * comes from; --init for commands on existing data) on a command: the one declaration of the flags
 * `berth serve`, `berth admin`, `berth gc`, `berth lifecycle` and `berth vulndb` share.
 */
export function withConfigOptions(command: Command, options: { logLevel?: string; existingData?: boolean } = {}): Command {
  command
    .option('-c, --config <file>', 'YAML configuration file (env BERTH_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env BERTH_DATA_DIR, default ./berth-data)');
  if (options.logLevel) command.option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent (${options.logLevel})`);
  if (options.existingData) command.option('--init', 'create the data directory when it does not exist (without it, a missing one is refused)');
  return command;
}

/** A command's configuration: the file (--config, else BERTH_CONFIG), the environment, then its flags. */
export function configFromFlags(flags: ConfigFlags, env: NodeJS.ProcessEnv, overrides: BerthConfigInput = {}): Readonly<BerthConfig> {
  return loadConfig({ file: flags.config ?? env.BERTH_CONFIG, env, overrides: { ...overrides, ...(flags.data && { dataDir: flags.data }) } });
}

/**
 * The configuration of a command that works on existing data (all but `berth serve`): a data
 * directory that does not exist is refused unless --init, so a mistyped --data is an error rather
 * than a new, empty store (or a new keyring). A configuration that keeps nothing there (metadata,
 * blobs and keyring all placed elsewhere) does not need one.
 */
export function existingDataConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, overrides: BerthConfigInput = {}): Readonly<BerthConfig> {
  const config = configFromFlags(flags, env, overrides);
  if (!flags.init && keepsDataInDataDir(config) && !existsSync(config.dataDir)) {
    throw new ConfigError(
      `data directory ${resolve(config.dataDir)} does not exist: check --data (or BERTH_DATA_DIR, dataDir), or pass --init to create it (\`berth serve\` creates it on first start)`,
    );
  }
  return config;
}

function keepsDataInDataDir(config: Readonly<BerthConfig>): boolean {
  const { metadata, storage, auth } = config;
  return (
    (metadata.driver === 'sqlite' && metadata.sqlite.file === undefined) ||
    (storage.driver === 'filesystem' && storage.filesystem.root === undefined) ||
    (auth.keyring === undefined && auth.keyringFile === undefined)
  );
}
