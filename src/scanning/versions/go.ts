import { InvalidVersionError, type VersionComparator } from './comparator.js';
import { compareSemver, semverComparator } from './semver.js';

/**
 * Go versions: modules use "v"-prefixed SemVer (pseudo-versions are SemVer pre-releases,
 * "+incompatible" is build metadata); the toolchain uses "go1.21.3", "go1.21rc2", "go1.19".
 * The Go vulnerability database writes both without prefixes ("1.21.3", "1.21.0-rc.2").
 */
export function normalizeGoVersion(version: string): string {
  const v = version.trim();
  const toolchain = /^go(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(rc|beta|alpha)(\d+))?$/.exec(v);
  if (toolchain) {
    const [, major, minor = '0', patch = '0', pre, preNum] = toolchain;
    // Before Go 1.21 "go1.20" meant 1.20.0; the pre-release of 1.21 is "go1.21rc2" = 1.21.0-rc.2.
    return `${major}.${minor}.${patch}${pre ? `-${pre}.${preNum}` : ''}`;
  }
  return v.replace(/^v(?=\d)/, '');
}

export const goComparator: VersionComparator = {
  scheme: 'go',
  compare(a, b) {
    const na = normalizeGoVersion(a);
    const nb = normalizeGoVersion(b);
    if (!semverComparator.isValid(na)) throw new InvalidVersionError('go', a);
    if (!semverComparator.isValid(nb)) throw new InvalidVersionError('go', b);
    return compareSemver(na, nb);
  },
  isValid: (v) => semverComparator.isValid(normalizeGoVersion(v)),
};
