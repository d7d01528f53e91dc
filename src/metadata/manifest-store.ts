import type { BlobRecord } from './blob-link-store.js';
import type { OutboxEvent } from './event-store.js';
import type { Page } from './page.js';

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

/** A manifest as put: the summary's fields the store does not derive, its content and what it references. */
export interface PutManifestInput
  extends Pick<ManifestSummary, 'repositoryId' | 'digest' | 'mediaType' | 'artifactType' | 'subjectDigest' | 'configDigest' | 'imageSize' | 'annotations'> {
  content: Buffer;
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

/** A manifest named by a tag or by a digest (exactly one of them). */
export type ManifestReference = { tag: string; digest?: undefined } | { digest: string; tag?: undefined };

/** What the pull path's lookup finds: the repository, and the manifest with its storage status if present. */
export interface FoundManifest {
  repositoryId: number;
  manifest?: ManifestRecord;
  imageStatus?: string;
}

/** Manifests with what they reference, their tags and their referrers (the OCI view of content). */
export interface ManifestStore {
  /**
   * One transaction: checks every referenced blob and child is present, stores the manifest with
   * its references, moves the tag (failing with ImageTagAlreadyExists when `tagImmutable` and it
   * points elsewhere) and writes the events when anything changed.
   */
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
