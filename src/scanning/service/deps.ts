import type { Logger } from '../../util/logger.js';
import type { MetadataStore } from '../../metadata/store.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { ScanLimits } from '../layers/limits.js';

/** What scans and re-evaluations need: the stores, the clock, a logger and the scan limits. */
export interface ScanDeps {
  store: MetadataStore;
  blobs: BlobStore;
  now: () => Date;
  log: Logger;
  limits: Partial<ScanLimits>;
}
