import type { StoredEvent } from './event-store.js';
import type { GcBlob } from './gc-store.js';
import type { ImageIdRecord, ImageStatus, ImageStorageState } from './image-store.js';
import type { JobRecord, JobStatus } from './job-store.js';
import type { FoundManifest, ManifestRecord, ManifestSummary, ReferrerRecord } from './manifest-store.js';
import type { RepositoryRecord } from './repository-store.js';
import type { UploadRecord } from './upload-store.js';

/**
 * Row shapes and their mapping to records, kept apart from the queries that produce them and
 * shared by both engines: times are integer milliseconds on both; a flag is 0/1 on SQLite and a
 * boolean on PostgreSQL; JSON is text on both.
 */
type Flag = number | boolean;

export interface RepositoryRow {
  id: number;
  account_id: string;
  name: string;
  created_at: number;
  image_tag_mutability: string;
  tag_mutability_exclusions: string;
  scan_on_push: Flag;
  encryption_type: string;
  kms_key: string | null;
  public: Flag;
}

export function toRepository(row: RepositoryRow): RepositoryRecord {
  const record: RepositoryRecord = {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    createdAt: new Date(row.created_at),
    imageTagMutability: row.image_tag_mutability as RepositoryRecord['imageTagMutability'],
    imageTagMutabilityExclusionFilters: JSON.parse(row.tag_mutability_exclusions),
    scanOnPush: Boolean(row.scan_on_push),
    encryptionType: row.encryption_type as RepositoryRecord['encryptionType'],
    public: Boolean(row.public),
  };
  if (row.kms_key !== null) record.kmsKey = row.kms_key;
  return record;
}

export interface ManifestRow {
  id: number;
  repository_id: number;
  digest: string;
  media_type: string;
  artifact_type: string | null;
  subject_digest: string | null;
  config_digest: string | null;
  size: number;
  image_size: number;
  annotations: string | null;
  pushed_at: number;
  last_pulled_at: number | null;
  content?: Buffer;
}

export const MANIFEST_SUMMARY_COLUMNS =
  'id, repository_id, digest, media_type, artifact_type, subject_digest, config_digest, size, image_size, annotations, pushed_at, last_pulled_at';

export function toManifestSummary(row: ManifestRow): ManifestSummary {
  const record: ManifestSummary = {
    id: row.id,
    repositoryId: row.repository_id,
    digest: row.digest,
    mediaType: row.media_type,
    size: row.size,
    imageSize: row.image_size,
    pushedAt: new Date(row.pushed_at),
  };
  if (row.artifact_type !== null) record.artifactType = row.artifact_type;
  if (row.subject_digest !== null) record.subjectDigest = row.subject_digest;
  if (row.config_digest !== null) record.configDigest = row.config_digest;
  if (row.annotations !== null) record.annotations = JSON.parse(row.annotations);
  if (row.last_pulled_at !== null) record.lastPulledAt = new Date(row.last_pulled_at);
  return record;
}

export function toManifest(row: ManifestRow & { content: Buffer }): ManifestRecord {
  return { ...toManifestSummary(row), content: row.content };
}

/** The pull path's row: the repository's id, and the manifest (all null when absent) with its storage status. */
export type PullRow = ManifestRow & { content: Buffer | null; id: number | null; image_status: string };

export function toFoundManifest(row: PullRow): FoundManifest {
  if (row.id === null) return { repositoryId: row.repository_id };
  return { repositoryId: row.repository_id, manifest: toManifest(row as ManifestRow & { content: Buffer }), imageStatus: row.image_status };
}

export interface EventRow {
  id: number;
  type: string;
  account_id: string | null;
  occurred_at: number;
  payload: string;
}

export function toEvent(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    id: row.id,
    type: row.type,
    occurredAt: new Date(row.occurred_at),
    payload: JSON.parse(row.payload),
  };
  if (row.account_id !== null) event.accountId = row.account_id;
  return event;
}

export interface JobRow {
  id: number;
  type: string;
  payload: string;
  status: JobStatus;
  dedupe_key: string | null;
  run_at: number;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  result: string | null;
  created_at: number;
  updated_at: number;
}

export function toJob(row: JobRow): JobRecord {
  const job: JobRecord = {
    id: row.id,
    type: row.type,
    payload: JSON.parse(row.payload),
    status: row.status,
    runAt: new Date(row.run_at),
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
  if (row.dedupe_key !== null) job.dedupeKey = row.dedupe_key;
  if (row.lease_owner !== null) job.leaseOwner = row.lease_owner;
  if (row.lease_until !== null) job.leaseUntil = new Date(row.lease_until);
  if (row.last_error !== null) job.lastError = row.last_error;
  if (row.result !== null) job.result = JSON.parse(row.result);
  return job;
}

export interface UploadRow {
  id: string;
  repository_id: number;
  started_at: number;
  updated_at: number;
}

export function toUpload(row: UploadRow): UploadRecord {
  return {
    id: row.id,
    repositoryId: row.repository_id,
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** An image's storage state as the image queries read it (no image_storage row: ACTIVE). */
export interface StateRow {
  status: ImageStatus;
  last_archived_at: number | null;
  last_activated_at: number | null;
}

export function toState(row: StateRow): ImageStorageState {
  const state: ImageStorageState = { status: row.status };
  if (row.last_archived_at !== null) state.lastArchivedAt = new Date(row.last_archived_at);
  if (row.last_activated_at !== null) state.lastActivatedAt = new Date(row.last_activated_at);
  return state;
}

export type ReferrerRow = Pick<ManifestRow, 'digest' | 'media_type' | 'size' | 'artifact_type' | 'annotations'>;

export function toReferrer(row: ReferrerRow): ReferrerRecord {
  const referrer: ReferrerRecord = { digest: row.digest, mediaType: row.media_type, size: row.size };
  if (row.artifact_type !== null) referrer.artifactType = row.artifact_type;
  if (row.annotations !== null) referrer.annotations = JSON.parse(row.annotations);
  return referrer;
}

/** One ListImages row: an image with one of its tags, or alone when untagged. */
export interface ImageIdRow {
  digest: string;
  tag: string | null;
}

export function toImageId(row: ImageIdRow): ImageIdRecord {
  return row.tag === null ? { digest: row.digest } : { digest: row.digest, tag: row.tag };
}

/** A blob as garbage collection reads it, with its last use. */
export interface CandidateRow {
  digest: string;
  size: number;
  used: number;
}

export function toGcBlob(row: CandidateRow): GcBlob {
  return { digest: row.digest, size: row.size, lastUsedAt: new Date(row.used) };
}
