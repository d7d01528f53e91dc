import { z } from 'zod';
import type { Actor } from '../audit/actor.js';
import { DomainError, imageNotFound } from '../domain/errors.js';
import type { RepositoryKey } from '../domain/reference.js';
import { type JobQueue, jobType } from '../jobs/define.js';
import type { ImageStatus } from '../metadata/image-store.js';
import type { RepositoryRecord } from '../metadata/registry-store.js';
import type { MetadataStore } from '../metadata/store.js';
import type { RepositoryService } from '../registry/repositories.js';
import { storageClassUpdateNotSupported } from './errors.js';
import { LIFECYCLE_ACTOR, LifecycleEvent, UPDATE_STORAGE_CLASS_ACTION, lifecycleEvent } from './events.js';

/** Completes one restore (ACTIVATING → ACTIVE). */
export const RESTORE_JOB = jobType('lifecycle.restore', z.object({ repositoryId: z.number().int(), digest: z.string() }));

/**
 * UpdateImageStorageClass: archive an image, or restore an archived one. ECR restores
 * asynchronously (ARCHIVED → ACTIVATING → ACTIVE, "typically within 20 minutes"); Berth keeps the
 * bytes on the same storage, so the restore is a durable job that completes the state change after
 * `restoreDelayMs` (short by default). The job survives restarts; asking again for a restore that
 * is under way queues it again (deduplicated), which also repairs a crash between the state change
 * and the enqueue.
 *
 * Same-target requests are idempotent (ARCHIVE on ARCHIVED, STANDARD on ACTIVE or ACTIVATING answer
 * the current status). Refused, with ImageStorageClassUpdateNotSupportedException: archiving an
 * image while it is being restored, and archiving an image that an index in the repository lists
 * while that index is not archived (the index would stay pullable with a child that is not).
 */
export class ImageArchiveService {
  constructor(
    private readonly deps: {
      store: MetadataStore;
      repositories: RepositoryService;
      now: () => Date;
      restoreDelayMs: number;
      jobs: JobQueue;
    },
  ) {}

  async updateStorageClass(
    key: RepositoryKey,
    id: { digest?: string; tag?: string },
    target: 'STANDARD' | 'ARCHIVE',
    actor: Actor,
  ): Promise<{ digest: string; status: ImageStatus }> {
    const repository = await this.deps.repositories.get(key);
    const digest = await this.resolve(repository, key, id);
    const status = target === 'ARCHIVE' ? await this.archive(repository, digest, actor) : await this.restore(repository, digest, actor);
    if (status === undefined) throw imageNotFound(key, id);
    return { digest, status };
  }

  /** The restore job: ACTIVATING → ACTIVE (a no-op when the image went or was restored by a push). */
  async completeRestore(repositoryId: number, digest: string): Promise<boolean> {
    const repository = await this.deps.store.registry.getRepositoryById(repositoryId);
    if (!repository) return false;
    const now = this.deps.now();
    const result = await this.deps.store.lifecycle.changeImageStatus(repositoryId, digest, {
      from: ['ACTIVATING'],
      to: 'ACTIVE',
      at: now,
      events: () => [lifecycleEvent(LifecycleEvent.Restored, repository, now, UPDATE_STORAGE_CLASS_ACTION, LIFECYCLE_ACTOR, { digest, cause: 'restore' })],
    });
    return result?.changed === true;
  }

  private async resolve(repository: RepositoryRecord, key: RepositoryKey, id: { digest?: string; tag?: string }): Promise<string> {
    if (id.tag === undefined) {
      if (id.digest === undefined) throw new DomainError('InvalidParameter', 'Invalid request parameters: both tag and digest cannot be null');
      return id.digest;
    }
    const digest = await this.deps.store.registry.resolveTag(repository.id, id.tag);
    if (digest === undefined || (id.digest !== undefined && id.digest !== digest)) throw imageNotFound(key, id);
    return digest;
  }

  private async archive(repository: RepositoryRecord, digest: string, actor: Actor): Promise<ImageStatus | undefined> {
    const listedBy = (await this.deps.store.lifecycle.referencingIndexes(repository.id, digest)).find((index) => index.status !== 'ARCHIVED');
    if (listedBy) {
      throw storageClassUpdateNotSupported(`image ${digest} is listed by index ${listedBy.digest}, which is not archived; archive the index first`);
    }
    const now = this.deps.now();
    const result = await this.deps.store.lifecycle.changeImageStatus(repository.id, digest, {
      from: ['ACTIVE'],
      to: 'ARCHIVED',
      at: now,
      events: () => [lifecycleEvent(LifecycleEvent.ImageArchived, repository, now, UPDATE_STORAGE_CLASS_ACTION, actor, { digest, targetStorageClass: 'ARCHIVE' })],
    });
    if (result?.previous === 'ACTIVATING') {
      throw storageClassUpdateNotSupported(`image ${digest} is being restored from the archive; wait until its status is ACTIVE`);
    }
    return result?.state.status;
  }

  private async restore(repository: RepositoryRecord, digest: string, actor: Actor): Promise<ImageStatus | undefined> {
    const now = this.deps.now();
    const result = await this.deps.store.lifecycle.changeImageStatus(repository.id, digest, {
      from: ['ARCHIVED'],
      to: 'ACTIVATING',
      at: now,
      events: () => [lifecycleEvent(LifecycleEvent.RestoreStarted, repository, now, UPDATE_STORAGE_CLASS_ACTION, actor, { digest, targetStorageClass: 'STANDARD' })],
    });
    if (result?.state.status === 'ACTIVATING') {
      await this.deps.jobs.enqueue(
        RESTORE_JOB,
        { repositoryId: repository.id, digest },
        { dedupeKey: `${RESTORE_JOB.type}:${repository.id}:${digest}`, runAt: new Date(now.getTime() + this.deps.restoreDelayMs) },
      );
    }
    return result?.state.status;
  }
}
