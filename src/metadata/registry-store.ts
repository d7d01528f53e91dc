import type { OutboxEvent } from './event-store.js';
import type { ResourceTag } from './repository-tag-store.js';

export type TagMutability = 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION';

export interface TagMutabilityExclusionFilter {
  filterType: 'WILDCARD';
  filter: string;
}

export interface RepositorySettings {
  imageTagMutability: TagMutability;
  imageTagMutabilityExclusionFilters: TagMutabilityExclusionFilter[];
  scanOnPush: boolean;
  encryptionType: 'AES256' | 'KMS' | 'KMS_DSSE';
  kmsKey?: string;
  /** Public repositories allow anonymous pulls (ECR Public semantics). */
  public: boolean;
}

export interface RepositoryRecord extends RepositorySettings {
  id: number;
  accountId: string;
  name: string;
  createdAt: Date;
}

export interface BlobRecord {
  digest: string;
  size: number;
}

export interface UploadRecord {
  id: string;
  repositoryId: number;
  startedAt: Date;
  updatedAt: Date;
}

export interface ManifestSummary {
  id: number;
  repositoryId: number;
  digest: string;
  mediaType: string;
  artifactType?: string;
  subjectDigest?: string;
  configDigest?: string;
  /** Bytes of the manifest itself. */
  size: number;
  /** Sum of the sizes of the manifest's layers (what ECR reports as imageSizeInBytes). */
  imageSize: number;
  annotations?: Record<string, string>;
  pushedAt: Date;
  lastPulledAt?: Date;
}

export interface ManifestRecord extends ManifestSummary {
  content: Buffer;
}

export interface PutManifestInput {
  repositoryId: number;
  digest: string;
  mediaType: string;
  artifactType?: string;
  subjectDigest?: string;
  configDigest?: string;
  content: Buffer;
  imageSize: number;
  annotations?: Record<string, string>;
  /** Blobs the manifest references (config, layers) that must be linked to the repository, with their declared sizes. */
  blobs: BlobRecord[];
  /** Child manifests (index entries) that must exist in the repository. */
  children: string[];
  tag?: string;
  /** When set and the tag already points elsewhere, the put fails with ImageTagAlreadyExists. */
  tagImmutable?: boolean;
  now: Date;
  events: OutboxEvent[];
}

export interface PutManifestResult {
  /** False when the manifest was already stored (a re-push or a new tag for it). */
  created: boolean;
  /** True when the tag was created or moved to this manifest. */
  tagChanged: boolean;
  /** The digest the tag pointed at before, when the put moved it. */
  previousTagDigest?: string;
}

export interface ReferrerRecord {
  digest: string;
  mediaType: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface NewRepository extends Partial<RepositorySettings> {
  accountId: string;
  name: string;
  now: Date;
  /** Resource tags stored with the repository in the same transaction (see repository-tag-store.ts). */
  tags?: readonly ResourceTag[];
}

export interface Page<T> {
  items: T[];
  /** Present when more items follow: pass as `after` to continue. */
  next?: string;
}

/** A manifest named by a tag or by a digest (exactly one of them). */
export type ManifestReference = { tag: string; digest?: undefined } | { digest: string; tag?: undefined };

/** What the pull path's lookup finds: the repository, and the manifest with its storage status if present. */
export interface FoundManifest {
  repositoryId: number;
  manifest?: ManifestRecord;
  imageStatus?: string;
}

/** Repositories, blobs links, uploads, manifests, tags and referrers. */
export interface RegistryStore {
  createRepository(input: NewRepository, events: OutboxEvent[]): Promise<RepositoryRecord>;
  /** Returns the repository, creating it with defaults when absent (create-on-push). */
  ensureRepository(input: NewRepository, events: OutboxEvent[]): Promise<RepositoryRecord>;
  getRepository(accountId: string, name: string): Promise<RepositoryRecord | undefined>;
  getRepositoryById(id: number): Promise<RepositoryRecord | undefined>;
  /** Repositories of an account ordered by name, strictly after `after`. */
  listRepositories(accountId: string, options: { after?: string; limit: number }): Promise<Page<RepositoryRecord>>;
  updateRepository(id: number, patch: Partial<RepositorySettings>): Promise<RepositoryRecord>;
  /** Deletes a repository; without `force` it must hold no images. Returns the number of images removed. */
  deleteRepository(id: number, options: { force: boolean; events: OutboxEvent[] }): Promise<number>;

  getRepositoryBlob(repositoryId: number, digest: string): Promise<BlobRecord | undefined>;
  linkBlob(repositoryId: number, blob: BlobRecord, now: Date): Promise<void>;
  unlinkBlob(repositoryId: number, digest: string): Promise<boolean>;

  createUpload(upload: UploadRecord): Promise<void>;
  getUpload(id: string): Promise<UploadRecord | undefined>;
  touchUpload(id: string, at: Date): Promise<void>;
  deleteUpload(id: string): Promise<void>;
  listUploadsUpdatedBefore(before: Date, limit: number): Promise<UploadRecord[]>;

  putManifest(input: PutManifestInput): Promise<PutManifestResult>;
  getManifest(repositoryId: number, digest: string): Promise<ManifestRecord | undefined>;
  /**
   * The pull path in one query: the repository (undefined when it does not exist), the manifest a
   * tag or digest names in it (undefined when absent), and the image's storage status (ACTIVE,
   * ARCHIVED or ACTIVATING — the archive storage class of src/lifecycle).
   */
  findManifest(accountId: string, name: string, reference: ManifestReference): Promise<FoundManifest | undefined>;
  /** The digest a tag points at. */
  resolveTag(repositoryId: number, tag: string): Promise<string | undefined>;
  /** Deletes a manifest and its tags; refuses (ImageReferencedByManifestList) while an index in the repository lists it. */
  deleteManifest(repositoryId: number, digest: string, events: OutboxEvent[]): Promise<{ tags: string[] } | undefined>;
  deleteTag(repositoryId: number, tag: string, events: OutboxEvent[]): Promise<string | undefined>;
  /** Tags in lexical order, strictly after `after`. */
  listTags(repositoryId: number, options: { after?: string; limit: number }): Promise<Page<string>>;
  /** Tags pointing at a manifest. */
  tagsOf(repositoryId: number, digest: string): Promise<string[]>;
  listReferrers(repositoryId: number, subjectDigest: string, options: { artifactType?: string }): Promise<ReferrerRecord[]>;
  /** Records pull times in one batch (the service coalesces them off the request path). */
  recordPulls(pulls: { repositoryId: number; digest: string; at: Date }[]): Promise<void>;
}
