/** Looks at what a registry left on disk, to prove refused content was not stored. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

async function filesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every file under storage/blobs. */
export function blobFiles(dataDir: string): Promise<string[]> {
  return filesUnder(join(dataDir, 'storage', 'blobs'));
}

/** Every file under storage/uploads (staged upload bytes). */
export function uploadFiles(dataDir: string): Promise<string[]> {
  return filesUnder(join(dataDir, 'storage', 'uploads'));
}

/** The blob file a digest is stored under, if any. */
export async function blobFileFor(dataDir: string, digest: string): Promise<string | undefined> {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return (await blobFiles(dataDir)).find((f) => f.endsWith(`/${hex}`));
}
