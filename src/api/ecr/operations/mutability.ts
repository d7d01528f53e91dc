/** ECR's tag mutability settings as CreateRepository and PutImageTagMutability accept them. */
import { invalidParameter, type DomainError } from '../../../domain/errors.js';
import type { RepositorySettings, TagMutability } from '../../../metadata/registry-store.js';
import type { ImageTagMutabilityExclusionFilter } from '../model/types.js';

/**
 * The model already bounds the filters (1-5, `^[0-9a-zA-Z._*-]{1,128}$`, WILDCARD only); what it
 * cannot say is that exclusion filters belong to the *_WITH_EXCLUSION modes and those need them.
 */
export function mutabilitySettings(
  mode: TagMutability,
  filters: readonly ImageTagMutabilityExclusionFilter[] | undefined,
): Pick<RepositorySettings, 'imageTagMutability' | 'imageTagMutabilityExclusionFilters'> {
  const withExclusion = mode === 'IMMUTABLE_WITH_EXCLUSION' || mode === 'MUTABLE_WITH_EXCLUSION';
  if (withExclusion && !filters?.length) {
    throw invalid(`imageTagMutabilityExclusionFilters must be specified when imageTagMutability is ${mode}`);
  }
  if (!withExclusion && filters?.length) {
    throw invalid(`imageTagMutabilityExclusionFilters can only be specified when imageTagMutability is IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION`);
  }
  const unique = new Set(filters?.map((f) => f.filter));
  if (filters && unique.size !== filters.length) throw invalid('imageTagMutabilityExclusionFilters must not repeat a filter');
  return {
    imageTagMutability: mode,
    imageTagMutabilityExclusionFilters: (filters ?? []).map((f) => ({ filterType: 'WILDCARD' as const, filter: f.filter })),
  };
}

function invalid(constraint: string): DomainError {
  return invalidParameter('imageTagMutabilityExclusionFilters', constraint);
}
