import { DomainError } from '../domain/errors.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { ImageIdRecord, TagStatus } from '../metadata/image-store.js';
import type { ImageStatus, ImageStorageState } from '../metadata/lifecycle-store.js';
import type { ManifestRecord, RepositoryRecord } from '../metadata/registry-store.js';
import type { RegistryContext } from './context.js';
import type { Actor } from '../audit/actor.js';
import type { RepositoryService } from './repositories.js';

/**
 * Image storage classes as the registry sees them (ECR's archive, 2025). Archiving and restoring
 * are the lifecycle module's; the registry only reads the state to list images with their status
 * and to refuse pulls of images that are not ACTIVE, and restores an archived image when it is
 * pushed again ("When you push an image that is currently archived, that image will be immediately
 * restored", AWS ECR user guide, "Restoring an image").
 */

export const ImageStorageEvent = {
  /** A re-push restored an archived image at once. */
  Restored: 'image.restored',
} as const;

export class ImageStorageService {
  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
  ) {}

  /** Storage states of the images with these digests that exist, keyed by digest. */
  async states(key: RepositoryKey, digests: readonly string[]): Promise<Map<string, ImageStorageState>> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.lifecycle.imageStates(repository.id, [...new Set(digests)]);
  }

  /** ListImages for one image status. */
  async listIds(
    key: RepositoryKey,
    options: { imageStatus: ImageStatus; tagStatus: TagStatus; after?: ImageIdRecord; limit: number },
  ): Promise<{ items: ImageIdRecord[]; more: boolean }> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.lifecycle.listImageIds(repository.id, options);
  }

  /** DescribeImages for one image status: the page's digests. */
  async listDigests(
    key: RepositoryKey,
    options: { imageStatus: ImageStatus; tagStatus: TagStatus; after?: string; limit: number },
  ): Promise<{ items: string[]; more: boolean }> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.lifecycle.listImageDigests(repository.id, options);
  }
}

/**
 * Refuses a pull of an archived or activating image. ECR: "Archived images cannot be pulled.
 * Requests to pull the archived image will fail with a 404 error", and a restoring image "cannot be
 * pulled until the restore is complete". The code maps to MANIFEST_UNKNOWN (404) on /v2.
 */
export function assertPullable(repositoryName: string, manifest: ManifestRecord, status: string, reference: string): void {
  if (status === 'ACTIVE') return;
  const why =
    status === 'ARCHIVED'
      ? 'is archived; restore it to the STANDARD storage class (UpdateImageStorageClass) before pulling it'
      : 'is being restored from the archive and cannot be pulled until the restore completes';
  throw new DomainError('ImageArchived', `manifest ${reference} in repository ${repositoryName} ${why}`, {
    reference,
    digest: manifest.digest,
    imageStatus: status,
  });
}

/** A push of an archived (or activating) image restores it at once. */
export async function restoreOnPush(
  ctx: RegistryContext,
  repository: RepositoryRecord,
  digest: string,
  now: Date,
  actor: Actor,
): Promise<void> {
  await ctx.store.lifecycle.changeImageStatus(repository.id, digest, {
    from: ['ARCHIVED', 'ACTIVATING'],
    to: 'ACTIVE',
    at: now,
    events: () => [
      {
        type: ImageStorageEvent.Restored,
        accountId: repository.accountId,
        occurredAt: now,
        payload: { repositoryName: repository.name, actor, action: 'ecr:PutImage', digest, cause: 'push' },
      },
    ],
  });
}
