import type { AuditStore } from './audit-store.js';
import type { DeploymentStore } from './deployment-store.js';
import type { EventStore } from './event-store.js';
import type { GcStore } from './gc-store.js';
import type { ImageStore } from './image-store.js';
import type { IamStore } from './iam-store.js';
import type { JobStore } from './job-store.js';
import type { LifecycleStore } from './lifecycle-store.js';
import type { RegistryStore } from './registry-store.js';
import type { RepositoryTagStore } from './repository-tag-store.js';
import type { ScanStore } from './scan-store.js';
import type { StatsStore } from './stats-store.js';
import type { VulnDbStore } from './vulndb-store.js';

/**
 * Everything Berth keeps besides blob bytes. Composed of one sub-store per concern so modules add
 * their own without touching the others. SQLite (`sqlite/`) and PostgreSQL (`postgres/`)
 * implement every sub-store; the conformance suite (test/metadata/store-conformance.ts) states what
 * any implementation must do.
 */
export interface MetadataStore {
  /** Repositories, blob links, uploads, manifests and tags (a facade over one sub-store each). */
  readonly registry: RegistryStore;
  readonly events: EventStore;
  readonly jobs: JobStore;
  readonly gc: GcStore;
  /** ECR's view of images (listings by tag and storage status, delete-by-tag). */
  readonly images: ImageStore;
  /** Resource tags on repositories. */
  readonly repositoryTags: RepositoryTagStore;
  readonly iam: IamStore;
  readonly audit: AuditStore;
  /** Lifecycle policies, previews and image storage states (archive). */
  readonly lifecycle: LifecycleStore;
  /** Registry scanning configurations, image scans with their findings, SBOMs. */
  readonly scans: ScanStore;
  /** The vulnerability database scans match against (imported by src/scanning/vulndb). */
  readonly vulnDb: VulnDbStore;
  /** Fingerprints of the settings every node must share (keyring, server secret, storage). */
  readonly deployment: DeploymentStore;
  /** Aggregates for metrics: usage per repository, blob totals, upload sessions, the job queue. */
  readonly stats: StatsStore;
  close(): Promise<void>;
}
