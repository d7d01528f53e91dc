import { DomainError } from '../domain/errors.js';
import { outboxEvent } from '../domain/events/index.js';
import { LifecycleEvent } from '../domain/events/lifecycle.js';
import type { ManifestRecord, RepositoryRecord } from '../metadata/registry-store.js';
import type { RegistryContext } from './context.js';
import type { Actor } from '../audit/actor.js';

/**
 * Image storage classes as the registry sees them (ECR's archive, 2025). Archiving and restoring
 * are the lifecycle module's; the registry reads the state with each image (ImageService lists and
 * describes images with it), refuses pulls of images that are not ACTIVE, and restores an archived
 * image when it is pushed again ("When you push an image that is currently archived, that image will
 * be immediately restored", AWS ECR user guide, "Restoring an image").
 */

const ImageStorageEvent = {
  /** A re-push restored an archived image at once (the same event a completed restore writes). */
  Restored: LifecycleEvent.Restored,
} as const;

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
      outboxEvent(ImageStorageEvent.Restored, {
        accountId: repository.accountId,
        occurredAt: now,
        payload: { repositoryName: repository.name, actor, action: 'ecr:PutImage', digest, cause: 'push' },
      }),
    ],
  });
}
