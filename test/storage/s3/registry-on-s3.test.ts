/**
 * Berth with storage.driver s3 against Ceph RGW, end to end over HTTP: three nodes (three apps in
 * this process) share one bucket and one metadata database, and consecutive requests of one push
 * go to different nodes, as behind a load balancer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../../src/storage/blob-store.js';
import type { S3Config } from '../../../src/storage/s3/config-schema.js';
import { type S3Coordinates, withS3 } from '../../engines/engines.js';
import { sha256 } from '../../support/digest.js';
import { type TestServer, startServer } from '../../support/server.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { createBucket, deleteBucket, s3Config } from './helpers.js';

const MiB = 1024 * 1024;

type Node = TestServer;

/** A node: Berth in-process over the shared data directory (its metadata database) and bucket. */
function startNode(s3: S3Coordinates, dataDir: string, settings: Partial<S3Config> & { bucket: string }): Promise<Node> {
  return startServer({
    dataDir,
    config: { auth: { mode: 'none' }, shutdown: { graceSeconds: 1 }, storage: { driver: 's3', s3: s3Config(s3, settings) } },
  });
}

withS3((s3) => {
  describe('Berth on S3 (Ceph RGW): three nodes, one bucket, one metadata database', () => {
    let bucket: string;
    let dataDir: string;
    const nodes: Node[] = [];
    let redirecting: Node;
    const name = 'team/app';

    beforeAll(async () => {
      bucket = await createBucket(s3, 'registry');
      dataDir = await tempDir('s3');
      // One after the other: the first creates the database and the server secret the others share.
      for (let i = 0; i < 3; i++) nodes.push(await startNode(s3, dataDir, { bucket }));
      redirecting = await startNode(s3, dataDir, { bucket, redirect: true });
    });
    afterAll(async () => {
      for (const node of [...nodes, redirecting]) await node?.close();
      await deleteBucket(s3, bucket);
      await removeDir(dataDir);
    });

    const node = (i: number) => nodes[i % nodes.length]!;
    const blobs = () => node(0).app.blobs;

    /** POST on node 0, one PATCH per chunk on the next nodes in turn, PUT ?digest= on the node after; returns the digest. */
    async function pushChunked(chunks: Buffer[], digest = sha256(Buffer.concat(chunks))): Promise<Response> {
      const started = await fetch(`${node(0).url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
      expect(started.status).toBe(202);
      const location = started.headers.get('location')!;
      let offset = 0;
      for (const [i, chunk] of chunks.entries()) {
        const patched = await fetch(new URL(location, node(i + 1).url), {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${offset + chunk.length - 1}` },
          body: chunk,
        });
        expect(patched.status, `PATCH ${i}`).toBe(202);
        offset += chunk.length;
        expect(patched.headers.get('range')).toBe(`0-${offset - 1}`);
        // Any other node reports the same progress.
        const status = await fetch(new URL(location, node(i + 2).url));
        expect(status.headers.get('range')).toBe(`0-${offset - 1}`);
      }
      const url = new URL(location, node(chunks.length + 1).url);
      url.searchParams.set('digest', digest);
      return fetch(url, { method: 'PUT' });
    }

    let layer: Buffer;
    let layerDigest: string;

    it('pushes a blob in chunks whose PATCHes land on different nodes, and every node serves it, whole and by range', async () => {
      const chunks = [randomBytes(6 * MiB + 3), randomBytes(2 * MiB), randomBytes(7 * MiB), randomBytes(100 * 1024)];
      layer = Buffer.concat(chunks);
      layerDigest = sha256(layer);
      const done = await pushChunked(chunks);
      expect(done.status).toBe(201);
      expect(done.headers.get('docker-content-digest')).toBe(layerDigest);

      for (const [i, target] of nodes.entries()) {
        const head = await fetch(`${target.url}/v2/${name}/blobs/${layerDigest}`, { method: 'HEAD' });
        expect(head.status, `node ${i}`).toBe(200);
        expect(Number(head.headers.get('content-length'))).toBe(layer.length);
        const got = Buffer.from(await (await fetch(`${target.url}/v2/${name}/blobs/${layerDigest}`)).arrayBuffer());
        expect(sha256(got), `node ${i}`).toBe(layerDigest);
      }
      const ranged = await fetch(`${node(1).url}/v2/${name}/blobs/${layerDigest}`, { headers: { Range: `bytes=${6 * MiB}-${8 * MiB}` } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(layer.subarray(6 * MiB, 8 * MiB + 1))).toBe(true);
      // Stored whole under its digest; the staged upload is gone.
      expect((await blobs().stat(layerDigest))?.size).toBe(layer.length);
      expect(await blobs().listUploadIds()).toEqual([]);
    });

    it('completes a streamed push (one PATCH, PUT on another node) without reading the upload back', async () => {
      const data = randomBytes(9 * MiB);
      const reads: string[] = [];
      const restore = nodes.map(({ app }) => {
        const driver = app.blobs.driver;
        const reader = driver.reader.bind(driver);
        driver.reader = (path, range) => {
          if (/^uploads\/[^/]+\/data$/.test(path)) reads.push(path);
          return reader(path, range);
        };
        return () => (driver.reader = reader);
      });
      try {
        const started = await fetch(`${node(0).url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
        const location = started.headers.get('location')!;
        const patched = await fetch(new URL(location, node(1).url), { method: 'PATCH', body: data });
        expect(patched.status).toBe(202);
        const url = new URL(location, node(2).url);
        url.searchParams.set('digest', sha256(data));
        expect((await fetch(url, { method: 'PUT' })).status).toBe(201);
        // Node 2 took the digest node 1 recorded after the PATCH.
        expect(reads).toEqual([]);
      } finally {
        for (const undo of restore) undo();
      }
    });

    it('pushes a manifest on one node and pulls it by tag from another', async () => {
      const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
      const configDigest = sha256(config);
      const put = await fetch(`${node(2).url}/v2/${name}/blobs/uploads/?digest=${configDigest}`, { method: 'POST', body: config });
      expect(put.status).toBe(201);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
        }),
      );
      const pushed = await fetch(`${node(0).url}/v2/${name}/manifests/v1`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' },
        body: manifest,
      });
      expect(pushed.status).toBe(201);
      expect(pushed.headers.get('docker-content-digest')).toBe(sha256(manifest));

      const pulled = await fetch(`${node(1).url}/v2/${name}/manifests/v1`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
      expect(pulled.status).toBe(200);
      const body = Buffer.from(await pulled.arrayBuffer());
      expect(sha256(body)).toBe(sha256(manifest));
      const configBack = Buffer.from(await (await fetch(`${node(2).url}/v2/${name}/blobs/${configDigest}`)).arrayBuffer());
      expect(configBack.equals(config)).toBe(true);
    });

    it('sends blob GETs to a presigned S3 URL when storage.s3.redirect is on; HEAD stays local', async () => {
      const url = `${redirecting.url}/v2/${name}/blobs/${layerDigest}`;
      const redirect = await fetch(url, { redirect: 'manual' });
      expect(redirect.status).toBe(307);
      const location = redirect.headers.get('location')!;
      expect(location.startsWith(`${s3.endpoint}/${bucket}/blobs/sha256/`)).toBe(true);
      expect(location).toContain('X-Amz-Signature=');
      expect(sha256(Buffer.from(await (await fetch(url)).arrayBuffer()))).toBe(layerDigest);
      const ranged = await fetch(url, { headers: { Range: 'bytes=100-199' } });
      expect(ranged.status).toBe(206);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(layer.subarray(100, 200))).toBe(true);
      const head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
      expect(head.status).toBe(200);
      // Without the setting, bytes come through Berth.
      expect((await fetch(`${node(0).url}/v2/${name}/blobs/${layerDigest}`, { redirect: 'manual' })).status).toBe(200);
    });

    it('refuses a digest that does not match and stores nothing under it', async () => {
      const claimed = sha256(Buffer.from('something else'));
      const refused = await pushChunked([randomBytes(6 * MiB), randomBytes(1000)], claimed);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('DIGEST_INVALID');
      expect(await blobs().stat(claimed)).toBeUndefined();
      expect(await blobs().listUploadIds()).toEqual([]);
    });

    it('resumes from the bytes stored when a streamed PATCH is cut, on another node, and completes', async () => {
      const data = randomBytes(13 * MiB);
      const started = await fetch(`${node(0).url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
      const location = started.headers.get('location')!;
      // 9 MiB reach node 0, then the connection drops.
      await new Promise<void>((resolve) => {
        const req = request(new URL(location, node(0).url), { method: 'PATCH', headers: { 'Content-Type': 'application/octet-stream' } });
        req.on('error', () => resolve());
        req.write(data.subarray(0, 9 * MiB), () => setTimeout(() => req.destroy(), 500));
        req.on('close', () => resolve());
      });
      // The node keeps what it stored; wait until it has settled.
      let size = -1;
      for (let i = 0; i < 50; i++) {
        const status = await fetch(new URL(location, node(1).url));
        const next = Number(status.headers.get('range')!.split('-')[1]) + 1;
        if (next === size) break;
        size = next;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(9 * MiB);
      const rest = await fetch(new URL(location, node(1).url), {
        method: 'PATCH',
        headers: { 'Content-Range': `${size}-${data.length - 1}`, 'Content-Type': 'application/octet-stream' },
        body: data.subarray(size),
      });
      expect(rest.status).toBe(202);
      const url = new URL(location, node(2).url);
      url.searchParams.set('digest', sha256(data));
      expect((await fetch(url, { method: 'PUT' })).status).toBe(201);
    });

    it('garbage collection deletes orphans on S3 (listing in pages) and keeps what manifests use', async () => {
      const orphan = randomBytes(1000);
      await blobs().driver.putContent(BlobStore.blobPath(sha256(orphan)), orphan);
      const strayUpload = randomUUID();
      await blobs().driver.putContent(BlobStore.uploadPath(strayUpload), Buffer.from('left by a crash'));
      await new Promise((resolve) => setTimeout(resolve, 1100)); // S3 times have whole seconds
      const summary = await node(1).app.gc.run({ graceMs: 0 });
      expect(summary.orphanFilesDeleted).toBeGreaterThanOrEqual(1);
      expect(summary.orphanUploadsDeleted).toBe(1);
      expect(await blobs().stat(sha256(orphan))).toBeUndefined();
      expect(await blobs().listUploadIds()).toEqual([]);
      const got = Buffer.from(await (await fetch(`${node(2).url}/v2/${name}/blobs/${layerDigest}`)).arrayBuffer());
      expect(sha256(got)).toBe(layerDigest);
    });
  });

  describe('starting Berth on S3', () => {
    it('stops with a message naming the bucket and the endpoint when the bucket is missing or the credentials are wrong', async () => {
      const dataDir = await tempDir('s3-start');
      try {
        const missing = `berth-missing-${randomUUID().slice(0, 8)}`;
        await expect(startNode(s3, dataDir, { bucket: missing })).rejects.toThrow(
          new RegExp(`bucket "${missing}" at ${s3.endpoint}: the bucket does not exist`),
        );
        const bucket = await createBucket(s3, 'start');
        try {
          const wrong = { ...s3, secretAccessKey: `${s3.secretAccessKey}x` };
          await expect(startNode(wrong, dataDir, { bucket })).rejects.toThrow(new RegExp(`bucket "${bucket}" at .*: access denied`));
        } finally {
          await deleteBucket(s3, bucket);
        }
      } finally {
        await removeDir(dataDir);
      }
    });
  });
});
