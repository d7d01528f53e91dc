import { z } from 'zod';
import { aboutRepository, accountEvent, digest, tags } from './envelope.js';

/** Event types the registry writes to the outbox; its subscribers (the audit log, scanning) read them. */
export const RegistryEvent = {
  RepositoryCreated: 'repository.created',
  RepositoryDeleted: 'repository.deleted',
  ImagePushed: 'image.pushed',
  ImageDeleted: 'image.deleted',
  TagDeleted: 'tag.deleted',
} as const;

export const registryEvents = {
  [RegistryEvent.RepositoryCreated]: accountEvent({ ...aboutRepository, createdBy: z.literal('push').optional() }),
  [RegistryEvent.RepositoryDeleted]: accountEvent({ ...aboutRepository, force: z.boolean() }),
  [RegistryEvent.ImagePushed]: accountEvent({
    ...aboutRepository,
    digest,
    tag: z.string().nullable(),
    mediaType: z.string(),
    artifactType: z.string().nullable(),
  }),
  /** A lifecycle rule's expiry adds the ECR action it stands for and the rule's priority. */
  [RegistryEvent.ImageDeleted]: accountEvent({
    ...aboutRepository,
    digest,
    tags,
    action: z.string().optional(),
    rulePriority: z.number().optional(),
  }),
  /** Deleting a tag through ECR (BatchDeleteImage by tag) names the digest it pointed at too. */
  [RegistryEvent.TagDeleted]: accountEvent({ ...aboutRepository, tag: z.string(), digest: digest.optional() }),
};
