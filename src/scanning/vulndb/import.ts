import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../../util/logger.js';
import { VulnDbImportError } from '../errors.js';
import { feedForPath } from './detect.js';
import type { ImportProblem } from './importers/feed.js';
import type { VulnDbStatus, VulnDbStore } from '../../metadata/vulndb-store.js';

export interface ImportVulnDbOptions {
  /** Source name; defaults to one derived from the path ("go-vulndb/Go-all", "alpine-secdb"). */
  source?: string;
  now?: () => Date;
}

/** What `berth vulndb import` prints (JSON-able). */
export interface ImportSummary {
  source: string;
  format: string;
  path: string;
  files: number;
  records: number;
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  withdrawn: number;
  /** Files that could not be used; when there are any, no records were removed. */
  problems: ImportProblem[];
  changed: boolean;
  version: number;
  durationMs: number;
}

const MAX_REPORTED_PROBLEMS = 50;
const GENERIC_NAMES = new Set(['osv', 'data', 'vulns', 'all', 'json', 'export']);

/**
 * Imports one path into the vulnerability database. The source's previous records are replaced;
 * records that disappeared are removed only when every input file was readable.
 */
export async function importVulnDb(store: VulnDbStore, path: string, log: Logger, options: ImportVulnDbOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const absolute = resolve(path);
  const feed = await feedForPath(absolute);
  const source = options.source ?? defaultSourceName(absolute);
  log.info({ source, format: feed.format, path: absolute }, 'vulndb import started');
  // Removal is decided once everything was read: only when no input file had a problem.
  const outcome = await store.importSource({ name: source, format: feed.format, location: absolute }, feed.records, {
    removeMissing: () => feed.stats.problems.length === 0,
    ...(options.now ? { now: options.now } : {}),
  });
  const summary: ImportSummary = {
    source,
    format: feed.format,
    path: absolute,
    files: feed.stats.files,
    records: outcome.records,
    added: outcome.added,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    removed: outcome.removed,
    withdrawn: feed.stats.withdrawn,
    problems: feed.stats.problems.slice(0, MAX_REPORTED_PROBLEMS),
    changed: outcome.changed,
    version: outcome.version,
    durationMs: Date.now() - started,
  };
  if (feed.stats.files > 0 && feed.stats.problems.length === feed.stats.files) {
    throw new VulnDbImportError(`none of the ${feed.stats.files} files under ${absolute} could be imported: ${feed.stats.problems[0]?.message}`, {
      path: absolute,
    });
  }
  log.info({ source, records: summary.records, added: summary.added, updated: summary.updated, removed: summary.removed, problems: feed.stats.problems.length, version: summary.version }, 'vulndb import finished');
  return summary;
}

export async function vulnDbStatus(store: VulnDbStore): Promise<VulnDbStatus> {
  return store.status();
}

function defaultSourceName(absolute: string): string {
  const base = basename(absolute).replace(/\.(zip|json|ya?ml)$/i, '');
  return GENERIC_NAMES.has(base.toLowerCase()) ? `${basename(dirname(absolute))}/${base}` : base;
}
