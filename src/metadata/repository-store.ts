import type { OutboxEvent } from './event-store.js';
import type { Page } from './page.js';
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

/** A new repository's settings where the request leaves them out (ECR's defaults). */
export const REPOSITORY_DEFAULTS: Readonly<RepositorySettings> = Object.freeze({
  imageTagMutability: 'MUTABLE',
  imageTagMutabilityExclusionFilters: [],
  scanOnPush: false,
  encryptionType: 'AES256',
  public: false,
});

export interface RepositoryRecord extends RepositorySettings {
  id: number;
  accountId: string;
  name: string;
  createdAt: Date;
}

export interface NewRepository extends Partial<RepositorySettings> {
  accountId: string;
  name: string;
  now: Date;
  /** Resource tags stored with the repository in the same transaction (see repository-tag-store.ts). */
  tags?: readonly ResourceTag[];
}

/** Repositories: an account's named collections of images, with their settings. */
export interface RepositoryStore {
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
}
