import { describe, expect, it } from 'vitest';
import { comparatorForEcosystem } from '../../../src/scanning/versions/index.js';

describe('comparator lookup by OSV ecosystem', () => {
  it.each([
    ['Debian:12', 'dpkg'],
    ['Ubuntu:22.04:LTS', 'dpkg'],
    ['Alpine:v3.7', 'apk'],
    ['Red Hat:enterprise_linux:9::appstream', 'rpm'],
    ['Rocky Linux:9', 'rpm'],
    ['AlmaLinux:8', 'rpm'],
    ['npm', 'semver'],
    ['Go', 'go'],
    ['PyPI', 'pep440'],
    ['Maven', 'maven'],
  ])('%s uses %s', (ecosystem, scheme) => {
    expect(comparatorForEcosystem(ecosystem)?.scheme).toBe(scheme);
  });

  it('has none for ecosystems it cannot order', () => {
    expect(comparatorForEcosystem('GIT')).toBeUndefined();
    expect(comparatorForEcosystem('Hackage')).toBeUndefined();
  });
});
