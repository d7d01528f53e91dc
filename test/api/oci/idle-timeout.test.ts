/**
 * http.idleTimeoutSeconds over a real listener: a connection that moves no bytes for that long is
 * closed (a stalled upload keeps what arrived and resumes; a download nobody reads is dropped),
 * while a slow upload that keeps moving is never cut, however long it takes.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pause, streamedPatch, writeChunk } from '../../support/streamed-patch.js';
import { sha256 } from '../../support/digest.js';
import { type TestServer, startServer } from '../../support/server.js';

const OCTET = { 'content-type': 'application/octet-stream' };
let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startServer({ prefix: 'idle', config: { auth: { mode: 'none' }, http: { idleTimeoutSeconds: 1 } } });
  base = server.url;
});
afterAll(async () => {
  await server.close();
});

async function startUpload(): Promise<string> {
  const res = await fetch(`${base}/v2/idle/blob/blobs/uploads/`, { method: 'POST' });
  expect(res.status).toBe(202);
  return res.headers.get('location')!;
}

describe('http.idleTimeoutSeconds', () => {
  it('closes an upload whose client stalls, keeping what arrived for the client to resume', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 5);
    const sent = 1024 * 1024;
    const location = await startUpload();
    const patch = streamedPatch(`${base}${location}`);
    await writeChunk(patch.req, content.subarray(0, sent));
    const started = Date.now();
    await expect(patch.response).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(10_000);

    const status = await fetch(`${base}${location}`);
    expect([status.status, status.headers.get('range')]).toEqual([204, `0-${sent - 1}`]);
    const rest = await fetch(`${base}${location}`, {
      method: 'PATCH',
      headers: { ...OCTET, 'content-range': `${sent}-${content.length - 1}` },
      body: content.subarray(sent),
    });
    expect([rest.status, rest.headers.get('range')]).toEqual([202, `0-${content.length - 1}`]);
    const complete = new URL(rest.headers.get('location')!, base);
    complete.searchParams.set('digest', sha256(content));
    const done = await fetch(complete, { method: 'PUT' });
    expect(done.status).toBe(201);
  });

  it('never cuts an upload that keeps moving, though it lasts several idle periods', async () => {
    const piece = randomBytes(64 * 1024);
    const location = await startUpload();
    const patch = streamedPatch(`${base}${location}`);
    for (let i = 0; i < 8; i++) {
      await writeChunk(patch.req, piece);
      await pause(400);
    }
    patch.req.end();
    const res = await patch.response;
    expect([res.statusCode, res.headers.range]).toEqual([202, `0-${8 * piece.length - 1}`]);
  });

  it('resets a download whose client stopped reading', async () => {
    // Larger than what the socket buffers on both ends can hold, so the server's writes stall.
    const blob = randomBytes(64 * 1024 * 1024);
    const pushed = await fetch(`${base}/v2/idle/blob/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', headers: OCTET, body: blob });
    expect(pushed.status).toBe(201);

    const ended = await new Promise<{ received: number; error?: string }>((resolve) => {
      let received = 0;
      const req = request(`${base}/v2/idle/blob/blobs/${sha256(blob)}`, { agent: false }, (res) => {
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.once('data', () => {
          // Stop reading, without closing, for three idle periods; then read on to see how it ended.
          res.pause();
          setTimeout(() => res.resume(), 3_000);
        });
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ received, error: err.code ?? err.message }));
        res.on('end', () => resolve({ received }));
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ received, error: err.code ?? err.message }));
      req.end();
    });
    expect(ended.error).toBe('ECONNRESET');
    // Reset, not closed: the megabytes the kernel had queued for the client were thrown away, not
    // delivered late (with a plain close, reading on would still bring them in, ~4 MB here).
    expect(ended.received).toBeLessThan(2 * 1024 * 1024);
  });
});
