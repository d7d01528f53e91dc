import type { RepositorySettings } from '../metadata/registry-store.js';

/**
 * Whether a tag may not be moved once set, under ECR's four mutability modes:
 * IMMUTABLE_WITH_EXCLUSION lists tags that stay mutable, MUTABLE_WITH_EXCLUSION lists tags that
 * become immutable. Filters are WILDCARD patterns where `*` matches any run of characters.
 */
export function isTagImmutable(
  settings: Pick<RepositorySettings, 'imageTagMutability' | 'imageTagMutabilityExclusionFilters'>,
  tag: string,
): boolean {
  const matches = () => settings.imageTagMutabilityExclusionFilters.some((f) => wildcardMatch(f.filter, tag));
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

/** Linear-time `*` wildcard match (no regex, so hostile patterns cannot backtrack). */
export function wildcardMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const found = value.indexOf(part, position);
    if (found === -1 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}
