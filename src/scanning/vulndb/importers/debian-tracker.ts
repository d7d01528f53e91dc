import { readFile } from 'node:fs/promises';
import type { OsvAffected, OsvRecord } from '../../../domain/osv.js';
import { severityFromLabel } from '../../osv/severity.js';
import { newStats, type FeedStats, type ImportFeed } from './feed.js';

/**
 * The Debian security tracker's JSON export
 * (`{source package: {CVE id: {description, releases: {codename: {status, fixed_version, urgency}}}}}`)
 * converted to OSV: one "DEBIAN-CVE-…" record per CVE, one affected entry per (Debian:<n>, source
 * package). "resolved" with fixed_version "0" means never affected and is skipped; "open" is
 * affected with no fix; "undetermined" is skipped (the tracker does not know). TEMP- ids (issues
 * without a CVE) are skipped. The export is one JSON object, so it is parsed whole.
 */
export function debianTrackerFeed(path: string): ImportFeed {
  const stats = newStats();
  return { format: 'debian-tracker', stats, records: convert(path, stats) };
}

const RELEASES: Record<string, string> = {
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  duke: '15',
};

/** The tracker carries no modification times per entry; a constant keeps re-imports idempotent. */
const UNKNOWN_MODIFIED = '1970-01-01T00:00:00Z';

interface TrackerRelease {
  status?: unknown;
  fixed_version?: unknown;
  urgency?: unknown;
}
interface TrackerIssue {
  description?: unknown;
  releases?: Record<string, TrackerRelease>;
}

async function* convert(path: string, stats: FeedStats): AsyncGenerator<OsvRecord> {
  stats.files++;
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not a JSON object of source packages');
  } catch (err) {
    stats.problems.push({ file: path, message: (err as Error).message });
    return;
  }
  const byCve = new Map<string, { description?: string; affected: OsvAffected[] }>();
  for (const [pkg, issues] of Object.entries(doc as Record<string, Record<string, TrackerIssue>>)) {
    if (typeof issues !== 'object' || issues === null) continue;
    for (const [cve, issue] of Object.entries(issues)) {
      if (!/^CVE-\d{4}-\d+$/.test(cve) || typeof issue?.releases !== 'object' || issue.releases === null) continue;
      for (const [codename, rel] of Object.entries(issue.releases)) {
        const affected = toAffected(pkg, codename, rel);
        if (!affected) continue;
        let entry = byCve.get(cve);
        if (!entry) byCve.set(cve, (entry = { affected: [] }));
        if (typeof issue.description === 'string' && issue.description) entry.description = issue.description;
        entry.affected.push(affected);
      }
    }
  }
  for (const cve of [...byCve.keys()].sort()) {
    const { description, affected } = byCve.get(cve)!;
    affected.sort((a, b) => (`${a.package!.ecosystem} ${a.package!.name}` < `${b.package!.ecosystem} ${b.package!.name}` ? -1 : 1));
    yield {
      schema_version: '1.6.0',
      id: `DEBIAN-${cve}`,
      modified: UNKNOWN_MODIFIED,
      aliases: [cve],
      ...(description ? { summary: description } : {}),
      affected,
      references: [{ type: 'ADVISORY', url: `https://security-tracker.debian.org/tracker/${cve}` }],
      database_specific: { source: 'debian-security-tracker' },
    };
  }
}

function toAffected(pkg: string, codename: string, rel: TrackerRelease): OsvAffected | undefined {
  const major = RELEASES[codename];
  if (!major || typeof rel !== 'object' || rel === null) return undefined;
  const status = rel.status;
  const fixed = typeof rel.fixed_version === 'string' ? rel.fixed_version : undefined;
  let events: { introduced?: string; fixed?: string }[];
  if (status === 'resolved') {
    if (!fixed || fixed === '0') return undefined;
    events = [{ introduced: '0' }, { fixed }];
  } else if (status === 'open') {
    events = [{ introduced: '0' }];
  } else {
    return undefined;
  }
  const urgency = typeof rel.urgency === 'string' ? rel.urgency : undefined;
  const severity = severityFromLabel(urgency);
  return {
    package: { ecosystem: `Debian:${major}`, name: pkg, purl: `pkg:deb/debian/${pkg}?distro=debian-${major}` },
    ranges: [{ type: 'ECOSYSTEM', events }],
    ...(urgency ? { database_specific: { urgency, ...(severity ? { severity } : {}) } } : {}),
  };
}
