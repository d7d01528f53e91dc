import type { Blob, ImagePush, Manifest } from './images.js';
import { expectStatus, type HttpClient, UnexpectedReply } from './http-client.js';
import type { Ledger } from './ledger.js';

/** The ways clients upload a blob; pushes rotate through them. */
export type UploadMode = 'monolithic' | 'chunked' | 'streamed' | 'last-chunk-in-put';
export const UPLOAD_MODES: UploadMode[] = ['monolithic', 'chunked', 'streamed', 'last-chunk-in-put'];

const OCTETS = { 'Content-Type': 'application/octet-stream' };

/** Pushes images the way registry clients do, recording every acknowledgement in the ledger. */
export class Pusher {
  constructor(
    private readonly client: HttpClient,
    private readonly ledger: Ledger,
  ) {}

  /** Pushes all images concurrently; resolves when each has finished or failed. */
  async pushAll(images: ImagePush[]): Promise<void> {
    await Promise.all(images.map((image, n) => this.push(image, n)));
  }

  private async push(image: ImagePush, seed: number): Promise<void> {
    try {
      for (const [n, blob] of image.blobs.entries()) {
        await this.uploadBlob(image.repository, blob, UPLOAD_MODES[(seed + n) % UPLOAD_MODES.length]!);
      }
      for (const child of image.children) await this.putManifest(image.repository, child.digest, child);
      await this.putManifest(image.repository, image.tag, image.manifest);
      this.ledger.manifestAcknowledged(image.repository, image.tag, image.manifest.digest);
    } catch (err) {
      if (err instanceof UnexpectedReply) this.ledger.wrongReplies.push(err.message);
      else this.ledger.connectionErrors.push(String(err));
    }
  }

  async uploadBlob(repository: string, blob: Blob, mode: UploadMode): Promise<void> {
    const head = await this.client.send('HEAD', `/v2/${repository}/blobs/${blob.digest}`);
    if (head.status === 200) {
      this.ledger.blobAcknowledged(repository, blob);
      return;
    }
    expectStatus('HEAD', `/v2/${repository}/blobs/${blob.digest}`, 404, head);
    const uploads = `/v2/${repository}/blobs/uploads/`;
    if (mode === 'monolithic') {
      const path = `${uploads}?digest=${blob.digest}`;
      expectStatus('POST', path, 201, await this.client.send('POST', path, { headers: OCTETS, body: blob.data, kind: 'commit' }));
      this.ledger.blobAcknowledged(repository, blob);
      return;
    }
    const started = expectStatus('POST', uploads, 202, await this.client.send('POST', uploads));
    const upload = this.ledger.opened({ repository, blob, location: String(started.headers.location) });
    const data = blob.data;
    let tail: Buffer | undefined;
    if (mode === 'streamed') {
      await this.patch(upload, data, false);
    } else {
      const lastChunkInPut = mode === 'last-chunk-in-put' && data.length > 1;
      const end = lastChunkInPut ? Math.floor(data.length / 2) : data.length;
      const chunk = 256 * 1024 + Math.floor(Math.random() * 768 * 1024);
      for (let offset = 0; offset < end; offset += chunk) {
        await this.patch(upload, data.subarray(offset, Math.min(end, offset + chunk)), true);
      }
      if (lastChunkInPut) tail = data.subarray(end);
    }
    await this.complete(upload, tail);
  }

  /** PATCH one chunk (with Content-Range when `ranged`), at the upload's acknowledged offset. */
  async patch(upload: { location: string; acknowledged: number }, chunk: Buffer, ranged: boolean): Promise<void> {
    const start = upload.acknowledged;
    const headers: Record<string, string> = { ...OCTETS };
    if (ranged) headers['Content-Range'] = `${start}-${start + chunk.length - 1}`;
    const reply = expectStatus('PATCH', upload.location, 202, await this.client.send('PATCH', upload.location, { headers, body: chunk, kind: 'chunk' }));
    upload.location = String(reply.headers.location);
    upload.acknowledged = start + chunk.length;
    if (reply.headers.range !== `0-${upload.acknowledged - 1}`) {
      throw new UnexpectedReply('PATCH', upload.location, 202, { ...reply, body: Buffer.from(`Range ${reply.headers.range} after ${upload.acknowledged} bytes`) });
    }
  }

  /** PUT ?digest=, optionally with the last chunk. */
  async complete(upload: { repository: string; blob: Blob; location: string; acknowledged: number; completed: boolean }, tail?: Buffer): Promise<void> {
    const url = this.client.url(upload.location);
    url.searchParams.set('digest', upload.blob.digest);
    const headers: Record<string, string> = { ...OCTETS };
    if (tail && tail.length > 0) headers['Content-Range'] = `${upload.acknowledged}-${upload.acknowledged + tail.length - 1}`;
    const path = url.pathname + url.search;
    const reply = await this.client.send('PUT', path, { headers, body: tail, kind: 'commit' });
    expectStatus('PUT', path, 201, reply);
    if (reply.headers['docker-content-digest'] !== upload.blob.digest) {
      throw new UnexpectedReply('PUT', path, 201, { ...reply, body: Buffer.from(`digest header ${reply.headers['docker-content-digest']}`) });
    }
    upload.completed = true;
    this.ledger.blobAcknowledged(upload.repository, upload.blob);
  }

  async putManifest(repository: string, reference: string, manifest: Manifest): Promise<void> {
    const path = `/v2/${repository}/manifests/${reference}`;
    const reply = await this.client.send('PUT', path, {
      headers: { 'Content-Type': manifest.mediaType },
      body: manifest.content,
      kind: 'manifest',
    });
    expectStatus('PUT', path, 201, reply);
    if (reply.headers['docker-content-digest'] !== manifest.digest) {
      throw new UnexpectedReply('PUT', path, 201, { ...reply, body: Buffer.from(`digest header ${reply.headers['docker-content-digest']}`) });
    }
  }
}
