/**
 * Names of ECR resources as they appear in responses: repository ARNs, and registry hosts /
 * repository URIs that docker can push to and pull from.
 *
 * AWS's registry host is `<account>.dkr.ecr.<region>.amazonaws.com`. Berth takes a host template
 * from configuration, e.g. `{accountId}.dkr.ecr.{region}.registry.example.com` (AWS style, needs
 * wildcard DNS + TLS) or `registry.example.com:5000` (one host for every account). Placeholders:
 * `{accountId}`, `{region}`.
 */

export interface RegistryCoordinates {
  accountId: string;
  region: string;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** AWS-style template over a base domain: `{accountId}.dkr.ecr.{region}.<baseHost>`. */
export function ecrStyleHostTemplate(baseHost: string): string {
  return `{accountId}.dkr.ecr.{region}.${baseHost}`;
}

/** Throws when the template names a placeholder other than {accountId} and {region}. */
export function checkHostTemplate(template: string): void {
  for (const [, name] of template.matchAll(PLACEHOLDER)) {
    if (name !== 'accountId' && name !== 'region') throw new Error(`unknown placeholder {${name}} in registry host template`);
  }
  if (/[/\s]/.test(template)) throw new Error('registry host template must be a host[:port] without a path');
}

export function registryHost(template: string, { accountId, region }: RegistryCoordinates): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'accountId' ? accountId : name === 'region' ? region : whole,
  );
}

/** `<registry host>/<repository name>`, what `docker push` takes. */
export function repositoryUri(template: string, coordinates: RegistryCoordinates, repositoryName: string): string {
  return `${registryHost(template, coordinates)}/${repositoryName}`;
}

/** GetAuthorizationToken's proxyEndpoint: the registry URL for `docker login`. */
export function proxyEndpoint(template: string, coordinates: RegistryCoordinates, scheme: 'https' | 'http' = 'https'): string {
  return `${scheme}://${registryHost(template, coordinates)}`;
}

export function repositoryArn({ accountId, region }: RegistryCoordinates, repositoryName: string, partition = 'aws'): string {
  return `arn:${partition}:ecr:${region}:${accountId}:repository/${repositoryName}`;
}

export interface ParsedRepositoryArn extends RegistryCoordinates {
  partition: string;
  repositoryName: string;
}

/** The parts of an ECR repository ARN (e.g. TagResource's resourceArn), or undefined. */
export function parseRepositoryArn(arn: string): ParsedRepositoryArn | undefined {
  const match = /^arn:(aws[a-z-]*):ecr:([a-z0-9-]+):([0-9]{12}):repository\/(.+)$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, accountId, repositoryName] = match;
  return { partition: partition!, region: region!, accountId: accountId!, repositoryName: repositoryName! };
}
