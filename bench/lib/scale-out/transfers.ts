import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { getToNull, putFile } from '../curl.js';
import { warmPageCache } from '../page-cache.js';
import type { TestBlob } from '../random-file.js';
import { startUpload } from '../registry-client.js';
import { CpuMeter, type CpuUse } from './cpu.js';

export interface Timed {
  /** Decimal MB per second, client's clock. */
  mbPerSecond: number;
  cpu: CpuUse;
}

/** POST /blobs/uploads/ then one curl PUT ?digest= of the whole file (docker's monolithic path), with credentials. */
async function push(baseUrl: string, repo: string, blob: TestBlob, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const url = await startUpload(baseUrl, repo, blob.digest, headers);
  const put = await putFile(url, blob.path, headers);
  if (put.status !== 201 || put.bytes !== blob.size) throw new Error(`push of ${blob.path} to ${baseUrl}: HTTP ${put.status}, ${put.bytes} of ${blob.size} bytes sent`);
  return (performance.now() - started) / 1000;
}

/** Flush dirty pages and warm the page cache first (see page-cache.ts), so a push pays for its own work only. */
function settle(blobs: readonly TestBlob[]): void {
  warmPageCache(dirname(blobs[0]!.path), Math.ceil(blobs.reduce((sum, b) => sum + b.size, 0) * 0.25));
  execFileSync('sync');
}

export async function timedPush(baseUrl: string, repo: string, blob: TestBlob, headers: Record<string, string>, groups: Record<string, () => number[]>): Promise<Timed> {
  settle([blob]);
  const meter = new CpuMeter(groups);
  const seconds = await push(baseUrl, repo, blob, headers);
  return { mbPerSecond: blob.size / 1e6 / seconds, cpu: meter.finish() };
}

export async function timedPull(baseUrl: string, repo: string, blob: TestBlob, headers: Record<string, string>, groups: Record<string, () => number[]>): Promise<Timed> {
  const meter = new CpuMeter(groups);
  const got = await getToNull(`${baseUrl}/v2/${repo}/blobs/${blob.digest}`, headers);
  const cpu = meter.finish();
  if (got.status !== 200 || got.bytes !== blob.size) throw new Error(`pull from ${baseUrl}: HTTP ${got.status}, ${got.bytes} of ${blob.size} bytes`);
  return { mbPerSecond: blob.size / 1e6 / got.seconds, cpu };
}

/** All blobs pushed at once, one client each; aggregate MB/s from the first POST to the last 201. */
export async function concurrentPush(baseUrl: string, repo: string, blobs: readonly TestBlob[], headers: Record<string, string>, groups: Record<string, () => number[]>): Promise<Timed> {
  settle(blobs);
  const meter = new CpuMeter(groups);
  const started = performance.now();
  await Promise.all(blobs.map((blob) => push(baseUrl, repo, blob, headers)));
  const seconds = (performance.now() - started) / 1000;
  const bytes = blobs.reduce((sum, b) => sum + b.size, 0);
  return { mbPerSecond: bytes / 1e6 / seconds, cpu: meter.finish() };
}
