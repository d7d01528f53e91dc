import { compare, valid } from '@renovatebot/pep440';
import { InvalidVersionError, type VersionComparator } from './comparator.js';

/** PEP 440 ordering (PyPI) through @renovatebot/pep440, the implementation Renovate relies on. */
export function comparePep440(a: string, b: string): number {
  if (!valid(a)) throw new InvalidVersionError('pep440', a);
  if (!valid(b)) throw new InvalidVersionError('pep440', b);
  return compare(a, b);
}

export const pep440Comparator: VersionComparator = {
  scheme: 'pep440',
  compare: comparePep440,
  isValid: (v) => valid(v) !== null,
};
