import type { DeploymentStore } from '../deployment-store.js';
import type { PostgresMigration } from '../migration.js';
import type { PostgresDatabase } from './database.js';

export const deploymentPostgresMigrations: PostgresMigration[] = [
  {
    id: 'deployment/001-fingerprints',
    postgres: `CREATE TABLE deployment_fingerprints (name TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL, recorded_at BIGINT NOT NULL)`,
  },
];

export class PostgresDeploymentStore implements DeploymentStore {
  constructor(private readonly database: PostgresDatabase) {}

  async reconcileFingerprints(decide: (recorded: ReadonlyMap<string, string>) => ReadonlyMap<string, string>, now: Date): Promise<void> {
    await this.database.transaction(async (tx) => {
      // Nodes starting at once take turns: the second sees what the first recorded, so two nodes
      // with different keyrings cannot both record theirs into an empty table.
      await tx.run('LOCK TABLE deployment_fingerprints IN SHARE ROW EXCLUSIVE MODE');
      const rows = await tx.rows<{ name: string; value: string }>('SELECT name, value FROM deployment_fingerprints');
      const add = decide(new Map(rows.map((r) => [r.name, r.value])));
      for (const [name, value] of add) {
        await tx.run('INSERT INTO deployment_fingerprints (name, value, recorded_at) VALUES ($1, $2, $3)', [name, value, now.getTime()]);
      }
    });
  }
}
