import { DomainError, invalidParameter, repositoryNotFound } from '../domain/errors.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { Principal } from './principal.js';
import { evaluate, repositoryArn, validatePolicy, type Policy } from './policy/index.js';

/** ECR's limit on repository and registry policy text. */
const MAX_POLICY_CHARS = 10240;

/**
 * Repository policies (Set/Get/DeleteRepositoryPolicy) and registry policies
 * (Put/Get/DeleteRegistryPolicy). Documents are validated as resource policies and stored as sent,
 * since ECR hands back exactly the text it was given.
 */
export class ResourcePolicies {
  constructor(
    private readonly deps: {
      store: Pick<MetadataStore, 'iam' | 'registry'>;
      region: string;
      now: () => Date;
    },
  ) {}

  async getRepositoryPolicy(key: RepositoryKey): Promise<string> {
    const repository = await this.repository(key);
    const text = await this.deps.store.iam.getRepositoryPolicy(repository.id);
    if (text === undefined) throw repositoryPolicyNotFound(key);
    return text;
  }

  /**
   * Stores the policy. Unless `force`, refuses one that would explicitly deny the caller
   * ecr:SetRepositoryPolicy on this repository, so nobody locks themselves out by mistake.
   */
  async setRepositoryPolicy(key: RepositoryKey, text: string, options: { principal: Principal; force?: boolean }): Promise<void> {
    const policy = parse(text, 'repository');
    const repository = await this.repository(key);
    if (!options.force && this.locksOut(options.principal, key, policy)) {
      throw invalidParameter(
        'PolicyText',
        'The policy would prevent you from setting another repository policy in the future; use the force flag to set it anyway',
      );
    }
    await this.deps.store.iam.putRepositoryPolicy(repository.id, text, this.deps.now());
  }

  async deleteRepositoryPolicy(key: RepositoryKey): Promise<string> {
    const repository = await this.repository(key);
    const text = await this.deps.store.iam.deleteRepositoryPolicy(repository.id);
    if (text === undefined) throw repositoryPolicyNotFound(key);
    return text;
  }

  async getRegistryPolicy(accountId: string): Promise<string> {
    const text = await this.deps.store.iam.getRegistryPolicy(accountId);
    if (text === undefined) throw registryPolicyNotFound(accountId);
    return text;
  }

  async putRegistryPolicy(accountId: string, text: string): Promise<void> {
    parse(text, 'registry');
    await this.deps.store.iam.putRegistryPolicy(accountId, text, this.deps.now());
  }

  async deleteRegistryPolicy(accountId: string): Promise<string> {
    const text = await this.deps.store.iam.deleteRegistryPolicy(accountId);
    if (text === undefined) throw registryPolicyNotFound(accountId);
    return text;
  }

  private async repository(key: RepositoryKey): Promise<RepositoryRecord> {
    const repository = await this.deps.store.registry.getRepository(key.accountId, key.name);
    if (!repository) throw repositoryNotFound(key);
    return repository;
  }

  private locksOut(principal: Principal, key: RepositoryKey, policy: Policy): boolean {
    const result = evaluate(
      {
        principal,
        action: 'ecr:SetRepositoryPolicy',
        resourceArn: repositoryArn(this.deps.region, key.accountId, key.name),
        resourceAccountId: key.accountId,
        context: {},
      },
      { resourcePolicy: policy },
    );
    return result.decision === 'ExplicitDeny';
  }
}

function parse(text: string, what: 'repository' | 'registry'): Policy {
  const { policy, errors } = text.length > MAX_POLICY_CHARS ? { policy: undefined, errors: [`longer than ${MAX_POLICY_CHARS} characters`] } : validatePolicy(text, 'resource');
  if (!policy) {
    // AWS's prefix, so scripts matching it keep working, followed by what was actually wrong.
    throw new DomainError(
      'InvalidParameter',
      `Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid ${what} policy provided': ${errors.join('; ')}`,
    );
  }
  return policy;
}

function repositoryPolicyNotFound(key: RepositoryKey): DomainError {
  return new DomainError(
    'RepositoryPolicyNotFound',
    `Repository policy does not exist for the repository with name '${key.name}' in the registry with id '${key.accountId}'`,
  );
}

function registryPolicyNotFound(accountId: string): DomainError {
  return new DomainError('RegistryPolicyNotFound', `Registry policy does not exist in the registry with id '${accountId}'`);
}
