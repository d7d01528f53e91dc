import type { ManifestRecord, ManifestSummary } from '../manifest-store.js';
import type { RepositoryRecord } from '../repository-store.js';

/** Row shapes and their mapping to records, kept apart from the queries that produce them. */
export interface RepositoryRow {
  id: number;
  account_id: string;
  name: string;
  created_at: number;
  image_tag_mutability: string;
  tag_mutability_exclusions: string;
  scan_on_push: number;
  encryption_type: string;
  kms_key: string | null;
  public: number;
}

export function toRepository(row: RepositoryRow): RepositoryRecord {
  const record: RepositoryRecord = {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    createdAt: new Date(row.created_at),
    imageTagMutability: row.image_tag_mutability as RepositoryRecord['imageTagMutability'],
    imageTagMutabilityExclusionFilters: JSON.parse(row.tag_mutability_exclusions),
    scanOnPush: row.scan_on_push === 1,
    encryptionType: row.encryption_type as RepositoryRecord['encryptionType'],
    public: row.public === 1,
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
