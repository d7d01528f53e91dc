import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { putFile, getToNull } from '../curl.js';
import { warmPageCache } from '../page-cache.js';
import { peakRss } from '../proc.js';
import type { TestBlob } from '../random-file.js';
import { startUpload } from '../registry-client.js';
import type { ServerProcess } from '../server-process.js';

export interface PushResult {
  /** Decimal MB per second over POST + PUT, as the client saw it (includes the server's commit). */
  mbPerSecond: number;
  /** Peak resident set of the server process, bytes. */
  peakRssBytes: number;
}

/**
 * A monolithic push as docker's single-PUT path does it: POST /blobs/uploads/, then PUT the whole
 * blob to the Location with ?digest=. The page cache is warmed (see warmPageCache) and dirty pages
 * from earlier work are flushed first, so this push pays for its own writes and nothing else.
 */
export async function timedPush(server: ServerProcess, repo: string, blob: TestBlob): Promise<PushResult> {
  warmPageCache(dirname(blob.path), Math.ceil(blob.size * 1.25));
  execFileSync('sync');
  const { result, peakBytes } = await peakRss(server.pid, async () => {
    const started = performance.now();
    const url = await startUpload(server.baseUrl, repo, blob.digest);
    const postSeconds = (performance.now() - started) / 1000;
    const put = await putFile(url, blob.path);
    if (put.status !== 201) throw new Error(`push to ${server.baseUrl} answered HTTP ${put.status}; see ${server.logFile}`);
    if (put.bytes !== blob.size) throw new Error(`curl sent ${put.bytes} bytes, expected ${blob.size}`);
    return postSeconds + put.seconds;
  });
  return { mbPerSecond: blob.size / 1e6 / result, peakRssBytes: peakBytes };
}

/** GET the blob into /dev/null; decimal MB per second on curl's clock. */
export async function timedPull(server: ServerProcess, repo: string, blob: TestBlob): Promise<number> {
  return timedGet(`${server.baseUrl}/v2/${repo}/blobs/${blob.digest}`, blob, server.logFile);
}

/** GET a URL that serves the blob's bytes into /dev/null; decimal MB per second on curl's clock. */
export async function timedGet(url: string, blob: TestBlob, logFile: string): Promise<number> {
  const got = await getToNull(url);
  if (got.status !== 200 || got.bytes !== blob.size) {
    throw new Error(`GET ${url} answered HTTP ${got.status} with ${got.bytes} bytes; see ${logFile}`);
  }
  return blob.size / 1e6 / got.seconds;
}
