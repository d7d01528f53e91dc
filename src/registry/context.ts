import type { Logger } from '../util/logger.js';
import type { BlobGuard } from '../gc/blob-guard.js';
import type { MetadataStore } from '../metadata/store.js';
import type { BlobStore } from '../storage/blob-store.js';

export interface RegistryOptions {
  /** Create a repository on first push (as ECR's create-on-push templates do) instead of NAME_UNKNOWN. */
  createRepositoryOnPush: boolean;
  /** Largest blob accepted, in bytes. */
  maxBlobBytes: number;
}

/** What every registry service needs; built once by the app. */
export interface RegistryContext {
  store: MetadataStore;
  blobs: BlobStore;
  options: RegistryOptions;
  log: Logger;
  now(): Date;
  /** How blob writers and readers take part in online garbage collection (leases, last-use times). */
  guard: BlobGuard;
}
