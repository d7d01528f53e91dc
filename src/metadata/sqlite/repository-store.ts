import { DomainError, repositoryAlreadyExists } from '../../domain/errors.js';
import type { OutboxEvent } from '../event-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import { type NewRepository, REPOSITORY_DEFAULTS, type RepositoryRecord, type RepositorySettings, type RepositoryStore } from '../repository-store.js';
import type { SqliteDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { insertRepositoryTags } from './repository-tag-store.js';
import { type RepositoryRow, toRepository } from '../rows.js';

/** The settings columns' values, in the order image_tag_mutability … public. */
function settingsColumns(s: RepositorySettings): (string | number | null)[] {
  return [
    s.imageTagMutability,
    JSON.stringify(s.imageTagMutabilityExclusionFilters),
    s.scanOnPush ? 1 : 0,
    s.encryptionType,
    s.kmsKey ?? null,
    s.public ? 1 : 0,
  ];
}

export class SqliteRepositoryStore implements RepositoryStore {
  constructor(private readonly database: SqliteDatabase) {}

  private insertRepository(input: NewRepository): RepositoryRow | undefined {
    const s = { ...REPOSITORY_DEFAULTS, ...input };
    return this.database
      .stmt(
        `INSERT INTO repositories (account_id, name, created_at, image_tag_mutability, tag_mutability_exclusions,
           scan_on_push, encryption_type, kms_key, public)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(account_id, name) DO NOTHING RETURNING *`,
      )
      .get(s.accountId, s.name, s.now.getTime(), ...settingsColumns(s)) as RepositoryRow | undefined;
  }

  async createRepository(input: NewRepository, events: OutboxEvent[]): Promise<RepositoryRecord> {
    return this.database.write(() => {
      const row = this.insertRepository(input);
      if (!row) throw repositoryAlreadyExists(input);
      if (input.tags) insertRepositoryTags(this.database, row.id, input.tags);
      insertEvents(this.database, events);
      return toRepository(row);
    });
  }

  async ensureRepository(input: NewRepository, events: OutboxEvent[]): Promise<RepositoryRecord> {
    const existing = this.selectRepository(input.accountId, input.name);
    if (existing) return toRepository(existing);
    return this.database.write(() => {
      const row = this.insertRepository(input);
      if (row) {
        insertEvents(this.database, events);
        return toRepository(row);
      }
      return toRepository(this.selectRepository(input.accountId, input.name)!);
    });
  }

  private selectRepository(accountId: string, name: string): RepositoryRow | undefined {
    return this.database.stmt('SELECT * FROM repositories WHERE account_id = ? AND name = ?').get(accountId, name) as
      | RepositoryRow
      | undefined;
  }

  async getRepository(accountId: string, name: string): Promise<RepositoryRecord | undefined> {
    const row = this.selectRepository(accountId, name);
    return row && toRepository(row);
  }

  private selectRepositoryById(id: number): RepositoryRow | undefined {
    return this.database.stmt('SELECT * FROM repositories WHERE id = ?').get(id) as RepositoryRow | undefined;
  }

  async getRepositoryById(id: number): Promise<RepositoryRecord | undefined> {
    const row = this.selectRepositoryById(id);
    return row && toRepository(row);
  }

  async listRepositories(accountId: string, options: { after?: string; limit: number }): Promise<Page<RepositoryRecord>> {
    const rows = this.database
      .stmt('SELECT * FROM repositories WHERE account_id = ? AND name > ? ORDER BY name LIMIT ?')
      .all(accountId, options.after ?? '', rowsFor(options.limit)) as RepositoryRow[];
    return pageOf(rows.map(toRepository), options.limit, (r) => r.name);
  }

  async updateRepository(id: number, patch: Partial<RepositorySettings>): Promise<RepositoryRecord> {
    return this.database.write(() => {
      const current = this.selectRepositoryById(id);
      if (!current) throw new DomainError('RepositoryNotFound', `repository ${id} does not exist`);
      const s = { ...toRepository(current), ...patch };
      const row = this.database
        .stmt(
          `UPDATE repositories SET image_tag_mutability = ?, tag_mutability_exclusions = ?, scan_on_push = ?,
             encryption_type = ?, kms_key = ?, public = ? WHERE id = ? RETURNING *`,
        )
        .get(...settingsColumns(s), id) as RepositoryRow;
      return toRepository(row);
    });
  }

  async deleteRepository(id: number, options: { force: boolean; events: OutboxEvent[] }): Promise<number> {
    return this.database.write(() => {
      const { count } = this.database.stmt('SELECT COUNT(*) AS count FROM manifests WHERE repository_id = ?').get(id) as {
        count: number;
      };
      if (count > 0 && !options.force) {
        throw new DomainError('RepositoryNotEmpty', 'The repository cannot be deleted because it still contains images');
      }
      this.database.stmt('DELETE FROM repositories WHERE id = ?').run(id);
      insertEvents(this.database, options.events);
      return count;
    });
  }
}
