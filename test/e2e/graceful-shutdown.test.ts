/**
 * SIGTERM with an upload in flight, against the real `berth serve` process: the upload either
 * finishes within the grace period, or is cut off by it and stays resumable from the bytes the
 * server had received. Either way the push completes after a restart with a verified digest.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pause, streamedPatch, writeChunk } from '../support/streamed-patch.js';
import { sha256 } from '../support/digest.js';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { httpFetch } from '../support/http-fetch.js';
import { removeDir, tempDir } from '../support/temp.js';

const REPO = 'shutdown/blob';
const OCTET = 'application/octet-stream';

let work: string | undefined;
const servers: BerthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.kill()));
  await removeDir(work);
  work = undefined;
});

async function start(dataDir: string, port?: number, graceSeconds?: number): Promise<BerthServer> {
  const env: NodeJS.ProcessEnv = {};
  if (graceSeconds !== undefined) {
    const config = join(dataDir, '..', `grace-${graceSeconds}.yaml`);
    await writeFile(config, `shutdown:\n  graceSeconds: ${graceSeconds}\n`);
    env.BERTH_CONFIG = config;
  }
  const server = await startBerth({ dataDir, ...(port !== undefined && { port }), env });
  servers.push(server);
  return server;
}

async function startUpload(server: BerthServer): Promise<string> {
  const started = await httpFetch(`${server.url}/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
  expect(started.status).toBe(202);
  return String(started.headers.location);
}

/** Waits until the server reports `bytes` received for the upload (its status answers mid-PATCH). */
async function receivedAtLeast(server: BerthServer, location: string, bytes: number): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await pause(20)) {
    const status = await httpFetch(`${server.url}${location}`);
    if (status.headers.range === `0-${bytes - 1}`) return;
  }
  throw new Error(`the server never reported ${bytes} bytes received`);
}

/** Whether new requests to `url` start failing (connection refused) within `ms`. */
async function refusedWithin(url: string, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await pause(20)) {
    const refused = await httpFetch(url, { timeoutMs: 2_000 }).then(
      () => false,
      () => true,
    );
    if (refused) return true;
  }
  return false;
}

/** Finishes the upload with PUT ?digest= and reads the blob back. */
async function completeAndRead(server: BerthServer, location: string, content: Buffer): Promise<Buffer> {
  const put = await httpFetch(`${server.url}${location}${location.includes('?') ? '&' : '?'}digest=${sha256(content)}`, { method: 'PUT' });
  expect(put.status).toBe(201);
  const got = await httpFetch(`${server.url}/v2/${REPO}/blobs/${sha256(content)}`);
  expect(got.status).toBe(200);
  return got.body;
}

describe('SIGTERM with an upload in flight', () => {
  it('lets the upload finish, refuses new connections meanwhile, exits 0, and the push completes after a restart', async () => {
    work = await tempDir('e2e-shutdown-finish');
    const dataDir = join(work, 'data');
    const server = await start(dataDir);
    const location = await startUpload(server);
    const content = randomBytes(6 * 1024 * 1024 + 11);
    const half = 3 * 1024 * 1024;

    const patch = streamedPatch(`${server.url}${location}`);
    await writeChunk(patch.req, content.subarray(0, half));
    await receivedAtLeast(server, location, half);
    const stopped = server.stop();

    // The listener closes: new clients are turned away while the upload is still going.
    expect(await refusedWithin(`${server.url}/v2/`, 10_000)).toBe(true);

    await writeChunk(patch.req, content.subarray(half));
    patch.req.end();
    const res = await patch.response;
    expect(res.statusCode).toBe(202);
    expect(res.headers.range).toBe(`0-${content.length - 1}`);
    expect(await stopped).toBe(0);

    const restarted = await start(dataDir, server.port);
    const status = await httpFetch(`${restarted.url}${location}`);
    expect([status.status, status.headers.range]).toEqual([204, `0-${content.length - 1}`]);
    expect((await completeAndRead(restarted, location, content)).equals(content)).toBe(true);
  });

  it('cuts the upload off when the grace period ends, keeps what arrived, and resumes from there after a restart', async () => {
    work = await tempDir('e2e-shutdown-cut');
    const dataDir = join(work, 'data');
    const server = await start(dataDir, undefined, 1);
    const location = await startUpload(server);
    const content = randomBytes(5 * 1024 * 1024 + 7);
    const sent = 3 * 1024 * 1024;

    const patch = streamedPatch(`${server.url}${location}`);
    await writeChunk(patch.req, content.subarray(0, sent));
    await receivedAtLeast(server, location, sent);
    const stopped = server.stop();
    // The client stalls past the 1 s grace period: the server closes the connection and exits.
    await expect(patch.response).rejects.toThrow();
    expect(await stopped).toBe(0);

    const restarted = await start(dataDir, server.port);
    const status = await httpFetch(`${restarted.url}${location}`);
    expect(status.status).toBe(204);
    // Every byte that reached the server before the cut is kept; the client continues from there.
    expect(status.headers.range).toBe(`0-${sent - 1}`);
    const next = await httpFetch(`${restarted.url}${String(status.headers.location)}`, {
      method: 'PATCH',
      headers: { 'content-type': OCTET, 'content-range': `${sent}-${content.length - 1}` },
      body: content.subarray(sent),
    });
    expect([next.status, next.headers.range]).toEqual([202, `0-${content.length - 1}`]);
    expect((await completeAndRead(restarted, String(next.headers.location), content)).equals(content)).toBe(true);
  });
});
