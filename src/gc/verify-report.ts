import { formatBytes } from '../util/format-bytes.js';
import type { BlobProblem, VerifyProgress, VerifyReport } from './verify.js';

/** One line of progress for a person watching (`berth fsck` writes it to stderr). */
export function formatVerifyProgress(p: Readonly<VerifyProgress>): string {
  const share = p.bytesTotal === 0 ? 100 : Math.min(100, Math.floor((p.bytesChecked / p.bytesTotal) * 100));
  return `fsck: ${p.blobsChecked}/${p.blobsTotal} blobs, ${formatBytes(p.bytesChecked)} of ${formatBytes(p.bytesTotal)} hashed (${share}%)`;
}

const KIND: Record<BlobProblem['kind'], string> = {
  missing: 'MISSING',
  size: 'WRONG SIZE',
  digest: 'DIGEST MISMATCH',
  unreadable: 'UNREADABLE',
};

function describeProblem(p: BlobProblem): string {
  switch (p.kind) {
    case 'missing':
      return 'storage has no file for it';
    case 'size':
      return `the file holds ${p.actualSize} bytes, ${p.expectedSize} recorded`;
    case 'digest':
      return `the content hashes to ${p.actualDigest}`;
    case 'unreadable':
      return `reading it failed: ${p.error}`;
  }
}

/** The human report `berth fsck` prints to stdout. */
export function formatVerifyReport(r: Readonly<VerifyReport>, quarantineAsked: boolean): string {
  const lines = [`checked ${r.blobsChecked} blobs (${formatBytes(r.bytesChecked)} hashed) in ${(r.durationMs / 1000).toFixed(1)} s`];
  for (const p of r.problems) {
    lines.push(`  ${p.digest}  ${KIND[p.kind]}: ${describeProblem(p)}`);
    if (p.quarantinedAs) lines.push(`    set aside as ${p.quarantinedAs}`);
    for (const ref of p.referencedBy) lines.push(`    referenced by ${ref.accountId}/${ref.repositoryName}@${ref.manifestDigest}`);
  }
  if (r.problems.length === 0) {
    lines.push('no problems found');
  } else {
    lines.push(`${r.problems.length} damaged or missing blob(s); ${r.quarantined} set aside`);
    if (!quarantineAsked && r.problems.some((p) => p.kind === 'size' || p.kind === 'digest')) {
      lines.push('run with --quarantine to stop serving the damaged ones; push them again to repair');
    } else if (r.quarantined > 0) {
      lines.push('push the set-aside blobs again (e.g. re-push the images above) to repair them');
    }
  }
  return lines.join('\n');
}
