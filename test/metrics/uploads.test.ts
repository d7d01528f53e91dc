/** Uploads in progress and their bytes, seen by a scrape while a streamed PATCH is still open. */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { httpFetch } from '../support/http-fetch.js';
import { useServer } from '../support/server.js';
import { streamedPatch, writeChunk } from '../support/streamed-patch.js';
import { parseExposition, valueOf } from './exposition.js';

const server = useServer({ config: { auth: { mode: 'none' }, metrics: { storeCacheSeconds: 0 } } });

async function scrape() {
  return parseExposition((await httpFetch(`${server().url}/metrics`)).body.toString());
}

describe('an upload in progress', () => {
  it('is counted while its body streams, with the bytes received so far', async () => {
    const start = await httpFetch(`${server().url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
    expect(start.status).toBe(202);
    const location = String(start.headers.location);
    const { req, response } = streamedPatch(new URL(location, server().url).toString());
    await writeChunk(req, Buffer.alloc(100_000, 1));

    const during = await eventually(async () => {
      const samples = await scrape();
      return valueOf(samples, 'berth_upload_requests_in_flight') === 1 ? samples : undefined;
    }, 'a scrape that sees the upload in flight');
    expect(valueOf(during, 'berth_upload_sessions')).toBe(1);

    await writeChunk(req, Buffer.alloc(50_000, 2));
    req.end();
    expect((await response).statusCode).toBe(202);
    const samples = await scrape();
    expect(valueOf(samples, 'berth_upload_requests_in_flight')).toBe(0);
    expect(valueOf(samples, 'berth_http_received_bytes_total', { api: 'oci', operation: 'upload.patch' })).toBe(150_000);
    expect(valueOf(samples, 'berth_http_requests_total', { api: 'oci', operation: 'upload.patch', code: '202' })).toBe(1);
  });
});
