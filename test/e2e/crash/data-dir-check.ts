import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { sha256 } from '../../support/digest.js';

export interface DataDirReport {
  problems: string[];
  blobFiles: number;
  manifests: number;
  tags: number;
  uploads: number;
}

/**
 * Checks a Berth data directory the way an operator would after a crash: the database passes
 * SQLite's integrity and foreign-key checks; every file under storage/blobs is complete (hashes to
 * its name, nothing half-written or temporary); every blob the metadata lists is stored with its
 * recorded size; every manifest's content matches its digest and everything it references is
 * linked to its repository and stored; every tag names a manifest of its own repository.
 */
export async function checkDataDir(dataDir: string): Promise<DataDirReport> {
  const problems: string[] = [];
  const storage = join(dataDir, 'storage');
  const stored = await storedBlobs(join(storage, 'blobs'), problems);

  const db = new Database(join(dataDir, 'metadata.db'), { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`PRAGMA integrity_check: ${String(integrity)}`);
    for (const row of db.pragma('foreign_key_check') as unknown[]) problems.push(`foreign key violation: ${JSON.stringify(row)}`);

    for (const { digest, size } of db.prepare('SELECT digest, size FROM blobs').all() as { digest: string; size: number }[]) {
      const file = stored.get(digest);
      if (file === undefined) problems.push(`blob ${digest} is in metadata but not in storage`);
      else if (file !== size) problems.push(`blob ${digest}: metadata says ${size} bytes, storage holds ${file}`);
    }

    const linked = new Set(
      (db.prepare('SELECT repository_id, digest FROM repository_blobs').all() as { repository_id: number; digest: string }[]).map(
        (r) => `${r.repository_id}@${r.digest}`,
      ),
    );
    const manifests = db.prepare('SELECT id, repository_id, digest, content FROM manifests').all() as {
      id: number;
      repository_id: number;
      digest: string;
      content: Buffer;
    }[];
    const manifestKeys = new Set(manifests.map((m) => `${m.repository_id}@${m.digest}`));
    for (const manifest of manifests) {
      const where = `manifest ${manifest.digest} (repository ${manifest.repository_id})`;
      if (sha256(manifest.content) !== manifest.digest) {
        problems.push(`${where}: stored content does not hash to its digest`);
      }
      const doc = JSON.parse(manifest.content.toString('utf8')) as {
        config?: { digest: string; size: number };
        layers?: { digest: string; size: number }[];
        manifests?: { digest: string }[];
      };
      for (const ref of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
        if (!linked.has(`${manifest.repository_id}@${ref.digest}`)) problems.push(`${where}: blob ${ref.digest} is not linked to the repository`);
        const file = stored.get(ref.digest);
        if (file === undefined) problems.push(`${where}: blob ${ref.digest} is missing from storage`);
        else if (file !== ref.size) problems.push(`${where}: blob ${ref.digest} has ${file} bytes, the manifest says ${ref.size}`);
      }
      for (const child of doc.manifests ?? []) {
        if (!manifestKeys.has(`${manifest.repository_id}@${child.digest}`)) problems.push(`${where}: child manifest ${child.digest} is missing`);
      }
    }

    const tags = db
      .prepare('SELECT t.repository_id AS tag_repo, t.name, m.repository_id AS manifest_repo FROM tags t LEFT JOIN manifests m ON m.id = t.manifest_id')
      .all() as { tag_repo: number; name: string; manifest_repo: number | null }[];
    for (const tag of tags) {
      if (tag.manifest_repo !== tag.tag_repo) problems.push(`tag ${tag.name} (repository ${tag.tag_repo}) does not resolve to a manifest of its repository`);
    }
    const uploads = (db.prepare('SELECT COUNT(*) AS n FROM uploads').get() as { n: number }).n;
    return { problems, blobFiles: stored.size, manifests: manifests.length, tags: tags.length, uploads };
  } finally {
    db.close();
  }
}

/** Every file under storage/blobs: digest → size, after checking its place and its content. */
async function storedBlobs(root: string, problems: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const file of await walk(root)) {
    const path = relative(root, file);
    const match = /^(sha256)\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(path);
    if (!match || !match[3]!.startsWith(match[2]!)) {
      problems.push(`unexpected file under storage/blobs: ${path}`);
      continue;
    }
    const digest = `sha256:${match[3]}`;
    const actual = await hashFile(file);
    if (actual !== digest) problems.push(`storage/blobs/${path} is partial or corrupt: its content hashes to ${actual}`);
    found.set(digest, (await stat(file)).size);
  }
  return found;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else files.push(path);
  }
  return files;
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
