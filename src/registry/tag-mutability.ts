import type { RepositorySettings } from '../metadata/registry-store.js';
import { wildcardMatch } from '../util/wildcard.js';

/**
 * Whether a tag may not be moved once set, under ECR's four mutability modes:
 * IMMUTABLE_WITH_EXCLUSION lists tags that stay mutable, MUTABLE_WITH_EXCLUSION lists tags that
 * become immutable. Filters are WILDCARD patterns where `*` matches any run of characters
 * (src/util/wildcard.ts; `?` is an ordinary character, as the filters' pattern does not allow it).
 */
export function isTagImmutable(
  settings: Pick<RepositorySettings, 'imageTagMutability' | 'imageTagMutabilityExclusionFilters'>,
  tag: string,
): boolean {
  const matches = () => settings.imageTagMutabilityExclusionFilters.some((f) => wildcardMatch(f.filter, tag, { questionMark: false }));
  switch (settings.imageTagMutability) {
    case 'MUTABLE':
      return false;
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !matches();
    case 'MUTABLE_WITH_EXCLUSION':
      return matches();
  }
}
