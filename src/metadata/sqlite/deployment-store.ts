import type { DeploymentStore } from '../deployment-store.js';
import type { Migration } from '../migration.js';
import type { SqliteDatabase } from './database.js';

export const deploymentMigrations: Migration[] = [
  {
    id: 'deployment/001-fingerprints',
    sqlite: `CREATE TABLE deployment_fingerprints (name TEXT PRIMARY KEY, value TEXT NOT NULL, recorded_at INTEGER NOT NULL)`,
  },
];

export class SqliteDeploymentStore implements DeploymentStore {
  constructor(private readonly database: SqliteDatabase) {}

  async reconcileFingerprints(decide: (recorded: ReadonlyMap<string, string>) => ReadonlyMap<string, string>, now: Date): Promise<void> {
    // BEGIN IMMEDIATE: another process starting on the same file waits for this check to finish.
    this.database.write(() => {
      const rows = this.database.stmt('SELECT name, value FROM deployment_fingerprints').all() as { name: string; value: string }[];
      const add = decide(new Map(rows.map((r) => [r.name, r.value])));
      const insert = this.database.stmt('INSERT INTO deployment_fingerprints (name, value, recorded_at) VALUES (?, ?, ?)');
      for (const [name, value] of add) insert.run(name, value, now.getTime());
    });
  }
}
