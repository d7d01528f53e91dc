import type { RepositoryKey } from '../domain/reference.js';
import type { LifecyclePolicyRecord } from '../metadata/lifecycle-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { RepositoryService } from '../registry/repositories.js';
import { lifecyclePolicyNotFound, parseLifecyclePolicy } from './policy/index.js';

/**
 * PutLifecyclePolicy, GetLifecyclePolicy, DeleteLifecyclePolicy. The repository is checked first
 * (RepositoryNotFound), then the text (InvalidParameter naming the problem); the text is stored
 * verbatim because ECR returns exactly what was put.
 */
export class LifecyclePolicyService {
  constructor(
    private readonly deps: {
      store: MetadataStore;
      repositories: RepositoryService;
      now: () => Date;
    },
  ) {}

  async put(key: RepositoryKey, text: string): Promise<LifecyclePolicyRecord> {
    const repository = await this.deps.repositories.get(key);
    parseLifecyclePolicy(text);
    return this.deps.store.lifecycle.putPolicy(repository.id, text, this.deps.now());
  }

  async get(key: RepositoryKey): Promise<LifecyclePolicyRecord> {
    const repository = await this.deps.repositories.get(key);
    const policy = await this.deps.store.lifecycle.getPolicy(repository.id);
    if (!policy) throw lifecyclePolicyNotFound(key.name, key.accountId);
    return policy;
  }

  async delete(key: RepositoryKey): Promise<LifecyclePolicyRecord> {
    const repository = await this.deps.repositories.get(key);
    const policy = await this.deps.store.lifecycle.deletePolicy(repository.id);
    if (!policy) throw lifecyclePolicyNotFound(key.name, key.accountId);
    return policy;
  }
}
