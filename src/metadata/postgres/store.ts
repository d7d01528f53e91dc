import { type RegistryStore, composeRegistryStore } from '../registry-store.js';
import type { MetadataStore } from '../store.js';
import { allPostgresMigrations } from './all-migrations.js';
import { PostgresAuditStore } from './audit-store.js';
import { PostgresDatabase, type PostgresOptions } from './database.js';
import { PostgresBlobLinkStore } from './blob-link-store.js';
import { PostgresDeploymentStore } from './deployment-store.js';
import { PostgresEventStore } from './event-store.js';
import { PostgresGcStore } from './gc-store.js';
import { PostgresIamStore } from './iam-store.js';
import { PostgresImageStore } from './image-store.js';
import { PostgresJobStore } from './job-store.js';
import { PostgresLifecycleStore } from './lifecycle-store.js';
import { PostgresManifestStore } from './manifest-store.js';
import { PostgresRepositoryStore } from './repository-store.js';
import { PostgresRepositoryTagStore } from './repository-tag-store.js';
import { PostgresScanStore } from './scan-store.js';
import { PostgresStatsStore } from './stats-store.js';
import { PostgresUploadStore } from './upload-store.js';
import { PostgresVulnDbStore } from './vulndb-store.js';

/**
 * The metadata store on PostgreSQL: the same sub-stores as SqliteMetadataStore over one
 * connection pool, so several Berth nodes can share one database.
 */
export class PostgresMetadataStore implements MetadataStore {
  readonly registry: RegistryStore;
  readonly events: PostgresEventStore;
  readonly jobs: PostgresJobStore;
  readonly gc: PostgresGcStore;
  readonly images: PostgresImageStore;
  readonly repositoryTags: PostgresRepositoryTagStore;
  readonly iam: PostgresIamStore;
  readonly audit: PostgresAuditStore;
  readonly lifecycle: PostgresLifecycleStore;
  readonly scans: PostgresScanStore;
  readonly vulnDb: PostgresVulnDbStore;
  readonly deployment: PostgresDeploymentStore;
  readonly stats: PostgresStatsStore;

  private constructor(readonly database: PostgresDatabase) {
    this.registry = composeRegistryStore({
      repositories: new PostgresRepositoryStore(database),
      blobLinks: new PostgresBlobLinkStore(database),
      uploads: new PostgresUploadStore(database),
      manifests: new PostgresManifestStore(database),
    });
    this.events = new PostgresEventStore(database);
    this.jobs = new PostgresJobStore(database);
    this.gc = new PostgresGcStore(database);
    this.images = new PostgresImageStore(database);
    this.repositoryTags = new PostgresRepositoryTagStore(database);
    this.iam = new PostgresIamStore(database);
    this.audit = new PostgresAuditStore(database);
    this.lifecycle = new PostgresLifecycleStore(database);
    this.scans = new PostgresScanStore(database);
    this.vulnDb = new PostgresVulnDbStore(database);
    this.deployment = new PostgresDeploymentStore(database);
    this.stats = new PostgresStatsStore(database);
  }

  /** Connects and applies pending migrations (safe while other nodes start against the same database). */
  static async open(options: PostgresOptions): Promise<PostgresMetadataStore> {
    const database = new PostgresDatabase(options);
    try {
      await database.migrate(allPostgresMigrations);
    } catch (err) {
      await database.close();
      throw err;
    }
    return new PostgresMetadataStore(database);
  }

  /** Ends the connection pool. */
  async close(): Promise<void> {
    await this.database.close();
  }
}
