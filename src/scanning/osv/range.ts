import type { VersionComparator } from '../versions/index.js';
import type { OsvAffected, OsvEvent, OsvRange } from '../../domain/osv.js';
import { semverComparator } from '../versions/semver.js';

/**
 * OSV affected-range evaluation, following the schema's "Evaluation" pseudocode: a version is
 * affected when it is listed in `versions`, or when some ECOSYSTEM/SEMVER range (within its
 * `limit`s) has it at or after an `introduced` with no later `fixed` ≤ it or `last_affected` < it.
 * GIT ranges name commits, not versions, and are ignored.
 */
export interface AffectedMatch {
  /** The fixed version of the interval the version falls in, when the advisory names one. */
  fixedVersion?: string;
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
interface Event {
  kind: Kind;
  version: string;
}

function eventsOf(range: OsvRange): Event[] {
  const out: Event[] = [];
  for (const e of range.events as OsvEvent[]) {
    for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const v = e[kind];
      if (typeof v === 'string') out.push({ kind, version: v });
    }
  }
  return out;
}

/** "0" as `introduced` means "from the beginning" in every ecosystem. */
function compareEvent(cmp: VersionComparator, a: Event, b: Event): number {
  const aZero = a.kind === 'introduced' && a.version === '0';
  const bZero = b.kind === 'introduced' && b.version === '0';
  if (aZero || bZero) return aZero === bZero ? 0 : aZero ? -1 : 1;
  const c = cmp.compare(a.version, b.version);
  if (c !== 0) return c;
  // Same version: an opening event before a closing one, so [x, x) stays empty and x..x inclusive.
  return (a.kind === 'introduced' ? 0 : 1) - (b.kind === 'introduced' ? 0 : 1);
}

function matchRange(version: string, range: OsvRange, cmp: VersionComparator): AffectedMatch | null {
  const events = eventsOf(range);
  const limits = events.filter((e) => e.kind === 'limit' && e.version !== '*');
  if (limits.length > 0 && !limits.some((l) => cmp.compare(version, l.version) < 0)) return null;
  const sorted = events.filter((e) => e.kind !== 'limit').sort((a, b) => compareEvent(cmp, a, b));
  let vulnerable = false;
  let fixedVersion: string | undefined;
  for (const e of sorted) {
    if (e.kind === 'introduced') {
      if (e.version === '0' || cmp.compare(version, e.version) >= 0) {
        vulnerable = true;
        fixedVersion = undefined;
      }
    } else if (e.kind === 'fixed') {
      if (cmp.compare(version, e.version) >= 0) vulnerable = false;
      else if (vulnerable && fixedVersion === undefined) fixedVersion = e.version;
    } else if (e.kind === 'last_affected') {
      if (cmp.compare(version, e.version) > 0) vulnerable = false;
    }
  }
  return vulnerable ? (fixedVersion === undefined ? {} : { fixedVersion }) : null;
}

/**
 * Whether `version` is affected according to one `affected` entry. `ecosystemCmp` orders ECOSYSTEM
 * ranges; SEMVER ranges always use SemVer. Throws InvalidVersionError when a version in play
 * cannot be ordered, so callers can report the package as unmatchable instead of clean.
 */
export function matchAffected(version: string, affected: OsvAffected, ecosystemCmp: VersionComparator): AffectedMatch | null {
  if (affected.versions?.includes(version)) {
    return { ...rangeFix(version, affected, ecosystemCmp) };
  }
  for (const range of affected.ranges ?? []) {
    const cmp = range.type === 'SEMVER' ? semverWith(ecosystemCmp) : range.type === 'ECOSYSTEM' ? ecosystemCmp : null;
    if (!cmp) continue;
    const m = matchRange(version, range, cmp);
    if (m) return m;
  }
  return null;
}

/** For an explicit-version hit, still report the range's fix when a range covers the version too. */
function rangeFix(version: string, affected: OsvAffected, cmp: VersionComparator): AffectedMatch {
  try {
    for (const range of affected.ranges ?? []) {
      if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
      const m = matchRange(version, range, range.type === 'SEMVER' ? semverWith(cmp) : cmp);
      if (m?.fixedVersion) return m;
    }
  } catch {
    // The explicit list already decided; an unorderable range only loses the fix hint.
  }
  return {};
}

/** Go writes SEMVER ranges for "v"-prefixed module versions and "go1.x" toolchains: keep its normaliser. */
function semverWith(ecosystemCmp: VersionComparator): VersionComparator {
  return ecosystemCmp.scheme === 'go' ? ecosystemCmp : semverComparator;
}
