import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { VulnDbImportError } from '../errors.js';
import { alpineSecdbFeed } from './importers/alpine-secdb.js';
import { debianTrackerFeed } from './importers/debian-tracker.js';
import type { ImportFeed } from './importers/feed.js';
import { osvDirectoryFeed, osvFileFeed } from './importers/osv-dir.js';
import { osvZipFeed } from './importers/osv-zip.js';
import { isOsvFileName, walkFiles } from './importers/walk.js';

/**
 * Picks the importer for a path: a .zip is an OSV export; a folder is OSV or Alpine secdb
 * depending on its first data file; a single file is told apart by its opening bytes (secdb YAML
 * has `distroversion`/`packages` (as YAML or JSON), the Debian tracker JSON nests `releases` under package → CVE).
 */
export async function feedForPath(path: string): Promise<ImportFeed> {
  const info = await stat(path).catch(() => {
    throw new VulnDbImportError(`no file or folder at ${path}`, { path });
  });
  if (info.isDirectory()) {
    for await (const file of walkFiles(path, isOsvFileName)) {
      return looksLikeSecdb(await head(file)) ? alpineSecdbFeed(path, true) : osvDirectoryFeed(path);
    }
    throw new VulnDbImportError(`${path} holds no .json, .yaml or .yml files`, { path });
  }
  if (/\.zip$/i.test(path)) return osvZipFeed(path);
  const start = await head(path);
  if (/\.ya?ml$/i.test(path)) return looksLikeSecdb(start) ? alpineSecdbFeed(path, false) : osvFileFeed(path);
  if (/\.json$/i.test(path)) {
    if (looksLikeDebianTracker(start)) return debianTrackerFeed(path);
    // secdb.alpinelinux.org publishes each file as JSON too (what `berth vulndb update` fetches); JSON is YAML.
    if (/"distroversion"\s*:/.test(start) && /"packages"\s*:/.test(start)) return alpineSecdbFeed(path, false);
    if (/^\s*[[{]/.test(start)) return osvFileFeed(path);
  }
  throw new VulnDbImportError(
    `cannot tell the format of ${basename(path)}: expected an OSV folder, .json/.yaml file or .zip export, an Alpine secdb YAML, or the Debian security tracker JSON`,
    { path },
  );
}

async function head(file: string, bytes = 64 * 1024): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

function looksLikeSecdb(text: string): boolean {
  return /^distroversion\s*:/m.test(text) && /^packages\s*:/m.test(text);
}

function looksLikeDebianTracker(text: string): boolean {
  return /^\s*\{\s*"[^"]+"\s*:\s*\{\s*"(?:CVE|TEMP)-[^"]+"\s*:\s*\{/.test(text);
}
