/**
 * ECR's repository filters for scanning rules (filterType WILDCARD). From the ECR user guide
 * ("Filters to choose which repositories are scanned"): a filter without `*` matches every
 * repository name that contains it; with `*`, the whole name must match, each `*` standing for
 * zero or more characters. So `prod` matches `repo-prod-repo`, `*prod` does not match `prod-repo`.
 */
export function matchesScanFilter(filter: string, repositoryName: string): boolean {
  if (!filter.includes('*')) return repositoryName.includes(filter);
  const pattern = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(repositoryName);
}
