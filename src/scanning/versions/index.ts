import { apkComparator } from './apk.js';
import type { VersionComparator } from './comparator.js';
import { dpkgComparator } from './dpkg.js';
import { ecosystemBase } from '../../domain/osv.js';
import { goComparator } from './go.js';
import { mavenComparator } from './maven.js';
import { pep440Comparator } from './pep440.js';
import { rpmComparator } from './rpm.js';
import { semverComparator } from './semver.js';

export type { VersionComparator } from './comparator.js';
export { InvalidVersionError } from './comparator.js';
export { goComparator, semverComparator };

/**
 * Comparators by OSV ecosystem base name: the part before the first ':' ("Debian:12" → "Debian",
 * "Red Hat:enterprise_linux:9::appstream" → "Red Hat").
 */
const BY_ECOSYSTEM: Record<string, VersionComparator> = {
  Debian: dpkgComparator,
  Ubuntu: dpkgComparator,
  Alpine: apkComparator,
  Wolfi: apkComparator,
  Chainguard: apkComparator,
  'Red Hat': rpmComparator,
  'Rocky Linux': rpmComparator,
  AlmaLinux: rpmComparator,
  openSUSE: rpmComparator,
  SUSE: rpmComparator,
  Mageia: rpmComparator,
  openEuler: rpmComparator,
  'Photon OS': rpmComparator,
  npm: semverComparator,
  'crates.io': semverComparator,
  Go: goComparator,
  PyPI: pep440Comparator,
  Maven: mavenComparator,
};

/** The comparator for an OSV ecosystem, or undefined when Berth cannot order its versions. */
export function comparatorForEcosystem(ecosystem: string): VersionComparator | undefined {
  return BY_ECOSYSTEM[ecosystemBase(ecosystem)];
}
