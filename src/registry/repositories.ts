import { isDomainError, repositoryNotEmpty, repositoryNotFound } from '../domain/errors.js';
import { assertRepositoryName, type RepositoryKey } from '../domain/reference.js';
import type { Page } from '../metadata/page.js';
import type { RepositoryRecord, RepositorySettings } from '../metadata/registry-store.js';
import type { ResourceTag } from '../metadata/repository-tag-store.js';
import type { RegistryContext } from './context.js';
import type { Actor } from '../audit/actor.js';
import { RegistryEvent, registryEvent } from './events.js';

export class RepositoryService {
  constructor(private readonly ctx: RegistryContext) {}

  async find(key: RepositoryKey): Promise<RepositoryRecord | undefined> {
    return this.ctx.store.registry.getRepository(key.accountId, key.name);
  }

  /** The repository, or RepositoryNotFound (NAME_UNKNOWN on /v2). */
  async get(key: RepositoryKey): Promise<RepositoryRecord> {
    const repository = await this.find(key);
    if (!repository) throw repositoryNotFound(key);
    return repository;
  }

  /** The repository a push goes to, created on first push when the registry allows it. */
  async forPush(key: RepositoryKey, actor: Actor): Promise<RepositoryRecord> {
    assertRepositoryName(key.name);
    const existing = await this.find(key);
    if (existing) return existing;
    if (!this.ctx.options.createRepositoryOnPush) throw repositoryNotFound(key);
    const now = this.ctx.now();
    const created = await this.ctx.store.registry.ensureRepository({ ...key, now }, [
      registryEvent(RegistryEvent.RepositoryCreated, key, now, actor, { createdBy: 'push' }),
    ]);
    this.ctx.log.info({ account: key.accountId, repository: key.name }, 'repository created on push');
    return created;
  }

  /** Settings left out take the same defaults as create-on-push; `tags` are stored in the same transaction. */
  async create(
    key: RepositoryKey,
    actor: Actor,
    settings: Partial<RepositorySettings> = {},
    tags?: readonly ResourceTag[],
  ): Promise<RepositoryRecord> {
    assertRepositoryName(key.name);
    const now = this.ctx.now();
    const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
    return this.ctx.store.registry.createRepository({ ...key, ...given, ...(tags && { tags }), now }, [
      registryEvent(RegistryEvent.RepositoryCreated, key, now, actor, {}),
    ]);
  }

  async update(key: RepositoryKey, patch: Partial<RepositorySettings>): Promise<RepositoryRecord> {
    const repository = await this.get(key);
    return this.ctx.store.registry.updateRepository(repository.id, patch);
  }

  async delete(key: RepositoryKey, force: boolean, actor: Actor): Promise<RepositoryRecord> {
    const repository = await this.get(key);
    const now = this.ctx.now();
    try {
      await this.ctx.store.registry.deleteRepository(repository.id, {
        force,
        events: [registryEvent(RegistryEvent.RepositoryDeleted, repository, now, actor, { force })],
      });
    } catch (err) {
      // The store knows the repository by id only; the answer names it as ECR does.
      if (isDomainError(err, 'RepositoryNotEmpty')) throw repositoryNotEmpty(key);
      throw err;
    }
    return repository;
  }

  async list(accountId: string, options: { after?: string; limit: number }): Promise<Page<RepositoryRecord>> {
    return this.ctx.store.registry.listRepositories(accountId, options);
  }
}
