import { formatBytes } from '../util/format-bytes.js';

/** What `berth migrate` did, printed as its summary (or as JSON with --json). */
export interface MigrateSummary {
  source: string;
  destination: string;
  /** The migration had already completed: nothing was copied. */
  alreadyComplete: boolean;
  tables: { name: string; rows: number; state: 'copied' | 'already copied' }[];
  skippedTables: { name: string; reason: string }[];
  blobs: { total: number; totalBytes: number; copied: number; copiedBytes: number; skipped: number; skippedBytes: number };
  failures: string[];
  notes: string[];
}

export function emptySummary(source: string, destination: string): MigrateSummary {
  return {
    source,
    destination,
    alreadyComplete: false,
    tables: [],
    skippedTables: [],
    blobs: { total: 0, totalBytes: 0, copied: 0, copiedBytes: 0, skipped: 0, skippedBytes: 0 },
    failures: [],
    notes: [],
  };
}

export function formatBlobProgress(b: MigrateSummary['blobs'], failed: number): string {
  const done = b.copied + b.skipped + failed;
  return `blobs: ${done}/${b.total} (${formatBytes(b.copiedBytes + b.skippedBytes)} of ${formatBytes(b.totalBytes)}): ${b.copied} copied, ${b.skipped} already there, ${failed} failed`;
}

export function formatSummary(s: MigrateSummary): string {
  const lines = [`berth migrate: ${s.source} -> ${s.destination}`];
  if (s.alreadyComplete) lines.push('already complete: nothing to do (the destination holds everything the source holds)');
  const copied = s.tables.filter((t) => t.state === 'copied');
  const rows = (list: typeof s.tables) => list.reduce((n, t) => n + t.rows, 0);
  lines.push(`tables: ${copied.length} copied (${rows(copied)} rows), ${s.tables.length - copied.length} already copied (${rows(s.tables) - rows(copied)} rows)`);
  for (const t of s.tables) lines.push(`  ${t.name.padEnd(28)} ${String(t.rows).padStart(9)} rows${t.state === 'copied' ? '' : ' (already copied)'}`);
  lines.push(`tables not copied:`);
  for (const t of s.skippedTables) lines.push(`  ${t.name}: ${t.reason}`);
  const b = s.blobs;
  lines.push(
    `blobs: ${b.total} (${formatBytes(b.totalBytes)}): ${b.copied} copied (${formatBytes(b.copiedBytes)}), ${b.skipped} already there (${formatBytes(b.skippedBytes)}), ${s.failures.length} failed`,
  );
  for (const note of s.notes) lines.push(`note: ${note}`);
  if (s.failures.length > 0) {
    lines.push('failures (fix the source, e.g. `berth fsck`, or push those images again, then run berth migrate again):');
    for (const f of s.failures) lines.push(`  ${f}`);
  } else if (!s.alreadyComplete) {
    lines.push('complete: start Berth on the destination configuration');
  }
  return lines.join('\n');
}
