import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { BerthConfig, BerthConfigInput } from '../config/schema.js';

/** The flags every command that reads the configuration takes. */
export interface ConfigFlags {
  config?: string;
  data?: string;
  logLevel?: string;
}

/**
 * Declares -c/--config and -d/--data (and --log-level, when `logLevel` says where its default
 * comes from) on a command: the one declaration of the flags `berth serve`, `berth admin`,
 * `berth gc`, `berth lifecycle` and `berth vulndb` share.
 */
export function withConfigOptions(command: Command, options: { logLevel?: string } = {}): Command {
  command
    .option('-c, --config <file>', 'YAML configuration file (env BERTH_CONFIG)')
    .option('-d, --data <dir>', 'data directory (env BERTH_DATA_DIR, default ./berth-data)');
  if (options.logLevel) command.option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent (${options.logLevel})`);
  return command;
}

/** A command's configuration: the file (--config, else BERTH_CONFIG), the environment, then its flags. */
export function configFromFlags(flags: ConfigFlags, env: NodeJS.ProcessEnv, overrides: BerthConfigInput = {}): Readonly<BerthConfig> {
  return loadConfig({ file: flags.config ?? env.BERTH_CONFIG, env, overrides: { ...overrides, ...(flags.data && { dataDir: flags.data }) } });
}
