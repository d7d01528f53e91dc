import { createHash, type Hash, randomBytes } from 'node:crypto';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadBodyHandling } from '../../src/api/oci/http.js';
import { BlobStore } from '../../src/storage/blob-store.js';
import type { WriterOptions } from '../../src/storage/driver.js';
import { FilesystemDriver } from '../../src/storage/filesystem/driver.js';
import { removeDir, tempDir } from '../support/temp.js';

describe('BlobStore.append', () => {
  let root: string;
  let driver: FilesystemDriver;
  let writerOptions: (WriterOptions | undefined)[];

  beforeEach(async () => {
    root = await tempDir('blobs');
    driver = new FilesystemDriver({ root, fsync: false });
    writerOptions = [];
    const writer = driver.writer.bind(driver);
    driver.writer = (path, options) => {
      writerOptions.push(options);
      return writer(path, options);
    };
  });
  afterEach(() => removeDir(root));

  /**
   * Sends `body` in a PUT to a server that appends the request to upload `id` as the /v2 adapter
   * does, hashing into `hash`; resolves with the new size.
   */
  async function appendOverHttp(blobs: BlobStore, id: string, body: Buffer, hash: Hash): Promise<number> {
    let appended!: Promise<number>;
    const server = createServer((req, res) => {
      appended = blobs.append(id, req, hash, uploadBodyHandling(req));
      appended.then(() => res.end(), () => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = request({ port, host: '127.0.0.1', method: 'PUT', path: '/' }, (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end(body);
      });
      return await appended;
    } finally {
      server.close();
    }
  }

  it('hands an HTTP request body to the driver chunk by chunk, hashing and storing every byte', async () => {
    const blobs = new BlobStore(driver);
    const body = randomBytes(5 * 1024 * 1024 + 17);
    const hash = createHash('sha256');
    await blobs.createUpload('u1');
    expect(await appendOverHttp(blobs, 'u1', body, hash)).toBe(body.length);
    expect(writerOptions).toEqual([{ append: true, handOver: true }]);
    // The hash saw each chunk before the driver freed it.
    expect(hash.digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    const stored = Buffer.concat(await (await blobs.readUpload('u1')).toArray());
    expect(stored.equals(body)).toBe(true);
  });

  it('keeps the chunks of any other stream, which may still be in use elsewhere', async () => {
    const blobs = new BlobStore(driver);
    const chunks = [randomBytes(64 * 1024), randomBytes(64 * 1024)];
    await blobs.createUpload('u2');
    const source = Readable.from(chunks);
    expect(await blobs.append('u2', source, createHash('sha256'), uploadBodyHandling(source))).toBe(128 * 1024);
    expect(writerOptions).toEqual([{ append: true, handOver: false }]);
    expect(chunks.every((chunk) => chunk.length === 64 * 1024)).toBe(true);
  });
});

describe('BlobStore.commitUpload', () => {
  let root: string;
  let blobs: BlobStore;
  const content = randomBytes(4096);
  const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;

  beforeEach(async () => {
    root = await tempDir('blobs');
    blobs = new BlobStore(new FilesystemDriver({ root, fsync: false }));
  });
  afterEach(() => removeDir(root));

  async function staged(id: string): Promise<void> {
    await blobs.createUpload(id);
    await blobs.append(id, Readable.from([content]), undefined);
  }

  it('keeps a blob already stored whole, and replaces one whose file is not its size (damaged)', async () => {
    await staged('u1');
    await blobs.commitUpload('u1', digest, content.length);
    await blobs.driver.putContent(BlobStore.blobPath(digest), content.subarray(0, 100));
    await staged('u2');
    await blobs.commitUpload('u2', digest, content.length);
    expect((await blobs.driver.getContent(BlobStore.blobPath(digest))).equals(content)).toBe(true);
    await staged('u3');
    await blobs.commitUpload('u3', digest, content.length);
    expect(await blobs.listUploadIds()).toEqual([]);
  });

  it('sets a blob aside under quarantine/, where it is neither listed nor read as the blob', async () => {
    await staged('u1');
    await blobs.commitUpload('u1', digest, content.length);
    expect(await blobs.quarantine(digest)).toBe(`quarantine/sha256/${digest.slice(7)}`);
    expect(await blobs.stat(digest)).toBeUndefined();
    expect(await blobs.listBlobShards()).toEqual([`sha256:${digest.slice(7, 9)}`]);
    expect(await blobs.listShard(`sha256:${digest.slice(7, 9)}`)).toEqual([]);
    expect((await blobs.driver.getContent(BlobStore.quarantinePath(digest))).equals(content)).toBe(true);
  });
});
