import { DomainError, manifestInvalid } from '../../domain/errors.js';
import type { OutboxEvent } from '../event-store.js';
import type {
  FoundManifest,
  ManifestRecord,
  ManifestReference,
  ManifestStore,
  PutManifestInput,
  PutManifestResult,
  ReferrerRecord,
} from '../manifest-store.js';
import { type Page, pageOf, rowsFor } from '../page.js';
import { repositoryBlob } from './blob-link-store.js';
import type { SqliteDatabase } from './database.js';
import { insertEvents } from './event-store.js';
import { IMAGE_STATUS, storageOf } from './image-store.js';
import { ReadCache } from './read-cache.js';
import { MANIFEST_SUMMARY_COLUMNS, type ManifestRow, type PullRow, type ReferrerRow, toFoundManifest, toManifest, toReferrer } from '../rows.js';

// The pull path's columns, with the image's storage status (read as image-store.ts reads it) so a
// pull is one query, not two.
const PULL_COLUMNS = `${MANIFEST_SUMMARY_COLUMNS.split(', ')
  .map((c) => (c === 'repository_id' ? 'r.id AS repository_id' : `m.${c}`))
  .join(', ')}, m.content, ${IMAGE_STATUS} AS image_status`;

export class SqliteManifestStore implements ManifestStore {
  /** findManifest's answers (shared and frozen), for as long as the database is unchanged. */
  private readonly pulls = new ReadCache<FoundManifest | undefined>({ entries: 1024, bytes: 8 * 1024 * 1024 });

  constructor(private readonly database: SqliteDatabase) {}

  async putManifest(input: PutManifestInput): Promise<PutManifestResult> {
    return this.database.write(() => {
      this.assertReferencesPresent(input);
      const now = input.now.getTime();
      const inserted = this.database
        .stmt(
          `INSERT INTO manifests (repository_id, digest, media_type, artifact_type, subject_digest, config_digest,
             size, image_size, annotations, content, pushed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(repository_id, digest) DO NOTHING RETURNING id`,
        )
        .get(
          input.repositoryId,
          input.digest,
          input.mediaType,
          input.artifactType ?? null,
          input.subjectDigest ?? null,
          input.configDigest ?? null,
          input.content.length,
          input.imageSize,
          input.annotations ? JSON.stringify(input.annotations) : null,
          input.content,
          now,
        ) as { id: number } | undefined;
      let manifestId: number;
      if (inserted) {
        manifestId = inserted.id;
        const linkBlob = this.database.stmt('INSERT OR IGNORE INTO manifest_blobs (manifest_id, digest) VALUES (?, ?)');
        for (const blob of input.blobs) linkBlob.run(manifestId, blob.digest);
        const linkChild = this.database.stmt(
          'INSERT OR IGNORE INTO manifest_children (manifest_id, child_digest) VALUES (?, ?)',
        );
        for (const child of input.children) linkChild.run(manifestId, child);
      } else {
        manifestId = (
          this.database
            .stmt('SELECT id FROM manifests WHERE repository_id = ? AND digest = ?')
            .get(input.repositoryId, input.digest) as { id: number }
        ).id;
      }
      const result: PutManifestResult = { created: inserted !== undefined, tagChanged: false };
      if (input.tag !== undefined) {
        const current = this.database
          .stmt(
            `SELECT t.manifest_id, m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id
             WHERE t.repository_id = ? AND t.name = ?`,
          )
          .get(input.repositoryId, input.tag) as { manifest_id: number; digest: string } | undefined;
        if (current && current.manifest_id !== manifestId) {
          if (input.tagImmutable) {
            throw new DomainError(
              'ImageTagAlreadyExists',
              `The image tag '${input.tag}' already exists and cannot be overwritten because the tag is immutable.`,
              { tag: input.tag },
            );
          }
          result.previousTagDigest = current.digest;
        }
        if (!current || current.manifest_id !== manifestId) {
          this.database
            .stmt(
              `INSERT INTO tags (repository_id, name, manifest_id, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT(repository_id, name) DO UPDATE SET manifest_id = excluded.manifest_id, updated_at = excluded.updated_at`,
            )
            .run(input.repositoryId, input.tag, manifestId, now);
          result.tagChanged = true;
        }
      }
      if (result.created || result.tagChanged) insertEvents(this.database, input.events);
      return result;
    });
  }

  /** Every referenced blob must be linked with its declared size, and every child manifest present. */
  private assertReferencesPresent(input: PutManifestInput): void {
    const missing: string[] = [];
    for (const blob of input.blobs) {
      const row = repositoryBlob(this.database, input.repositoryId, blob.digest);
      if (!row) missing.push(blob.digest);
      else if (row.size !== blob.size) {
        throw manifestInvalid(`descriptor size ${blob.size} for ${blob.digest} does not match the stored blob size ${row.size}`, {
          digest: blob.digest,
          declaredSize: blob.size,
          size: row.size,
        });
      }
    }
    const childQuery = this.database.stmt('SELECT size FROM manifests WHERE repository_id = ? AND digest = ?');
    for (const child of input.children) {
      if (!childQuery.get(input.repositoryId, child)) missing.push(child);
    }
    if (missing.length > 0) {
      throw new DomainError('ManifestBlobUnknown', `manifest references unknown blobs or manifests: ${missing.join(', ')}`, {
        digests: missing,
      });
    }
  }

  async getManifest(repositoryId: number, digest: string): Promise<ManifestRecord | undefined> {
    const row = this.database
      .stmt(`SELECT ${MANIFEST_SUMMARY_COLUMNS}, content FROM manifests WHERE repository_id = ? AND digest = ?`)
      .get(repositoryId, digest) as (ManifestRow & { content: Buffer }) | undefined;
    return row && toManifest(row);
  }

  async findManifest(accountId: string, name: string, reference: ManifestReference): Promise<FoundManifest | undefined> {
    // The hot read of every pull, so it is served from a cache while nothing was written.
    const version = this.database.version();
    const key = `${accountId}/${name}/${'tag' in reference ? `:${reference.tag}` : `@${reference.digest}`}`;
    const cached = this.pulls.get(key, version);
    if (cached) return cached.value;
    const found = this.readManifest(accountId, name, reference);
    if (found?.manifest) Object.freeze(found.manifest);
    this.pulls.set(key, version, found && Object.freeze(found), key.length + (found?.manifest?.content.length ?? 0));
    return found;
  }

  private readManifest(accountId: string, name: string, reference: ManifestReference): FoundManifest | undefined {
    const row = (
      'tag' in reference
        ? this.database
            .stmt(
              `SELECT ${PULL_COLUMNS} FROM repositories r
               LEFT JOIN tags t ON t.repository_id = r.id AND t.name = ?
               LEFT JOIN manifests m ON m.id = t.manifest_id ${storageOf('m')}
               WHERE r.account_id = ? AND r.name = ?`,
            )
            .get(reference.tag, accountId, name)
        : this.database
            .stmt(
              `SELECT ${PULL_COLUMNS} FROM repositories r
               LEFT JOIN manifests m ON m.repository_id = r.id AND m.digest = ? ${storageOf('m')}
               WHERE r.account_id = ? AND r.name = ?`,
            )
            .get(reference.digest, accountId, name)
    ) as PullRow | undefined;
    return row && toFoundManifest(row);
  }

  async resolveTag(repositoryId: number, tag: string): Promise<string | undefined> {
    const row = this.database
      .stmt(
        'SELECT m.digest FROM tags t JOIN manifests m ON m.id = t.manifest_id WHERE t.repository_id = ? AND t.name = ?',
      )
      .get(repositoryId, tag) as { digest: string } | undefined;
    return row?.digest;
  }

  async deleteManifest(
    repositoryId: number,
    digest: string,
    events: OutboxEvent[],
  ): Promise<{ tags: string[] } | undefined> {
    return this.database.write(() => {
      const row = this.database
        .stmt('SELECT id FROM manifests WHERE repository_id = ? AND digest = ?')
        .get(repositoryId, digest) as { id: number } | undefined;
      if (!row) return undefined;
      // CROSS JOIN keeps this an index lookup of the child (then its index by id); without ANALYZE
      // statistics the planner otherwise scans every manifest of the repository, per delete.
      const parent = this.database
        .stmt(
          `SELECT m.digest FROM manifest_children c CROSS JOIN manifests m ON m.id = c.manifest_id
           WHERE m.repository_id = ? AND c.child_digest = ? LIMIT 1`,
        )
        .get(repositoryId, digest) as { digest: string } | undefined;
      if (parent) {
        throw new DomainError(
          'ImageReferencedByManifestList',
          `manifest ${digest} is referenced by index ${parent.digest}; delete the index first`,
          { digest, index: parent.digest },
        );
      }
      const tags = (
        this.database.stmt('SELECT name FROM tags WHERE manifest_id = ? ORDER BY name').all(row.id) as { name: string }[]
      ).map((t) => t.name);
      this.database.stmt('DELETE FROM manifests WHERE id = ?').run(row.id);
      insertEvents(this.database, events);
      return { tags };
    });
  }

  async deleteTag(repositoryId: number, tag: string, events: OutboxEvent[]): Promise<string | undefined> {
    return this.database.write(() => {
      const row = this.database
        .stmt(
          `DELETE FROM tags WHERE repository_id = ? AND name = ?
           RETURNING (SELECT digest FROM manifests WHERE id = tags.manifest_id) AS digest`,
        )
        .get(repositoryId, tag) as { digest: string } | undefined;
      if (row) insertEvents(this.database, events);
      return row?.digest;
    });
  }

  async listTags(repositoryId: number, options: { after?: string; limit: number }): Promise<Page<string>> {
    const rows = this.database
      .stmt('SELECT name FROM tags WHERE repository_id = ? AND name > ? ORDER BY name LIMIT ?')
      .all(repositoryId, options.after ?? '', rowsFor(options.limit)) as { name: string }[];
    return pageOf(
      rows.map((r) => r.name),
      options.limit,
      (name) => name,
    );
  }

  async tagsOf(repositoryId: number, digest: string): Promise<string[]> {
    const rows = this.database
      .stmt(
        `SELECT t.name FROM tags t JOIN manifests m ON m.id = t.manifest_id
         WHERE m.repository_id = ? AND m.digest = ? ORDER BY t.name`,
      )
      .all(repositoryId, digest) as { name: string }[];
    return rows.map((r) => r.name);
  }

  async listReferrers(
    repositoryId: number,
    subjectDigest: string,
    options: { artifactType?: string },
  ): Promise<ReferrerRecord[]> {
    const rows = this.database
      .stmt(
        `SELECT digest, media_type, size, artifact_type, annotations FROM manifests
         WHERE repository_id = @repository AND subject_digest = @subject
           AND (@artifactType IS NULL OR artifact_type = @artifactType) ORDER BY digest`,
      )
      .all({ repository: repositoryId, subject: subjectDigest, artifactType: options.artifactType ?? null }) as ReferrerRow[];
    return rows.map(toReferrer);
  }

  async recordPulls(pulls: { repositoryId: number; digest: string; at: Date }[]): Promise<void> {
    if (pulls.length === 0) return;
    this.database.write(() => {
      const update = this.database.stmt(
        `UPDATE manifests SET last_pulled_at = MAX(COALESCE(last_pulled_at, 0), ?) WHERE repository_id = ? AND digest = ?`,
      );
      for (const pull of pulls) update.run(pull.at.getTime(), pull.repositoryId, pull.digest);
    });
  }
}
