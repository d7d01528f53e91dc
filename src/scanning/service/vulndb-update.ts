import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { EventStore } from '../../metadata/event-store.js';
import type { VulnDbStore } from '../../metadata/vulndb-store.js';
import { type Clock, systemClock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { FeedSource } from '../vulndb/default-feeds.js';
import type { ImportSummary } from '../vulndb/import.js';
import { importAndAnnounce } from './vulndb-import.js';

/** What happened to one feed. */
export interface FeedOutcome {
  name: string;
  url: string;
  status: 'imported' | 'not-modified' | 'failed';
  /** Bytes downloaded (imported feeds). */
  bytes?: number;
  import?: ImportSummary;
  error?: string;
}

/** Download progress of one feed; `total` when the server sent a length. */
export type FeedProgress =
  | { feed: string; phase: 'request'; url: string; conditional: boolean }
  | { feed: string; phase: 'download'; received: number; total?: number }
  | { feed: string; phase: 'downloaded'; received: number; ms: number }
  | { feed: string; phase: 'not-modified' }
  | { feed: string; phase: 'imported'; summary: ImportSummary }
  | { feed: string; phase: 'failed'; error: string };

export interface UpdateOptions {
  onProgress?: (progress: FeedProgress) => void;
  /** Where downloads are staged (removed afterwards); default the system temp directory. */
  tmpDir?: string;
  signal?: AbortSignal;
  /** Who the vulndb.updated events name. */
  actor?: string;
  /** When imports and the stored validators say they happened (default: the system clock). */
  now?: Clock;
}

/** A download reports progress every tenth of its length, or every this many bytes when the length is unknown. */
const PROGRESS_STEP = 8 * 1024 * 1024;

/**
 * `berth vulndb update`: fetches each feed over HTTP(S) and imports it as `importAndAnnounce`
 * does. The validators of the last imported download (ETag, Last-Modified) go with the request
 * (If-None-Match, If-Modified-Since): a 304 skips the download and the import. A download is
 * streamed to a temporary file, never held in memory; validators are stored only once its import
 * succeeded, so a failed import is downloaded again next time. One feed failing does not stop
 * the others.
 */
export async function updateFeeds(
  stores: { vulnDb: VulnDbStore; events: EventStore },
  feeds: readonly FeedSource[],
  log: Logger,
  options: UpdateOptions = {},
): Promise<FeedOutcome[]> {
  const staging = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'berth-vulndb-'));
  const outcomes: FeedOutcome[] = [];
  try {
    for (const feed of feeds) {
      options.signal?.throwIfAborted();
      const outcome = await updateFeed(stores, feed, staging, log, options).catch((err: unknown): FeedOutcome => {
        if (options.signal?.aborted) throw err;
        const error = (err as Error).message;
        return { name: feed.name, url: feed.url, status: 'failed', error };
      });
      if (outcome.status === 'failed') {
        log.warn({ feed: feed.name, url: feed.url, error: outcome.error }, 'vulndb feed update failed');
        options.onProgress?.({ feed: feed.name, phase: 'failed', error: outcome.error! });
      }
      outcomes.push(outcome);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return outcomes;
}

async function updateFeed(
  stores: { vulnDb: VulnDbStore; events: EventStore },
  feed: FeedSource,
  staging: string,
  log: Logger,
  options: UpdateOptions,
): Promise<FeedOutcome> {
  const progress = options.onProgress ?? (() => {});
  const previous = await stores.vulnDb.getFeedValidators(feed.url);
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.lastModified) headers['if-modified-since'] = previous.lastModified;
  progress({ feed: feed.name, phase: 'request', url: feed.url, conditional: Object.keys(headers).length > 0 });
  const response = await fetch(feed.url, { headers, redirect: 'follow', ...(options.signal && { signal: options.signal }) });
  if (response.status === 304) {
    await response.body?.cancel();
    log.info({ feed: feed.name, url: feed.url }, 'vulndb feed not modified');
    progress({ feed: feed.name, phase: 'not-modified' });
    return { name: feed.name, url: feed.url, status: 'not-modified' };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`${feed.url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const file = join(staging, `${feed.name.replace(/[^\w.-]+/g, '_')}${extensionOf(feed.url)}`);
  const length = Number(response.headers.get('content-length'));
  const total = Number.isSafeInteger(length) && length > 0 ? length : undefined;
  const started = Date.now();
  let received = 0;
  let reported = 0;
  const step = total !== undefined ? Math.max(Math.ceil(total / 10), 64 * 1024) : PROGRESS_STEP;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received - reported >= step) {
        reported = received;
        progress({ feed: feed.name, phase: 'download', received, ...(total !== undefined && { total }) });
      }
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), counter, createWriteStream(file), {
    ...(options.signal && { signal: options.signal }),
  });
  progress({ feed: feed.name, phase: 'downloaded', received, ms: Date.now() - started });
  const now = options.now ?? systemClock;
  const summary = await importAndAnnounce(stores, file, log, { source: feed.name, actor: options.actor ?? 'berth:cli', now });
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  await stores.vulnDb.putFeedValidators(feed.url, {
    ...(etag && { etag }),
    ...(lastModified && { lastModified }),
    importedAt: now().toISOString(),
  });
  progress({ feed: feed.name, phase: 'imported', summary });
  await rm(file, { force: true });
  return { name: feed.name, url: feed.url, status: 'imported', bytes: received, import: summary };
}

/** The importers tell formats apart by extension first: an OSV export is a .zip, secdb and the Debian tracker are JSON. */
function extensionOf(url: string): string {
  const path = new URL(url).pathname.toLowerCase();
  const ext = /\.(zip|json|ya?ml)$/.exec(path)?.[0];
  return ext ?? '.json';
}
