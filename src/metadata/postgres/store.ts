import type { AuditStore } from '../audit-store.js';
import type { IamStore } from '../iam-store.js';
import type { LifecycleStore } from '../lifecycle-store.js';
import { type RegistryStore, composeRegistryStore } from '../registry-store.js';
import type { ScanStore } from '../scan-store.js';
import type { MetadataStore } from '../store.js';
import type { VulnDbStore } from '../vulndb-store.js';
import { allPostgresMigrations } from './all-migrations.js';
import { PostgresDatabase, type PostgresOptions } from './database.js';
import { PostgresBlobLinkStore } from './blob-link-store.js';
import { PostgresEventStore } from './event-store.js';
import { PostgresGcStore } from './gc-store.js';
import { PostgresImageStore } from './image-store.js';
import { PostgresJobStore } from './job-store.js';
import { PostgresManifestStore } from './manifest-store.js';
import { notImplemented } from './not-implemented.js';
import { PostgresRepositoryStore } from './repository-store.js';
import { PostgresRepositoryTagStore } from './repository-tag-store.js';
import { PostgresUploadStore } from './upload-store.js';

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
  readonly iam: IamStore;
  readonly audit: AuditStore;
  readonly lifecycle: LifecycleStore;
  readonly scans: ScanStore;
  readonly vulnDb: VulnDbStore;

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
    this.iam = notImplemented('iam');
    this.audit = notImplemented('audit');
    this.lifecycle = notImplemented('lifecycle');
    this.scans = notImplemented('scans');
    this.vulnDb = notImplemented('vulnDb');
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
