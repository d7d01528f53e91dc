import { wildcardMatch } from '../../util/wildcard.js';

/**
 * ECR's repository filters for scanning rules (filterType WILDCARD). From the ECR user guide
 * ("Filters to choose which repositories are scanned"): a filter without `*` matches every
 * repository name that contains it; with `*`, the whole name must match, each `*` standing for
 * zero or more characters. So `prod` matches `repo-prod-repo`, `*prod` does not match `prod-repo`.
 * `?` is an ordinary character here. Matched without regular expressions (src/util/wildcard.ts).
 */
export function matchesScanFilter(filter: string, repositoryName: string): boolean {
  return wildcardMatch(filter.includes('*') ? filter : `*${filter}*`, repositoryName, { questionMark: false });
}
