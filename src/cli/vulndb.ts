import type { Command } from 'commander';
import { isDomainError } from '../domain/errors.js';
import { importAndAnnounce } from '../scanning/service/vulndb-import.js';
import { type FeedOutcome, type FeedProgress, updateFeeds } from '../scanning/service/vulndb-update.js';
import type { ImportSummary } from '../scanning/vulndb/import.js';
import type { VulnDbStatus } from '../metadata/vulndb-store.js';
import { type CliIo, type StoreFlags, openOffline, processIo, withStoreOptions } from './offline.js';

export interface VulnDbFlags extends StoreFlags {
  source?: string;
  json?: boolean;
  /** `update`: only these feeds (by name). */
  feed?: string[];
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
  common(
    vulndb
      .command('update')
      .description(
        'download the configured feeds (scanning.feeds.sources; by default OSV exports, Alpine secdb, the Debian security tracker) and import each one that changed since the last update (ETag / If-Modified-Since)',
      )
      .option('-f, --feed <name...>', 'only these feeds'),
  ).action(async (flags: VulnDbFlags) => {
    process.exitCode = await runVulnDbUpdate(flags, processIo());
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

/**
 * `berth vulndb update`: progress on stderr, one line per feed (or the JSON outcomes) on stdout.
 * Exit code 1 when a feed failed (the others are still updated), 2 when a named feed is unknown.
 */
export async function runVulnDbUpdate(flags: VulnDbFlags, io: VulnDbIo): Promise<number> {
  const core = await openOffline(flags, io);
  try {
    const configured = core.config.scanning.feeds.sources;
    const unknown = (flags.feed ?? []).filter((name) => !configured.some((f) => f.name === name));
    if (unknown.length > 0) {
      io.stderr.write(`berth vulndb update: no feed named ${unknown.join(', ')}; configured: ${configured.map((f) => f.name).join(', ')}\n`);
      return 2;
    }
    const feeds = flags.feed ? configured.filter((f) => flags.feed!.includes(f.name)) : configured;
    const outcomes = await updateFeeds(core.store, feeds, core.log, {
      onProgress: (p) => io.stderr.write(formatProgress(p)),
      now: core.clock,
      ...(io.signal && { signal: io.signal }),
    });
    io.stdout.write(flags.json ? `${JSON.stringify(outcomes, null, 2)}\n` : outcomes.map(formatOutcome).join(''));
    return outcomes.some((o) => o.status === 'failed') ? 1 : 0;
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

const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

function formatProgress(p: FeedProgress): string {
  switch (p.phase) {
    case 'request':
      return `${p.feed}: fetching ${p.url}${p.conditional ? ' (if changed since the last update)' : ''}\n`;
    case 'download':
      return `${p.feed}: ${mib(p.received)}${p.total ? ` of ${mib(p.total)} (${Math.floor((100 * p.received) / p.total)}%)` : ''}\n`;
    case 'downloaded':
      return `${p.feed}: downloaded ${mib(p.received)} in ${(p.ms / 1000).toFixed(1)} s, importing\n`;
    case 'not-modified':
      return `${p.feed}: not modified since the last update\n`;
    case 'imported':
      return `${p.feed}: imported ${p.summary.records} record(s), database version ${p.summary.version}${p.summary.changed ? '' : ' (unchanged)'}\n`;
    case 'failed':
      return `${p.feed}: failed: ${p.error}\n`;
  }
}

function formatOutcome(o: FeedOutcome): string {
  if (o.status === 'imported' && o.import) {
    const s = o.import;
    return `${o.name}: imported (${s.format}), ${s.records} record(s): added ${s.added}, updated ${s.updated}, removed ${s.removed}${s.changed ? '' : ', unchanged'}\n`;
  }
  return o.status === 'failed' ? `${o.name}: failed: ${o.error}\n` : `${o.name}: not modified\n`;
}

function formatStatus(s: VulnDbStatus): string {
  const lines = [`version ${s.version}, ${s.records} record(s), last update ${s.updatedAt ?? 'never'}`];
  if (s.sources.length === 0) lines.push('no sources imported; run `berth vulndb update` (or `berth vulndb import <path>`)');
  for (const src of s.sources) {
    lines.push(`  ${src.name} (${src.format}): ${src.records} record(s) from ${src.location}; last import ${src.lastImportAt}, last change ${src.lastChangeAt ?? 'never'}`);
  }
  return `${lines.join('\n')}\n`;
}
