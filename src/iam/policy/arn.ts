/**
 * ARNs (partition "aws" only): arn:aws:ecr:<region>:<account>:repository/<name> for repositories,
 * arn:aws:iam::<account>:root and arn:aws:iam::<account>:user/<path><name> for principals.
 */
const PARTITION = 'aws';

export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  /** Everything after the fifth colon, e.g. "repository/team/app". */
  resource: string;
}

export function parseArn(value: string): Arn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[1] === '' || parts[2] === '') return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

export function repositoryArn(region: string, accountId: string, repositoryName: string): string {
  return formatArn({ partition: PARTITION, service: 'ecr', region, account: accountId, resource: `repository/${repositoryName}` });
}

export function parseRepositoryArn(value: string): { region: string; accountId: string; repositoryName: string } | undefined {
  const arn = parseArn(value);
  if (!arn || arn.partition !== PARTITION || arn.service !== 'ecr' || !/^\d{12}$/.test(arn.account)) return undefined;
  if (!arn.resource.startsWith('repository/') || arn.resource.length === 'repository/'.length) return undefined;
  return { region: arn.region, accountId: arn.account, repositoryName: arn.resource.slice('repository/'.length) };
}

export function accountRootArn(accountId: string): string {
  return `arn:${PARTITION}:iam::${accountId}:root`;
}

/** `path` is "/" or "/division/team/" as IAM writes it. */
export function userArn(accountId: string, userName: string, path = '/'): string {
  return `arn:${PARTITION}:iam::${accountId}:user${path}${userName}`;
}

export const isAccountId = (value: string): boolean => /^\d{12}$/.test(value);
