import semver from 'semver';
import { InvalidVersionError, type VersionComparator } from './comparator.js';

/** SemVer 2.0 ordering (npm, crates.io, OSV SEMVER ranges) through the `semver` package. */
function parse(version: string): semver.SemVer {
  // Accept a leading "v" and loose forms ("1.2.3-beta1") the npm registry also accepts.
  const parsed = semver.parse(version.trim().replace(/^v(?=\d)/, ''), { loose: true });
  if (!parsed) throw new InvalidVersionError('semver', version);
  return parsed;
}

export function compareSemver(a: string, b: string): number {
  return semver.compare(parse(a), parse(b));
}

export const semverComparator: VersionComparator = {
  scheme: 'semver',
  compare: compareSemver,
  isValid: (v) => semver.parse(v.trim().replace(/^v(?=\d)/, ''), { loose: true }) !== null,
};
