import type { Command } from 'commander';
import { isDomainError } from '../domain/errors.js';
import { importAndAnnounce } from '../scanning/service/vulndb-import.js';
import type { ImportSummary } from '../scanning/vulndb/import.js';
import type { VulnDbStatus } from '../metadata/vulndb-store.js';
import { type CliIo, type StoreFlags, openOffline, withStoreOptions } from './offline.js';

export interface VulnDbFlags extends StoreFlags {
  source?: string;
  json?: boolean;
}

export type VulnDbIo = CliIo;

export function registerVulnDb(program: Command): void {
  const vulndb = program
    .command('vulndb')
    .description('the vulnerability database scans match against (kept in the metadata store; safe while `berth serve` runs)');
  const common = (command: Command) => withStoreOptions(command).option('--json', 'print the result as JSON');
  common(
    vulndb
      .command('import <path>')
      .description(
        'import advisories: an OSV folder (JSON/YAML) or .zip export, Alpine secdb YAML (file or folder), or Debian security tracker JSON; replaces the source\'s previous records and has continuously scanned images re-evaluated',
      )
      .option('-s, --source <name>', 'source name (default: derived from the path); re-importing a source replaces its records'),
  ).action(async (path: string, flags: VulnDbFlags) => {
    process.exitCode = await runVulnDbImport(path, flags, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  });
  common(vulndb.command('status').description('sources, record counts, database version and last update')).action(async (flags: VulnDbFlags) => {
    process.exitCode = await runVulnDbStatus(flags, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  });
}

/** `berth vulndb import <path>`: the import summary to stdout. Returns the exit code. */
export async function runVulnDbImport(path: string, flags: VulnDbFlags, io: VulnDbIo): Promise<number> {
  const core = await openOffline(flags, io);
  try {
    const summary = await importAndAnnounce(core.store, path, core.log, { now: core.clock, ...(flags.source && { source: flags.source }) });
    io.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatImport(summary));
    return summary.problems.length > 0 ? 1 : 0;
  } catch (err) {
    if (isDomainError(err)) {
      io.stderr.write(`berth vulndb import: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await core.close();
  }
}

/** `berth vulndb status`. Returns the exit code. */
export async function runVulnDbStatus(flags: VulnDbFlags, io: VulnDbIo): Promise<number> {
  const core = await openOffline(flags, io);
  try {
    const status = await core.store.vulnDb.status();
    io.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return 0;
  } finally {
    await core.close();
  }
}

function formatImport(s: ImportSummary): string {
  const lines = [
    `imported ${s.path} as source ${s.source} (${s.format}): ${s.files} file(s), ${s.records} record(s)`,
    `  added ${s.added}, updated ${s.updated}, unchanged ${s.unchanged}, removed ${s.removed}, withdrawn ${s.withdrawn}`,
    `  database version ${s.version}${s.changed ? ' (changed: continuously scanned images will be re-evaluated)' : ' (unchanged)'}, ${s.durationMs} ms`,
  ];
  if (s.problems.length > 0) {
    lines.push(`  ${s.problems.length} file(s) could not be used, so no records were removed:`);
    for (const p of s.problems) lines.push(`    ${p.file}: ${p.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatStatus(s: VulnDbStatus): string {
  const lines = [`version ${s.version}, ${s.records} record(s), last update ${s.updatedAt ?? 'never'}`];
  if (s.sources.length === 0) lines.push('no sources imported; run `berth vulndb import <path>`');
  for (const src of s.sources) {
    lines.push(`  ${src.name} (${src.format}): ${src.records} record(s) from ${src.location}; last import ${src.lastImportAt}, last change ${src.lastChangeAt ?? 'never'}`);
  }
  return `${lines.join('\n')}\n`;
}
