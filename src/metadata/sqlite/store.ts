import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { composeRegistryStore, type RegistryStore } from '../registry-store.js';
import type { MetadataStore } from '../store.js';
import { SqliteDatabase, explainOpenFailure } from './database.js';
import { SqliteAuditStore } from './audit-store.js';
import { SqliteBlobLinkStore } from './blob-link-store.js';
import { SqliteDeploymentStore } from './deployment-store.js';
import { SqliteEventStore } from './event-store.js';
import { SqliteGcStore } from './gc-store.js';
import { SqliteImageStore } from './image-store.js';
import { SqliteIamStore } from './iam-store.js';
import { SqliteJobStore } from './job-store.js';
import { SqliteLifecycleStore } from './lifecycle-store.js';
import { allSqliteMigrations } from './all-migrations.js';
import { SqliteManifestStore } from './manifest-store.js';
import { SqliteRepositoryStore } from './repository-store.js';
import { SqliteRepositoryTagStore } from './repository-tag-store.js';
import { SqliteScanStore } from './scan-store.js';
import { SqliteStatsStore } from './stats-store.js';
import { SqliteUploadStore } from './upload-store.js';
import { SqliteVulnDbStore } from './vulndb-store.js';

export class SqliteMetadataStore implements MetadataStore {
  readonly registry: RegistryStore;
  readonly events: SqliteEventStore;
  readonly jobs: SqliteJobStore;
  readonly gc: SqliteGcStore;
  readonly images: SqliteImageStore;
  readonly repositoryTags: SqliteRepositoryTagStore;
  readonly iam: SqliteIamStore;

  readonly audit: SqliteAuditStore;
  readonly lifecycle: SqliteLifecycleStore;
  readonly scans: SqliteScanStore;
  readonly vulnDb: SqliteVulnDbStore;
  readonly deployment: SqliteDeploymentStore;
  readonly stats: SqliteStatsStore;

  private constructor(readonly database: SqliteDatabase) {
    this.audit = new SqliteAuditStore(database);
    this.registry = composeRegistryStore({
      repositories: new SqliteRepositoryStore(database),
      blobLinks: new SqliteBlobLinkStore(database),
      uploads: new SqliteUploadStore(database),
      manifests: new SqliteManifestStore(database),
    });
    this.events = new SqliteEventStore(database);
    this.jobs = new SqliteJobStore(database);
    this.gc = new SqliteGcStore(database);
    this.images = new SqliteImageStore(database);
    this.repositoryTags = new SqliteRepositoryTagStore(database);
    this.iam = new SqliteIamStore(database);
    this.lifecycle = new SqliteLifecycleStore(database);
    this.scans = new SqliteScanStore(database);
    this.vulnDb = new SqliteVulnDbStore(database);
    this.deployment = new SqliteDeploymentStore(database);
    this.stats = new SqliteStatsStore(database);
  }

  /** Opens (creating when needed) the database file and applies pending migrations. */
  static open(file: string): SqliteMetadataStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const database = SqliteDatabase.open(file);
    try {
      database.migrate(allSqliteMigrations);
    } catch (err) {
      database.close();
      throw explainOpenFailure(file, err);
    }
    return new SqliteMetadataStore(database);
  }

  async close(): Promise<void> {
    this.database.close();
  }
}
