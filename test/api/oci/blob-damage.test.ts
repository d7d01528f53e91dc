/**
 * A blob whose file is shorter on disk than the size the push recorded (disk trouble, a careless
 * operator) is never served as if whole: a real HTTP client either gets a clean error or sees the
 * transfer cut off, promptly, never a response that stalls short of its Content-Length; the server
 * logs it and sets the file aside so that a push of the same content repairs it.
 */
import { randomBytes } from 'node:crypto';
import { stat, truncate, writeFile } from 'node:fs/promises';
import { Agent, get, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOB_QUARANTINED_EVENT } from '../../../src/gc/quarantine.js';
import { VERIFY_ON_READ_BYTES } from '../../../src/registry/blobs.js';
import { sha256 } from '../../support/digest.js';
import { type TestServer, startServer } from '../../support/server.js';
import { HttpClient } from './harness/http.js';
import { OciClient } from './harness/oci-client.js';
import { blobFileFor } from './storage-probe.js';

/** Long enough for a healthy local answer on a loaded machine, far below a keep-alive timeout. */
const PROMPTLY_MS = 5_000;

let server: TestServer;
let http: HttpClient;
// Keep-alive, as registry clients use: a response that ends short of its Content-Length on a
// connection kept open leaves such a client waiting for the rest.
const keepAlive = new Agent({ keepAlive: true });

beforeAll(async () => {
  server = await startServer({ prefix: 'blob-damage', captureLogs: true, config: { auth: { mode: 'none' } } });
  http = new HttpClient(server.url);
});
afterAll(async () => {
  keepAlive.destroy();
  http.close();
  await server.close();
});

async function pushed(name: string, size: number): Promise<{ client: OciClient; content: Buffer; digest: string; file: string }> {
  const client = new OciClient(() => http, name);
  const content = randomBytes(size);
  const resp = await client.pushBlob(content);
  expect(resp.status).toBe(201);
  const digest = sha256(content);
  const file = (await blobFileFor(server.dataDir, digest))!;
  expect(file).toBeDefined();
  return { client, content, digest, file };
}

function blobUrl(name: string, digest: string): string {
  return `${server.url}/v2/${name}/blobs/${digest}`;
}

function damageLogs(digest: string): Record<string, unknown>[] {
  return server.logs.records().filter((r) => r.digest === digest && r.msg === 'blob file is not its recorded size');
}

interface Outcome {
  status: number;
  body: Buffer;
  /** How the transfer failed (undefined: it completed). */
  error?: Error;
}

/**
 * One request over a keep-alive connection, settled when the response completes or fails, or after
 * PROMPTLY_MS as a hang. `onResponse` may act once the headers are in (the response is paused meanwhile).
 */
function request(method: 'GET' | 'HEAD', url: string, onResponse?: (res: IncomingMessage) => Promise<void>): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status = 0;
    const settle = (error?: Error) => {
      clearTimeout(timer);
      resolve({ status, body: Buffer.concat(chunks), ...(error && { error }) });
    };
    const timer = setTimeout(() => {
      req.destroy();
      settle(new Error(`hang: neither complete nor failed after ${PROMPTLY_MS} ms`));
    }, PROMPTLY_MS);
    const req = get(url, { method, agent: keepAlive }, (res) => {
      status = res.statusCode ?? 0;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle());
      res.on('error', (error) => settle(error));
      if (onResponse) {
        res.pause();
        void onResponse(res).then(() => res.resume());
      }
    });
    req.on('error', (error) => settle(error));
  });
}

describe('a blob file truncated on disk', () => {
  it('answers GET with BLOB_UNKNOWN before any byte, logs it, sets the file aside, and a push repairs it', async () => {
    const name = 'damage/before-get';
    const { client, content, digest, file } = await pushed(name, 3 * 1024 * 1024);
    await truncate(file, 1024 * 1024);

    const get = await request('GET', blobUrl(name, digest));
    expect(get.error).toBeUndefined();
    expect(get.status).toBe(404);
    const error = (JSON.parse(get.body.toString()) as { errors: { code: string; message: string }[] }).errors[0]!;
    expect(error.code).toBe('BLOB_UNKNOWN');
    expect(error.message).toContain(`blob ${digest} is damaged in storage`);

    expect(damageLogs(digest)).toEqual([
      expect.objectContaining({ level: 50, expectedSize: content.length, actualSize: 1024 * 1024, detectedBy: 'read' }),
    ]);
    // Set aside under quarantine/, recorded in the outbox (and so in the audit log).
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(join(server.dataDir, 'storage', 'quarantine', 'sha256', digest.slice(7)))).size).toBe(1024 * 1024);
    const events = await server.app.store.events.list({ type: BLOB_QUARANTINED_EVENT, limit: 10 });
    expect(events.map((e) => e.payload)).toContainEqual(expect.objectContaining({ digest, expectedSize: content.length, actualSize: 1024 * 1024 }));

    // HEAD no longer vouches for it, so a client pushes it again, which puts the bytes back.
    expect((await request('HEAD', blobUrl(name, digest))).status).toBe(404);
    expect((await client.pushBlob(content)).status).toBe(201);
    const repaired = await request('GET', blobUrl(name, digest));
    expect(repaired.status).toBe(200);
    expect(repaired.body.equals(content)).toBe(true);
  });

  it('answers HEAD with BLOB_UNKNOWN when the file is not the recorded size', async () => {
    const name = 'damage/head';
    const { content, digest, file } = await pushed(name, 4096);
    await truncate(file, 100);
    const head = await request('HEAD', blobUrl(name, digest));
    expect(head.status).toBe(404);
    expect(damageLogs(digest)).toEqual([expect.objectContaining({ expectedSize: content.length, actualSize: 100, detectedBy: 'stat' })]);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('cuts off a GET whose file shrinks while it is sent, promptly, instead of leaving the client waiting', async () => {
    const name = 'damage/mid-stream';
    const size = 48 * 1024 * 1024;
    const { digest, file } = await pushed(name, size);
    // Once the server has opened the file and announced its length, the file is shortened under it.
    const get = await request('GET', blobUrl(name, digest), () => truncate(file, 1024 * 1024));
    expect(get.status).toBe(200);
    expect(get.body.length).toBeLessThan(size);
    expect(get.error?.message).toMatch(/aborted|socket hang up|ECONNRESET/);
    await expect.poll(() => damageLogs(digest), { timeout: PROMPTLY_MS }).toEqual([
      expect.objectContaining({ expectedSize: size, detectedBy: 'read' }),
    ]);
    await expect.poll(() => stat(file).then(() => 'present', () => 'set aside'), { timeout: PROMPTLY_MS }).toBe('set aside');
  });
});

describe('a small blob whose content was corrupted on disk', () => {
  it('is hashed before it is served: GET answers BLOB_UNKNOWN, logs it and sets the file aside', async () => {
    const name = 'damage/small';
    const { client, content, digest, file } = await pushed(name, VERIFY_ON_READ_BYTES);
    const corrupted = Buffer.from(content);
    corrupted[100] = corrupted[100]! ^ 0xff;
    await writeFile(file, corrupted);

    const get = await request('GET', blobUrl(name, digest));
    expect(get.status).toBe(404);
    const error = (JSON.parse(get.body.toString()) as { errors: { code: string; message: string }[] }).errors[0]!;
    expect(error).toMatchObject({ code: 'BLOB_UNKNOWN', message: `blob ${digest} is damaged in storage (its content hashes to ${sha256(corrupted)}); push it again` });
    expect(server.logs.records()).toContainEqual(
      expect.objectContaining({ msg: 'blob content does not match its digest', digest, actualDigest: sha256(corrupted), level: 50 }),
    );
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await client.pushBlob(content)).status).toBe(201);
    expect((await request('GET', blobUrl(name, digest))).body.equals(content)).toBe(true);
  });
});
