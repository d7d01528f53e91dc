import { createHash } from 'node:crypto';
import { normalizePackageName, type OsvRecord } from '../domain/osv.js';
import { type ImportCounts, type ImportOptions, type PackageKey, type SourceStatus, type VulnDbStatus, packageKeyString } from './vulndb-store.js';

/**
 * What both engines' vulnerability stores do alike: read an import against what the source held,
 * index advisories by affected package, and assemble lookups and status from rows.
 */

/** A record to write: its JSON text, and that text's digest (which tells a changed record). */
export interface AdvisoryWrite {
  record: OsvRecord;
  json: string;
  digest: string;
  /** Whether the source held the id already (so its old index rows must go). */
  known: boolean;
}

/** An advisory as lookups read it. */
export interface AdvisoryRow {
  source: string;
  id: string;
  record: string;
}

/** The (name, ecosystem) pairs an advisory is indexed under; names normalised as lookups normalise them. */
export function affectedPackages(record: OsvRecord): { name: string; ecosystem: string }[] {
  const packages: { name: string; ecosystem: string }[] = [];
  for (const a of record.affected ?? []) {
    if (a.package) packages.push({ name: normalizePackageName(a.package.ecosystem, a.package.name), ecosystem: a.package.ecosystem });
  }
  return packages;
}

/**
 * Reads an import's records against what the source holds (`existing`: id -> digest, updated as
 * records are read), counting them, and hands the new and changed ones to `write` in batches of
 * `batchSize`, in order; the next batch is read while the previous one is written (one write at a
 * time). A source may repeat an id (one advisory per file in two folders): the last one wins,
 * counted once. Returns the counts (nothing removed yet) and the ids the import contained.
 */
export async function readImport(
  existing: Map<string, string>,
  records: AsyncIterable<OsvRecord>,
  batchSize: number,
  write: (batch: AdvisoryWrite[]) => Promise<void>,
): Promise<{ counts: ImportCounts; seen: Set<string> }> {
  const seen = new Set<string>();
  const counts: ImportCounts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
  let batch: AdvisoryWrite[] = [];
  let writing: Promise<void> | undefined;
  const flush = async (full: AdvisoryWrite[]): Promise<void> => {
    await writing;
    writing = write(full);
    // Caught here and rethrown by the next flush or at the end, so a failed write is never unhandled.
    writing.catch(() => undefined);
  };
  for await (const record of records) {
    const json = JSON.stringify(record);
    const digest = createHash('sha256').update(json).digest('hex');
    const previous = existing.get(record.id);
    const again = seen.has(record.id);
    seen.add(record.id);
    if (previous === digest) {
      if (!again) counts.unchanged++;
      continue;
    }
    if (!again) {
      if (previous === undefined) counts.added++;
      else counts.updated++;
    }
    existing.set(record.id, digest);
    batch.push({ record, json, digest, known: previous !== undefined });
    if (batch.length >= batchSize) {
      await flush(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flush(batch);
  await writing;
  return { counts, seen };
}

/** The source's ids the import did not contain, when the options say to remove them (asked once the records are read). */
export function missingIds(existing: ReadonlyMap<string, string>, seen: ReadonlySet<string>, options: ImportOptions): string[] {
  const remove = typeof options.removeMissing === 'function' ? options.removeMissing() : options.removeMissing;
  return remove ? [...existing.keys()].filter((id) => !seen.has(id)) : [];
}

/**
 * advisoriesFor's answer: for each key, the records of its rows (`rowsOf`) in row order, without
 * repeats; a record found under several keys is parsed once.
 */
export function advisoryLists(keys: readonly PackageKey[], rowsOf: (key: PackageKey, index: number) => readonly AdvisoryRow[]): Map<string, OsvRecord[]> {
  const parsed = new Map<string, OsvRecord>();
  const out = new Map<string, OsvRecord[]>();
  keys.forEach((key, index) => {
    const records: OsvRecord[] = [];
    const seen = new Set<string>();
    for (const row of rowsOf(key, index)) {
      const cacheKey = `${row.source}\u0000${row.id}`;
      if (seen.has(cacheKey)) continue;
      seen.add(cacheKey);
      let record = parsed.get(cacheKey);
      if (!record) {
        record = JSON.parse(row.record) as OsvRecord;
        parsed.set(cacheKey, record);
      }
      records.push(record);
    }
    out.set(packageKeyString(key), records);
  });
  return out;
}

/** The exclusive upper bound of the ecosystems a prefix key names (bytewise: no ecosystem holds U+FFFF). */
export const prefixEnd = (ecosystem: string): string => `${ecosystem}\uffff`;

/** A source as status reads it, times as ISO text. */
export interface SourceRow {
  name: string;
  format: string;
  location: string;
  record_count: number;
  last_import_at: string;
  last_change_at: string | null;
}

const toSourceStatus = (r: SourceRow): SourceStatus => ({
  name: r.name,
  format: r.format,
  location: r.location,
  records: r.record_count,
  lastImportAt: r.last_import_at,
  ...(r.last_change_at ? { lastChangeAt: r.last_change_at } : {}),
});

/** The database's status from its version row and its sources (in name order), times as ISO text. */
export function vulnDbStatusOf(state: { version: number; updated_at: string | null } | undefined, sources: readonly SourceRow[]): VulnDbStatus {
  const statuses = sources.map(toSourceStatus);
  return {
    version: state?.version ?? 0,
    ...(state?.updated_at ? { updatedAt: state.updated_at } : {}),
    records: statuses.reduce((n, s) => n + s.records, 0),
    sources: statuses,
  };
}
