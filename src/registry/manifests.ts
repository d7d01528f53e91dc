import { digestInvalid, manifestNotAcceptable, manifestNotFound, repositoryNotFound } from '../domain/errors.js';
import { type DigestAlgorithm, digestOf, looksLikeDigest, parseDigest } from '../domain/digest.js';
import { assertTag, isValidTag, type RepositoryKey } from '../domain/reference.js';
import { isNonDistributable } from '../domain/media-types.js';
import { parseManifest, type ParsedManifest } from '../domain/manifest/parse.js';
import type { OutboxEvent } from '../metadata/event-store.js';
import type { PayloadOf } from '../domain/events/index.js';
import type { ManifestRecord, ManifestReference, RepositoryRecord } from '../metadata/registry-store.js';
import type { RegistryContext } from './context.js';
import type { Actor } from '../audit/actor.js';
import { RegistryEvent, registryEvent } from './events.js';
import { assertPullable, restoreOnPush } from './image-storage.js';
import type { PullRecorder } from './pull-recorder.js';
import type { RepositoryService } from './repositories.js';
import { isTagImmutable } from './tag-mutability.js';


/** What a deletion by a system actor adds to image.deleted (a lifecycle rule: ECR's action and the rule's priority). */
type ImageDeletedDetail = Pick<PayloadOf<'image.deleted'>, 'action' | 'rulePriority'>;
export interface PutManifestCommand {
  reference: string;
  content: Buffer;
  contentType: string | undefined;
  /** Who pushes (named on the events the push writes). */
  actor: Actor;
}

export interface PutManifestOutcome {
  digest: string;
  mediaType: string;
  subjectDigest?: string;
  created: boolean;
  tagChanged: boolean;
  repository: RepositoryRecord;
}

function parseReference(reference: string): ManifestReference {
  if (looksLikeDigest(reference)) {
    parseDigest(reference);
    return { digest: reference };
  }
  assertTag(reference);
  return { tag: reference };
}

/**
 * A reference to look up (GET, HEAD, DELETE): a tag outside the grammar cannot exist, so it is
 * MANIFEST_UNKNOWN rather than TAG_INVALID. The conformance suite asserts 404 for
 * ".INVALID_MANIFEST_NAME", and distribution's router answers such paths with 404 too; only a
 * push names a tag that must be valid.
 */
function lookupReference(key: RepositoryKey, reference: string): ManifestReference {
  if (!looksLikeDigest(reference) && !isValidTag(reference)) throw manifestNotFound(key, reference);
  return parseReference(reference);
}

export class ManifestService {
  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
    private readonly pulls: PullRecorder,
  ) {}

  async put(key: RepositoryKey, command: PutManifestCommand): Promise<PutManifestOutcome> {
    const reference = parseReference(command.reference);
    const manifest = parseManifest(command.content, command.contentType);
    const algorithm: DigestAlgorithm = reference.digest ? parseDigest(reference.digest).algorithm : 'sha256';
    const digest = digestOf(command.content, algorithm);
    if (reference.digest && reference.digest !== digest) {
      throw digestInvalid(`manifest digest ${digest} does not match reference ${reference.digest}`, reference.digest);
    }
    const repository = await this.repositories.forPush(key, command.actor);
    const now = this.ctx.now();
    const result = await this.ctx.store.registry.putManifest({
      repositoryId: repository.id,
      digest,
      mediaType: manifest.mediaType,
      artifactType: manifest.artifactType,
      subjectDigest: manifest.subject?.digest,
      configDigest: manifest.config?.digest,
      content: command.content,
      imageSize: imageSizeOf(manifest),
      annotations: manifest.annotations,
      blobs: referencedBlobs(manifest),
      children: manifest.manifests.map((child) => child.digest),
      tag: reference.tag,
      tagImmutable: reference.tag !== undefined && isTagImmutable(repository, reference.tag),
      now,
      events: [
        registryEvent(RegistryEvent.ImagePushed, repository, now, command.actor, {
          digest,
          tag: reference.tag ?? null,
          mediaType: manifest.mediaType,
          artifactType: manifest.artifactType ?? null,
        }),
      ],
    });
    if (!result.created) await restoreOnPush(this.ctx, repository, digest, now, command.actor);
    return {
      digest,
      mediaType: manifest.mediaType,
      subjectDigest: manifest.subject?.digest,
      created: result.created,
      tagChanged: result.tagChanged,
      repository,
    };
  }

  /** Resolves a reference to the stored manifest, or ManifestNotFound. */
  async resolve(key: RepositoryKey, referenceText: string): Promise<{ repository: RepositoryRecord; manifest: ManifestRecord }> {
    const reference = lookupReference(key, referenceText);
    const repository = await this.repositories.get(key);
    const digest = reference.digest ?? (await this.ctx.store.registry.resolveTag(repository.id, reference.tag));
    const manifest = digest && (await this.ctx.store.registry.getManifest(repository.id, digest));
    if (!manifest) throw manifestNotFound(key, referenceText);
    return { repository, manifest };
  }

  /**
   * Fetches a manifest for a client that accepts the given media types (undefined: any). A pull
   * is recorded for lastRecordedPullTime unless `recordPull` is false (HEAD requests).
   */
  async get(key: RepositoryKey, reference: string, accept: string[] | undefined, recordPull: boolean): Promise<ManifestRecord> {
    // The hot path of every pull: one query finds the repository and the manifest together.
    const found = await this.ctx.store.registry.findManifest(key.accountId, key.name, lookupReference(key, reference));
    if (!found) throw repositoryNotFound(key);
    const manifest = found.manifest;
    if (!manifest) throw manifestNotFound(key, reference);
    assertPullable(key.name, manifest, found.imageStatus ?? 'ACTIVE', reference);
    if (!acceptable(manifest.mediaType, accept)) throw manifestNotAcceptable(reference, manifest.mediaType);
    if (recordPull) this.pulls.record(found.repositoryId, manifest.digest, this.ctx.now());
    return manifest;
  }

  /**
   * Deletes by digest (the manifest and its tags) or by tag (only the tag). `options.detail` joins
   * the image.deleted event (e.g. the lifecycle rule that expired the image) and `options.events`
   * adds events to the same transaction.
   */
  async delete(
    key: RepositoryKey,
    referenceText: string,
    options: { actor: Actor; detail?: ImageDeletedDetail; events?: (deleted: { digest: string; tags: string[] }) => OutboxEvent[] },
  ): Promise<{ digest: string; tags: string[] }> {
    const reference = lookupReference(key, referenceText);
    const repository = await this.repositories.get(key);
    const now = this.ctx.now();
    if (reference.tag !== undefined) {
      const digest = await this.ctx.store.registry.deleteTag(repository.id, reference.tag, [
        registryEvent(RegistryEvent.TagDeleted, repository, now, options.actor, { tag: reference.tag }),
      ]);
      if (!digest) throw manifestNotFound(key, reference.tag);
      return { digest, tags: [reference.tag] };
    }
    const tags = await this.ctx.store.registry.tagsOf(repository.id, reference.digest);
    const deleted = await this.ctx.store.registry.deleteManifest(repository.id, reference.digest, [
      registryEvent(RegistryEvent.ImageDeleted, repository, now, options.actor, { digest: reference.digest, tags, ...options.detail }),
      ...(options.events?.({ digest: reference.digest, tags }) ?? []),
    ]);
    if (!deleted) throw manifestNotFound(key, reference.digest);
    return { digest: reference.digest, tags: deleted.tags };
  }
}

/** Config and layers that must be present, except foreign layers that live elsewhere by design. */
function referencedBlobs(manifest: ParsedManifest): { digest: string; size: number }[] {
  const blobs: { digest: string; size: number }[] = [];
  if (manifest.config) blobs.push({ digest: manifest.config.digest, size: manifest.config.size });
  for (const layer of manifest.layers) {
    if (isNonDistributable(layer.mediaType) && layer.urls?.length) continue;
    blobs.push({ digest: layer.digest, size: layer.size });
  }
  return blobs;
}

function imageSizeOf(manifest: ParsedManifest): number {
  return manifest.layers.reduce((sum, layer) => sum + layer.size, manifest.config?.size ?? 0);
}

function acceptable(mediaType: string, accept: string[] | undefined): boolean {
  if (accept === undefined) return true;
  const slash = mediaType.indexOf('/');
  return accept.some((a) => a === mediaType || a === '*/*' || a === `${mediaType.slice(0, slash)}/*`);
}
