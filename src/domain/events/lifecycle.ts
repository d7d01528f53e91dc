import { z } from 'zod';
import { aboutRepository, accountEvent, digest, tags } from './envelope.js';

/**
 * Outbox events of lifecycle policies and the archive storage class. Each carries its actor and
 * the ECR action it stands for, so the audit sink records it without a lookup: lifecycle runs act
 * as `berth:lifecycle` with ECR's CloudTrail event name for lifecycle actions,
 * `PolicyExecutionEvent`; archive and restore requests act as the caller with
 * `ecr:UpdateImageStorageClass`.
 */
export const LifecycleEvent = {
  /** A lifecycle rule expired (deleted) an image; image.deleted is written in the same transaction. */
  Expired: 'lifecycle.image.expired',
  /** A lifecycle rule moved an image to the archive storage class. */
  Archived: 'lifecycle.image.archived',
  /** UpdateImageStorageClass moved an image to the archive storage class. */
  ImageArchived: 'image.archived',
  /** UpdateImageStorageClass asked for an archived image to be restored (status ACTIVATING). */
  RestoreStarted: 'image.restore.started',
  /** A restore completed, or a push of the same image restored it at once: the image is ACTIVE and pullable again. */
  Restored: 'image.restored',
} as const;

const acted = { ...aboutRepository, action: z.string() };

/** What a rule decided about an image, as the lifecycle events record it. */
const ruleDecision = {
  digest,
  tags,
  rulePriority: z.number(),
  pushedAt: z.string(),
  storageClass: z.enum(['STANDARD', 'ARCHIVE']),
};

export const lifecycleEvents = {
  [LifecycleEvent.Expired]: accountEvent({ ...acted, ...ruleDecision }),
  [LifecycleEvent.Archived]: accountEvent({ ...acted, ...ruleDecision, targetStorageClass: z.literal('ARCHIVE') }),
  [LifecycleEvent.ImageArchived]: accountEvent({ ...acted, digest, targetStorageClass: z.literal('ARCHIVE') }),
  [LifecycleEvent.RestoreStarted]: accountEvent({ ...acted, digest, targetStorageClass: z.literal('STANDARD') }),
  [LifecycleEvent.Restored]: accountEvent({ ...acted, digest, cause: z.enum(['restore', 'push']) }),
};
