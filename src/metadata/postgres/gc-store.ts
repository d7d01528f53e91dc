import { type BlobReferrer, type GcBlob, type GcScanPage, type GcStore, writerLeaseKey } from '../gc-store.js';
import { type CandidateRow, toGcBlob } from '../rows.js';
import { LOCK_SPACE, type PostgresDatabase, type Sql } from './database.js';

// Rows written before the gc migration (or by code that does not set it) have no last_used_at.
const USED = 'COALESCE(b.last_used_at, b.created_at)';
const UNREFERENCED = 'NOT EXISTS (SELECT 1 FROM manifest_blobs mb WHERE mb.digest = b.digest)';


/**
 * Takes transaction-scoped advisory locks on lease keys — a digest's writer leases are taken
 * under the digest's own lock — in one order, so a sweep's check for live writers and a writer's
 * check for the sweep's exclusive lease cannot both pass (SQLite's single writer did that there).
 */
async function lockKeys(tx: Sql, keys: readonly string[]): Promise<void> {
  await tx.run(
    `SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k) AS keys ORDER BY h`,
    [LOCK_SPACE, keys],
  );
}

/**
 * Garbage collection's store on PostgreSQL. The sweep's delete locks the blob rows (FOR UPDATE,
 * in digest order) before re-checking them in a later statement; a manifest commit holds
 * key-share locks on the blobs it references (manifest-store.ts), so one waits for the other and
 * the re-check sees a reference that committed first.
 */
export class PostgresGcStore implements GcStore {
  constructor(private readonly database: PostgresDatabase) {}

  async scanUnreferenced(options: { after?: string; limit: number; usedBefore: Date }): Promise<GcScanPage> {
    const after = options.after ?? '';
    // Bound the page by key first, so one call never walks more than `limit` rows however few of
    // them are garbage.
    const bound = (await this.database.row<{ last: string | null; n: number }>(
      'SELECT MAX(digest) AS last, COUNT(*) AS n FROM (SELECT digest FROM blobs WHERE digest > $1 ORDER BY digest LIMIT $2) AS page',
      [after, options.limit],
    ))!;
    if (bound.n === 0 || bound.last === null) return { candidates: [], scanned: 0 };
    const rows = await this.database.rows<CandidateRow>(
      `SELECT b.digest, b.size, ${USED} AS used FROM blobs b
       WHERE b.digest > $1 AND b.digest <= $2 AND ${USED} < $3 AND ${UNREFERENCED} ORDER BY b.digest`,
      [after, bound.last, options.usedBefore.getTime()],
    );
    const page: GcScanPage = { candidates: rows.map(toGcBlob), scanned: bound.n };
    if (bound.n === options.limit) page.next = bound.last;
    return page;
  }

  async deleteUnreferenced(digests: readonly string[], options: { owner: string; usedBefore: Date; leaseValidUntil: Date }): Promise<GcBlob[]> {
    if (digests.length === 0) return [];
    return this.database.transaction(async (tx) => {
      const locked = await tx.rows<{ digest: string }>(
        `SELECT b.digest FROM blobs b JOIN gc_leases l ON l.key = b.digest AND l.owner = $2 AND l.expires_at >= $3
         WHERE b.digest = ANY($1::text[]) ORDER BY b.digest FOR UPDATE OF b`,
        [[...new Set(digests)], options.owner, options.leaseValidUntil.getTime()],
      );
      if (locked.length === 0) return [];
      // A new statement, so a manifest, link or read that committed while the lock was awaited is seen.
      const garbage = await tx.rows<CandidateRow>(
        `SELECT b.digest, b.size, ${USED} AS used FROM blobs b
         WHERE b.digest = ANY($1::text[]) AND ${USED} < $2 AND ${UNREFERENCED} ORDER BY b.digest`,
        [locked.map((r) => r.digest), options.usedBefore.getTime()],
      );
      if (garbage.length === 0) return [];
      const gone = garbage.map((r) => r.digest);
      await tx.run('DELETE FROM repository_blobs WHERE digest = ANY($1::text[])', [gone]);
      await tx.run('DELETE FROM blobs WHERE digest = ANY($1::text[])', [gone]);
      return garbage.map(toGcBlob);
    });
  }

  async blobDigestsBetween(from: string, to: string): Promise<string[]> {
    const rows = await this.database.rows<{ digest: string }>('SELECT digest FROM blobs WHERE digest >= $1 AND digest < $2 ORDER BY digest', [from, to]);
    return rows.map((r) => r.digest);
  }

  async blobsAfter(after: string, limit: number): Promise<{ digest: string; size: number }[]> {
    return this.database.rows<{ digest: string; size: number }>('SELECT digest, size FROM blobs WHERE digest > $1 ORDER BY digest LIMIT $2', [
      after,
      limit,
    ]);
  }

  async manifestsReferencing(digest: string, limit: number): Promise<BlobReferrer[]> {
    // Quoted aliases: PostgreSQL folds unquoted identifiers to lower case.
    return this.database.rows<BlobReferrer>(
      `SELECT r.account_id AS "accountId", r.name AS "repositoryName", m.digest AS "manifestDigest"
       FROM manifest_blobs mb JOIN manifests m ON m.id = mb.manifest_id JOIN repositories r ON r.id = m.repository_id
       WHERE mb.digest = $1 ORDER BY r.account_id, r.name, m.digest LIMIT $2`,
      [digest, limit],
    );
  }

  async hasBlob(digest: string): Promise<boolean> {
    return (await this.database.row('SELECT 1 AS found FROM blobs WHERE digest = $1', [digest])) !== undefined;
  }

  async isReferenced(digest: string): Promise<boolean> {
    return (await this.database.row('SELECT 1 AS found FROM manifest_blobs WHERE digest = $1 LIMIT 1', [digest])) !== undefined;
  }

  async touchLinkedBlob(repositoryId: number, digest: string, now: Date, staleBefore: Date): Promise<boolean> {
    // Read first and write only when stale, so pulls rarely write.
    const row = await this.database.row<{ used: number }>(
      `SELECT ${USED} AS used FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest WHERE rb.repository_id = $1 AND rb.digest = $2`,
      [repositoryId, digest],
    );
    if (!row) return false;
    if (row.used >= staleBefore.getTime()) return true;
    // The link is re-checked in the write: a sweep that removed it in between makes this a miss.
    const touched = await this.database.run(
      `UPDATE blobs AS b SET last_used_at = GREATEST(${USED}, $1)
       WHERE b.digest = $2 AND EXISTS (SELECT 1 FROM repository_blobs WHERE repository_id = $3 AND digest = $2)`,
      [now.getTime(), digest, repositoryId],
    );
    return touched > 0;
  }

  async finishLinking(digest: string, owner: string, now: Date): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await tx.run(`UPDATE blobs AS b SET last_used_at = GREATEST(${USED}, $1) WHERE b.digest = $2`, [now.getTime(), digest]);
      // A writer's lease that lapsed may have let a sweep take the digest meanwhile: report it lost.
      const released = await tx.row<{ live: boolean }>('DELETE FROM gc_leases WHERE key = $1 AND owner = $2 RETURNING expires_at > $3 AS live', [
        writerLeaseKey(digest, owner),
        owner,
        now.getTime(),
      ]);
      return released?.live === true;
    });
  }

  async acquireWriterLease(digest: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await lockKeys(tx, [digest]);
      const exclusive = await tx.row('SELECT 1 AS held FROM gc_leases WHERE key = $1 AND owner <> $2 AND expires_at > $3', [digest, owner, now.getTime()]);
      if (exclusive) return false;
      await tx.run(
        `INSERT INTO gc_leases (key, owner, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at`,
        [writerLeaseKey(digest, owner), owner, now.getTime() + ttlMs],
      );
      return true;
    });
  }

  async acquireLeases(keys: readonly string[], owner: string, ttlMs: number, now: Date): Promise<string[]> {
    if (keys.length === 0) return [];
    return this.database.transaction(async (tx) => {
      await lockKeys(tx, keys);
      // Writer keys are `<digest>|<owner>`, so a digest's live writers are the key range after `<digest>|`.
      const taken = await tx.rows<{ key: string }>(
        `INSERT INTO gc_leases (key, owner, expires_at)
         SELECT k, $2, $3 FROM unnest($1::text[]) AS k
         WHERE NOT EXISTS (SELECT 1 FROM gc_leases w WHERE w.key > k || '|' AND w.key < k || '}' AND w.expires_at > $4)
         ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
         WHERE gc_leases.expires_at <= $4 OR gc_leases.owner = excluded.owner
         RETURNING key`,
        [[...new Set(keys)], owner, now.getTime() + ttlMs, now.getTime()],
      );
      const held = new Set(taken.map((r) => r.key));
      return keys.filter((key) => held.has(key));
    });
  }

  async renewLeases(keys: readonly string[], owner: string, ttlMs: number, now: Date): Promise<string[]> {
    if (keys.length === 0) return [];
    const renewed = await this.database.rows<{ key: string }>(
      'UPDATE gc_leases SET expires_at = $1 WHERE key = ANY($2::text[]) AND owner = $3 AND expires_at > $4 RETURNING key',
      [now.getTime() + ttlMs, keys, owner, now.getTime()],
    );
    const held = new Set(renewed.map((r) => r.key));
    return keys.filter((key) => held.has(key));
  }

  async releaseLeases(keys: readonly string[], owner: string): Promise<string[]> {
    if (keys.length === 0) return [];
    const released = await this.database.rows<{ key: string }>('DELETE FROM gc_leases WHERE key = ANY($1::text[]) AND owner = $2 RETURNING key', [
      keys,
      owner,
    ]);
    const held = new Set(released.map((r) => r.key));
    return keys.filter((key) => held.has(key));
  }

  async pruneLeases(before: Date): Promise<number> {
    return this.database.run('DELETE FROM gc_leases WHERE expires_at < $1', [before.getTime()]);
  }

  async knownUploads(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.database.rows<{ id: string }>('SELECT id FROM uploads WHERE id = ANY($1::text[])', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async totals(): Promise<{ blobs: number; bytes: number }> {
    return (await this.database.row<{ blobs: number; bytes: number }>('SELECT COUNT(*) AS blobs, COALESCE(SUM(size), 0)::bigint AS bytes FROM blobs'))!;
  }
}
