import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import type { OsvRecord } from '../../../domain/osv.js';
import { MAX_RECORD_FILE_BYTES, newStats, type FeedStats, type ImportFeed } from './feed.js';
import { osvRecordsOf, parseOsvText } from './parse-osv.js';
import { isOsvFileName, walkFiles } from './walk.js';

/** A directory of OSV records (JSON or YAML, any depth), read one file at a time. */
export function osvDirectoryFeed(root: string): ImportFeed {
  const stats = newStats();
  return { format: 'osv-dir', stats, records: readDir(root, stats) };
}

/** A single OSV file (one record or an array of records). */
export function osvFileFeed(path: string): ImportFeed {
  const stats = newStats();
  return { format: 'osv-file', stats, records: readOne(path, path, stats) };
}

async function* readDir(root: string, stats: FeedStats): AsyncGenerator<OsvRecord> {
  for await (const file of walkFiles(root, isOsvFileName)) yield* readOne(file, relative(root, file), stats);
}

async function* readOne(path: string, label: string, stats: FeedStats): AsyncGenerator<OsvRecord> {
  stats.files++;
  try {
    const size = (await stat(path)).size;
    if (size > MAX_RECORD_FILE_BYTES) throw new Error(`${label}: larger than ${MAX_RECORD_FILE_BYTES} bytes`);
    const doc = parseOsvText(await readFile(path, 'utf8'), label, !/\.json$/i.test(path));
    yield* osvRecordsOf(doc, label, stats);
  } catch (err) {
    stats.problems.push({ file: label, message: (err as Error).message });
  }
}
