import type { RepositoryKey } from '../domain/reference.js';
import { parseDigest } from '../domain/digest.js';
import type { Page } from '../metadata/page.js';
import type { ReferrerRecord } from '../metadata/registry-store.js';
import type { RegistryContext } from './context.js';
import type { RepositoryService } from './repositories.js';

/** Content discovery: tag listing, referrers and the catalog. Every listing is bounded. */
export class DiscoveryService {
  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
  ) {}

  async tags(key: RepositoryKey, options: { after?: string; limit: number }): Promise<Page<string>> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.registry.listTags(repository.id, options);
  }

  /**
   * Manifests whose subject is `digest`. An unknown repository or subject yields an empty list,
   * as the OCI spec requires (the subject may be pushed after its referrers).
   */
  async referrers(key: RepositoryKey, digest: string, artifactType?: string): Promise<ReferrerRecord[]> {
    parseDigest(digest);
    const repository = await this.repositories.find(key);
    if (!repository) return [];
    return this.ctx.store.registry.listReferrers(repository.id, digest, { artifactType });
  }

  async catalog(accountId: string, options: { after?: string; limit: number }): Promise<Page<string>> {
    const page = await this.repositories.list(accountId, options);
    const result: Page<string> = { items: page.items.map((r) => r.name) };
    if (page.next !== undefined) result.next = page.next;
    return result;
  }
}
