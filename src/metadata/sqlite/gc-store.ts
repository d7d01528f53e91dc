import { type BlobReferrer, type GcBlob, type GcScanPage, type GcStore, writerLeaseKey } from '../gc-store.js';
import { type CandidateRow, toGcBlob } from '../rows.js';
import type { SqliteDatabase } from './database.js';

// Rows written before the gc migration (or by code that does not set it) have no last_used_at.
const USED = 'COALESCE(b.last_used_at, b.created_at)';
const UNREFERENCED = 'NOT EXISTS (SELECT 1 FROM manifest_blobs mb WHERE mb.digest = b.digest)';


export class SqliteGcStore implements GcStore {
  constructor(private readonly database: SqliteDatabase) {}

  async scanUnreferenced(options: { after?: string; limit: number; usedBefore: Date }): Promise<GcScanPage> {
    const after = options.after ?? '';
    // Bound the page by key first, so one call never walks more than `limit` rows of the primary
    // key however few of them are garbage: the event loop (and other requests on this connection)
    // wait at most one page.
    const bound = this.database
      .stmt('SELECT MAX(digest) AS last, COUNT(*) AS n FROM (SELECT digest FROM blobs WHERE digest > ? ORDER BY digest LIMIT ?)')
      .get(after, options.limit) as { last: string | null; n: number };
    if (bound.n === 0 || bound.last === null) return { candidates: [], scanned: 0 };
    const rows = this.database
      .stmt(
        `SELECT b.digest, b.size, ${USED} AS used FROM blobs b
         WHERE b.digest > ? AND b.digest <= ? AND ${USED} < ? AND ${UNREFERENCED} ORDER BY b.digest`,
      )
      .all(after, bound.last, options.usedBefore.getTime()) as CandidateRow[];
    const page: GcScanPage = { candidates: rows.map(toGcBlob), scanned: bound.n };
    if (bound.n === options.limit) page.next = bound.last;
    return page;
  }

  async deleteUnreferenced(
    digests: readonly string[],
    options: { owner: string; usedBefore: Date; leaseValidUntil: Date },
  ): Promise<GcBlob[]> {
    if (digests.length === 0) return [];
    return this.database.write(() => {
      const leased = this.database.stmt('SELECT 1 FROM gc_leases WHERE key = ? AND owner = ? AND expires_at >= ?');
      const stillGarbage = this.database.stmt(
        `SELECT b.digest, b.size, ${USED} AS used FROM blobs b WHERE b.digest = ? AND ${USED} < ? AND ${UNREFERENCED}`,
      );
      const unlink = this.database.stmt('DELETE FROM repository_blobs WHERE digest = ?');
      const remove = this.database.stmt('DELETE FROM blobs WHERE digest = ?');
      const deleted: GcBlob[] = [];
      for (const digest of digests) {
        // The re-check runs under the same write lock as the delete: a manifest PUT, a link or a
        // read that vouched for the blob since the scan keeps it.
        if (!leased.get(digest, options.owner, options.leaseValidUntil.getTime())) continue;
        const row = stillGarbage.get(digest, options.usedBefore.getTime()) as CandidateRow | undefined;
        if (!row) continue;
        unlink.run(digest);
        remove.run(digest);
        deleted.push(toGcBlob(row));
      }
      return deleted;
    });
  }

  async blobDigestsBetween(from: string, to: string): Promise<string[]> {
    // Plucked: a shard holds thousands of rows, and a storage pass visits every shard.
    return this.database.stmt('SELECT digest FROM blobs WHERE digest >= ? AND digest < ? ORDER BY digest').pluck(true).all(from, to) as string[];
  }

  async blobsAfter(after: string, limit: number): Promise<{ digest: string; size: number }[]> {
    return this.database.stmt('SELECT digest, size FROM blobs WHERE digest > ? ORDER BY digest LIMIT ?').all(after, limit) as {
      digest: string;
      size: number;
    }[];
  }

  async manifestsReferencing(digest: string, limit: number): Promise<BlobReferrer[]> {
    return this.database
      .stmt(
        `SELECT r.account_id AS accountId, r.name AS repositoryName, m.digest AS manifestDigest
         FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id JOIN repositories r ON r.id = m.repository_id
         WHERE mb.digest = ? ORDER BY r.account_id, r.name, m.digest LIMIT ?`,
      )
      .all(digest, limit) as BlobReferrer[];
  }

  async hasBlob(digest: string): Promise<boolean> {
    return this.database.stmt('SELECT 1 FROM blobs WHERE digest = ?').get(digest) !== undefined;
  }

  async isReferenced(digest: string): Promise<boolean> {
    return this.database.stmt('SELECT 1 FROM manifest_blobs WHERE digest = ? LIMIT 1').get(digest) !== undefined;
  }

  async touchLinkedBlob(repositoryId: number, digest: string, now: Date, staleBefore: Date): Promise<boolean> {
    // Read first and write only when stale: a write would take SQLite's write lock on every pull.
    const row = this.database
      .stmt(
        `SELECT ${USED} AS used FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest
         WHERE rb.repository_id = ? AND rb.digest = ?`,
      )
      .get(repositoryId, digest) as { used: number } | undefined;
    if (!row) return false;
    if (row.used >= staleBefore.getTime()) return true;
    // The link is re-checked in the write: a sweep that removed it in between makes this a miss.
    const result = this.database
      .stmt(
        `UPDATE blobs AS b SET last_used_at = MAX(${USED}, @now)
         WHERE b.digest = @digest AND EXISTS (SELECT 1 FROM repository_blobs WHERE repository_id = @repository AND digest = @digest)`,
      )
      .run({ now: now.getTime(), digest, repository: repositoryId });
    return result.changes > 0;
  }

  async finishLinking(digest: string, owner: string, now: Date): Promise<boolean> {
    return this.database.write(() => {
      this.database.stmt(`UPDATE blobs AS b SET last_used_at = MAX(${USED}, ?) WHERE b.digest = ?`).run(now.getTime(), digest);
      // A writer's lease that lapsed may have let a sweep take the digest meanwhile: report it lost.
      const key = writerLeaseKey(digest, owner);
      const live = this.database
        .stmt('DELETE FROM gc_leases WHERE key = ? AND owner = ? AND expires_at > ?')
        .run(key, owner, now.getTime()).changes > 0;
      if (!live) this.database.stmt('DELETE FROM gc_leases WHERE key = ? AND owner = ?').run(key, owner);
      return live;
    });
  }

  async acquireWriterLease(digest: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    return this.database.write(() => {
      const exclusive = this.database
        .stmt('SELECT 1 AS held FROM gc_leases WHERE key = ? AND owner <> ? AND expires_at > ?')
        .get(digest, owner, now.getTime());
      if (exclusive) return false;
      this.database
        .stmt(
          `INSERT INTO gc_leases (key, owner, expires_at) VALUES (?, ?, ?)
           ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at`,
        )
        .run(writerLeaseKey(digest, owner), owner, now.getTime() + ttlMs);
      return true;
    });
  }

  async acquireLeases(keys: readonly string[], owner: string, ttlMs: number, now: Date): Promise<string[]> {
    if (keys.length === 0) return [];
    return this.database.write(() => {
      // Writer keys are `<digest>|<owner>`, so a digest's live writers are a key range after `<digest>|`.
      const writing = this.database.stmt(
        `SELECT 1 AS busy FROM gc_leases WHERE key > ? || '|' AND key < ? || '}' AND expires_at > ? LIMIT 1`,
      );
      const take = this.database.stmt(
        `INSERT INTO gc_leases (key, owner, expires_at) VALUES (@key, @owner, @until)
         ON CONFLICT(key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE gc_leases.expires_at <= @now OR gc_leases.owner = excluded.owner`,
      );
      const until = now.getTime() + ttlMs;
      return keys.filter(
        (key) => !writing.get(key, key, now.getTime()) && take.run({ key, owner, until, now: now.getTime() }).changes > 0,
      );
    });
  }

  async renewLeases(keys: readonly string[], owner: string, ttlMs: number, now: Date): Promise<string[]> {
    if (keys.length === 0) return [];
    return this.database.write(() => {
      const renew = this.database.stmt('UPDATE gc_leases SET expires_at = ? WHERE key = ? AND owner = ? AND expires_at > ?');
      return keys.filter((key) => renew.run(now.getTime() + ttlMs, key, owner, now.getTime()).changes > 0);
    });
  }

  async releaseLeases(keys: readonly string[], owner: string): Promise<string[]> {
    if (keys.length === 0) return [];
    return this.database.write(() => {
      const release = this.database.stmt('DELETE FROM gc_leases WHERE key = ? AND owner = ?');
      return keys.filter((key) => release.run(key, owner).changes > 0);
    });
  }

  async pruneLeases(before: Date): Promise<number> {
    return this.database.stmt('DELETE FROM gc_leases WHERE expires_at < ?').run(before.getTime()).changes;
  }

  async knownUploads(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = this.database
      .stmt('SELECT id FROM uploads WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids)) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  async totals(): Promise<{ blobs: number; bytes: number }> {
    const row = this.database.stmt('SELECT COUNT(*) AS blobs, COALESCE(SUM(size), 0) AS bytes FROM blobs').get() as {
      blobs: number;
      bytes: number;
    };
    return row;
  }
}
