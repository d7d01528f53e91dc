import type { GcPhase, GcSummary } from './types.js';
import { formatBytes } from '../util/format-bytes.js';

/** One line of progress for a person watching (`berth gc` writes it to stderr). */
export function formatProgress(phase: GcPhase, s: Readonly<GcSummary>): string {
  const verb = s.dryRun ? 'would free' : 'freed';
  return `gc ${phase}: scanned ${s.blobsScanned} blobs, ${verb} ${s.blobsDeleted} (${formatBytes(s.blobBytesFreed)}), orphan files ${s.orphanFilesDeleted}`;
}

/** The human summary `berth gc` prints to stdout. */
export function formatSummary(s: Readonly<GcSummary>): string {
  const freed = s.dryRun ? 'would be freed' : 'freed';
  const rows: [string, string][] = [
    ['blobs scanned', String(s.blobsScanned)],
    [`blobs ${freed}`, `${s.blobsDeleted} (${formatBytes(s.blobBytesFreed)})`],
    [`orphan files ${freed}`, `${s.orphanFilesDeleted} (${formatBytes(s.orphanBytesFreed)})`],
    ['kept (used meanwhile)', String(s.blobsKept)],
    [`stale uploads ${freed}`, String(s.staleUploadsDeleted)],
    [`orphan uploads ${freed}`, String(s.orphanUploadsDeleted)],
    [`total ${freed}`, formatBytes(s.bytesFreed)],
    ['remaining', `${s.remainingBlobs} blobs (${formatBytes(s.remainingBytes)})`],
  ];
  if (s.missingFiles > 0) {
    rows.push(['MISSING FILES', `${s.missingFiles} blob rows have no file, e.g. ${s.missingExamples.slice(0, 3).join(', ')}`]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const title = s.dryRun ? 'dry run, nothing deleted' : 'garbage collection finished';
  return [
    `${title} in ${(s.durationMs / 1000).toFixed(1)} s (grace ${s.graceSeconds} s)`,
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}${value}`),
  ].join('\n');
}
