/**
 * The public vulnerability feeds `berth vulndb update` fetches by default: one per ecosystem the
 * matcher queries (src/scanning/match/queries.ts). OSV's per-ecosystem exports (a zip of OSV JSON
 * per ecosystem), Alpine's secdb per release and repository, and the Debian security tracker's
 * JSON (every Debian release in one file). Configure `scanning.feeds.sources` to add Alpine
 * releases, drop ecosystems, or point at a mirror.
 */
export interface FeedSource {
  /** Source name in the database; re-importing the same name replaces its records. */
  name: string;
  url: string;
}

const OSV = 'https://osv-vulnerabilities.storage.googleapis.com';
const OSV_ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'Maven', 'Ubuntu', 'Rocky Linux', 'AlmaLinux', 'Red Hat'];
const ALPINE_RELEASES = ['v3.19', 'v3.20', 'v3.21', 'v3.22'];

export const DEFAULT_FEEDS: readonly FeedSource[] = Object.freeze([
  ...OSV_ECOSYSTEMS.map((ecosystem) => ({ name: `osv-${ecosystem.toLowerCase().replace(/\s+/g, '-')}`, url: `${OSV}/${encodeURIComponent(ecosystem)}/all.zip` })),
  ...ALPINE_RELEASES.flatMap((release) =>
    ['main', 'community'].map((repo) => ({ name: `alpine-secdb-${release}-${repo}`, url: `https://secdb.alpinelinux.org/${release}/${repo}.json` })),
  ),
  { name: 'debian-tracker', url: 'https://security-tracker.debian.org/tracker/data/json' },
]);
