import type { OsvRecord } from '../domain/osv.js';

/** A package to look advisories up for. */
export interface PackageKey {
  /** Exact OSV ecosystem ("Debian:12"), or a prefix when `ecosystemPrefix` is set ("Red Hat:enterprise_linux:9:"). */
  ecosystem: string;
  ecosystemPrefix?: boolean;
  /** Package name as the ecosystem spells it; the store normalises it (PEP 503 for PyPI). */
  name: string;
}

export interface SourceDescriptor {
  /** Stable name of the source; re-importing the same name replaces its records. */
  name: string;
  /** Which importer produced the records ("osv-dir", "osv-zip", "alpine-secdb", "debian-tracker"). */
  format: string;
  /** Where the data was imported from (a path), for status output. */
  location: string;
}

export interface ImportCounts {
  added: number;
  updated: number;
  unchanged: number;
  /** Records of the source that the new import no longer contains. */
  removed: number;
}

export interface ImportOutcome extends ImportCounts {
  source: string;
  /** Records the source holds after the import. */
  records: number;
  /** Database version after the import. */
  version: number;
  changed: boolean;
}

export interface SourceStatus {
  name: string;
  format: string;
  location: string;
  records: number;
  lastImportAt: string;
  lastChangeAt?: string;
}

export interface VulnDbStatus {
  version: number;
  updatedAt?: string;
  records: number;
  sources: SourceStatus[];
}

export interface ImportOptions {
  /**
   * Delete records of the source that this import did not contain. Evaluated after the records are
   * consumed, so an importer can say no when some input could not be read: a damaged download
   * must never erase advisories.
   */
  removeMissing: boolean | (() => boolean);
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

/**
 * What `berth vulndb update` remembers of a feed it downloaded and imported: the HTTP validators
 * to send next time (If-None-Match, If-Modified-Since), so an unchanged feed is not downloaded
 * or imported again.
 */
export interface FeedValidators {
  etag?: string;
  lastModified?: string;
  /** When the feed was last downloaded and imported (ISO 8601). */
  importedAt: string;
}

/**
 * The vulnerability database scans match against: OSV advisories per source, indexed by affected
 * package. Async so a PostgreSQL implementation can sit behind the same interface; the SQLite one
 * (sqlite/vulndb-store.ts) answers synchronously underneath.
 */
export interface VulnDbStore {
  /** Advisories with an affected entry for each key; the map is keyed by `packageKeyString(key)`. */
  advisoriesFor(keys: readonly PackageKey[]): Promise<Map<string, OsvRecord[]>>;
  /** Replaces the records of one source with `records`, bumping the version if anything changed. */
  importSource(source: SourceDescriptor, records: AsyncIterable<OsvRecord>, options: ImportOptions): Promise<ImportOutcome>;
  status(): Promise<VulnDbStatus>;
  version(): Promise<number>;
  /** The validators stored for a feed URL by the last successful update, if any. */
  getFeedValidators(url: string): Promise<FeedValidators | undefined>;
  /** Records a feed URL's validators after its download was imported (replacing earlier ones). */
  putFeedValidators(url: string, validators: FeedValidators): Promise<void>;
}

export function packageKeyString(key: PackageKey): string {
  return `${key.ecosystemPrefix ? 'prefix' : 'exact'}\u0000${key.ecosystem}\u0000${key.name}`;
}
