import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { SqliteMetadataStore as Store } from '../../src/metadata/sqlite/store.js';
import { REPO_ROOT } from './paths.js';
import { median } from './stats.js';

/**
 * How long a scrape's metadata aggregates take on SQLite (what GET /metrics reads once per
 * metrics.storeCacheSeconds): a registry of `repositories` × `imagesEach` manifests, each naming a
 * base layer shared by 10 repositories, a layer of its repository's and a config of its own, written
 * straight into Berth's schema (made by its own migrations), then the four StatsStore queries timed
 * from dist/ (median of `repetitions`).
 */
export async function timeAggregates(workDir: string, repositories: number, imagesEach: number, repetitions: number): Promise<{ ms: number; manifests: number; blobs: number }> {
  const file = join(workDir, 'aggregates.db');
  const dist = (path: string) => pathToFileURL(join(REPO_ROOT, 'dist', path)).href;
  const { SqliteMetadataStore } = (await import(dist('metadata/sqlite/store.js'))) as { SqliteMetadataStore: typeof Store };
  (await SqliteMetadataStore.open(file).close());

  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const digest = (kind: string, i: number) => `sha256:${kind}${i.toString(16).padStart(64 - kind.length, '0')}`;
  let blobs = 0;
  db.transaction(() => {
    const repo = db.prepare(`INSERT INTO repositories (account_id, name, created_at) VALUES ('000000000000', ?, 0) RETURNING id`);
    const blob = db.prepare('INSERT OR IGNORE INTO blobs (digest, size, created_at) VALUES (?, ?, 0)');
    const link = db.prepare('INSERT OR IGNORE INTO repository_blobs (repository_id, digest, created_at) VALUES (?, ?, 0)');
    const manifest = db.prepare(
      `INSERT INTO manifests (repository_id, digest, media_type, size, image_size, content, pushed_at) VALUES (?, ?, 'application/vnd.oci.image.manifest.v1+json', 500, 0, x'7b7d', 0) RETURNING id`,
    );
    const ref = db.prepare('INSERT INTO manifest_blobs (manifest_id, digest) VALUES (?, ?)');
    for (let r = 0; r < repositories; r++) {
      const { id } = repo.get(`team${r % 50}/app${r}`) as { id: number };
      const base = digest('b', Math.floor(r / 10));
      const own = digest('c', r);
      for (const [d, size] of [[base, 30_000_000], [own, 5_000_000]] as const) {
        blobs += blob.run(d, size).changes;
        link.run(id, d);
      }
      for (let i = 0; i < imagesEach; i++) {
        const config = digest('a', r * imagesEach + i);
        blobs += blob.run(config, 2_000).changes;
        link.run(id, config);
        const m = manifest.get(id, digest('', r * imagesEach + i)) as { id: number };
        for (const d of [base, own, config]) ref.run(m.id, d);
      }
    }
  })();
  db.close();

  const store = SqliteMetadataStore.open(file);
  try {
    const times: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      const started = performance.now();
      await Promise.all([store.stats.repositoryUsage(50), store.stats.blobTotals(), store.stats.uploadSessions(), store.stats.jobQueue(new Date())]);
      times.push(performance.now() - started);
    }
    return { ms: median(times), manifests: repositories * imagesEach, blobs };
  } finally {
    await store.close();
  }
}
