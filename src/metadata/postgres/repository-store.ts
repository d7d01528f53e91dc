import { DomainError, repositoryAlreadyExists } from '../../domain/errors.js';
import type { OutboxEvent } from '../event-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import { type NewRepository, REPOSITORY_DEFAULTS, type RepositoryRecord, type RepositorySettings, type RepositoryStore } from '../repository-store.js';
import { type RepositoryRow, toRepository } from '../rows.js';
import type { PostgresDatabase, Sql } from './database.js';
import { insertEvents } from './event-store.js';
import { insertRepositoryTags } from './repository-tag-store.js';
import { rangeAfter } from './nul-text.js';

/** The settings columns in the order of `settingsValues`. */
const SETTINGS = 'image_tag_mutability, tag_mutability_exclusions, scan_on_push, encryption_type, kms_key, public';

function settingsValues(s: RepositorySettings): unknown[] {
  return [s.imageTagMutability, JSON.stringify(s.imageTagMutabilityExclusionFilters), s.scanOnPush, s.encryptionType, s.kmsKey ?? null, s.public];
}

export class PostgresRepositoryStore implements RepositoryStore {
  constructor(private readonly database: PostgresDatabase) {}

  /** Inserts the repository unless the account has one of that name (then undefined, after the other's commit). */
  private insertRepository(tx: Sql, input: NewRepository): Promise<RepositoryRow | undefined> {
    const s = { ...REPOSITORY_DEFAULTS, ...input };
    return tx.row<RepositoryRow>(
      `INSERT INTO repositories (account_id, name, created_at, ${SETTINGS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (account_id, name) DO NOTHING RETURNING *`,
      [s.accountId, s.name, s.now.getTime(), ...settingsValues(s)],
    );
  }

  async createRepository(input: NewRepository, events: OutboxEvent[]): Promise<RepositoryRecord> {
    return this.database.transaction(async (tx) => {
      const row = await this.insertRepository(tx, input);
      if (!row) throw repositoryAlreadyExists(input);
      if (input.tags) await insertRepositoryTags(tx, row.id, input.tags);
      await insertEvents(tx, events);
      return toRepository(row);
    });
  }

  async ensureRepository(input: NewRepository, events: OutboxEvent[]): Promise<RepositoryRecord> {
    for (;;) {
      const existing = await this.selectRepository(input.accountId, input.name);
      if (existing) return toRepository(existing);
      // Racing creators: ON CONFLICT waits for the one that inserted first and yields nothing
      // here, so exactly one writes the events; the others read its row on the next round.
      const created = await this.database.transaction(async (tx) => {
        const row = await this.insertRepository(tx, input);
        if (row) await insertEvents(tx, events);
        return row;
      });
      if (created) return toRepository(created);
    }
  }

  private selectRepository(accountId: string, name: string): Promise<RepositoryRow | undefined> {
    return this.database.row<RepositoryRow>('SELECT * FROM repositories WHERE account_id = $1 AND name = $2', [accountId, name]);
  }

  async getRepository(accountId: string, name: string): Promise<RepositoryRecord | undefined> {
    const row = await this.selectRepository(accountId, name);
    return row && toRepository(row);
  }

  async getRepositoryById(id: number): Promise<RepositoryRecord | undefined> {
    const row = await this.database.row<RepositoryRow>('SELECT * FROM repositories WHERE id = $1', [id]);
    return row && toRepository(row);
  }

  async listRepositories(accountId: string, options: { after?: string; limit: number }): Promise<Page<RepositoryRecord>> {
    const rows = await this.database.rows<RepositoryRow>(
      'SELECT * FROM repositories WHERE account_id = $1 AND name > $2 ORDER BY name LIMIT $3',
      [accountId, rangeAfter(options.after ?? ''), rowsFor(options.limit)],
    );
    return pageOf(rows.map(toRepository), options.limit, (r) => r.name);
  }

  async updateRepository(id: number, patch: Partial<RepositorySettings>): Promise<RepositoryRecord> {
    return this.database.transaction(async (tx) => {
      // Locked, so two updates of different settings both land.
      const current = await tx.row<RepositoryRow>('SELECT * FROM repositories WHERE id = $1 FOR NO KEY UPDATE', [id]);
      if (!current) throw new DomainError('RepositoryNotFound', `repository ${id} does not exist`);
      const row = await tx.row<RepositoryRow>(
        `UPDATE repositories SET (${SETTINGS}) = ($1, $2, $3, $4, $5, $6) WHERE id = $7 RETURNING *`,
        [...settingsValues({ ...toRepository(current), ...patch }), id],
      );
      return toRepository(row!);
    });
  }

  async deleteRepository(id: number, options: { force: boolean; events: OutboxEvent[] }): Promise<number> {
    return this.database.transaction(async (tx) => {
      // The lock waits for manifest commits in flight (they hold the row's key-share lock), and
      // keeps new ones out until the delete commits (after which they find no repository).
      await tx.run('SELECT 1 FROM repositories WHERE id = $1 FOR UPDATE', [id]);
      const { count } = (await tx.row<{ count: number }>('SELECT COUNT(*) AS count FROM manifests WHERE repository_id = $1', [id]))!;
      if (count > 0 && !options.force) {
        throw new DomainError('RepositoryNotEmpty', 'The repository cannot be deleted because it still contains images');
      }
      await tx.run('DELETE FROM repositories WHERE id = $1', [id]);
      await insertEvents(tx, options.events);
      return count;
    });
  }
}
