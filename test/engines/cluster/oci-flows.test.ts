/**
 * The OCI distribution workflows through haproxy in front of three `berth serve` processes on one
 * PostgreSQL and one Ceph RGW bucket (docs/deployment.md's setup): every request of a push may go
 * to another node, and each node answers for what the others wrote.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { sha256 } from '../../support/digest.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { blob, descriptor, image, manifestDocument } from '../../support/oci.js';
import { expectStatus, pullAndVerify, pushBlobChunked, pushBlobMonolithic, pushImage, putManifest } from './client.js';

const MiB = 1024 * 1024;

withS3((s3) =>
  withPostgres((postgres) => {
    describe('OCI workflows through haproxy on three nodes (PostgreSQL + Ceph RGW)', () => {
      let cluster: Cluster;
      beforeAll(async () => {
        cluster = await startCluster({ s3, postgres, label: 'oci' });
      });
      afterAll(async () => {
        await cluster?.close();
      });

      /** GETs `path` once per node through haproxy (round robin), returning every answer. */
      async function onEveryNode(path: string, init: RequestInit = {}): Promise<Response[]> {
        const answers: Response[] = [];
        for (const _ of cluster.nodes) answers.push(await fetch(`${cluster.url}${path}`, init));
        return answers;
      }

      it('a monolithic blob push is served by every node, whole and by range', async () => {
        const b = blob(randomBytes(3 * MiB + 17));
        await pushBlobMonolithic(cluster.url, 'flows/mono', b);
        for (const node of cluster.nodes) {
          const res = await fetch(`${node.url}/v2/flows/mono/blobs/${b.digest}`);
          expect(res.status).toBe(200);
          expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(b.digest);
        }
        const ranged = await fetch(`${cluster.url}/v2/flows/mono/blobs/${b.digest}`, { headers: { range: 'bytes=1000-1999' } });
        expect(ranged.status).toBe(206);
        expect(Buffer.from(await ranged.arrayBuffer())).toEqual(b.content.subarray(1000, 2000));
      });

      it('a chunked upload whose PATCHes land on three different nodes commits the exact bytes', async () => {
        // Chunks below and above S3's 5 MiB part minimum: small ones are staged and merged.
        const chunks = [randomBytes(6 * MiB), randomBytes(1 * MiB + 3), randomBytes(2 * MiB)];
        const id = await pushBlobChunked(cluster.url, 'flows/chunked', chunks);
        const patches = cluster.requestsBy(id).map((lines) => lines.filter((l) => l.method === 'PATCH').length);
        expect(patches, 'PATCHes per node').toEqual([1, 1, 1]);
        const all = Buffer.concat(chunks);
        const res = await fetch(`${cluster.url}/v2/flows/chunked/blobs/${sha256(all)}`);
        expect(res.status).toBe(200);
        expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(all));
      });

      it('an upload whose digest does not match is refused and leaves no blob on any node', async () => {
        const chunks = [randomBytes(MiB), randomBytes(MiB)];
        const started = await fetch(`${cluster.url}/v2/flows/bad/blobs/uploads/`, { method: 'POST' });
        const location = new URL(started.headers.get('location')!, cluster.url);
        const patched = await fetch(location, { method: 'PATCH', body: chunks[0], headers: { 'content-type': 'application/octet-stream' } });
        expect(patched.status).toBe(202);
        const wrong = sha256(Buffer.concat([...chunks, Buffer.from('x')]));
        location.searchParams.set('digest', wrong);
        const put = await fetch(location, { method: 'PUT', body: chunks[1], headers: { 'content-type': 'application/octet-stream' } });
        expect(put.status).toBe(400);
        for (const res of await onEveryNode(`/v2/flows/bad/blobs/${wrong}`, { method: 'HEAD' })) expect(res.status).toBe(404);
      });

      it('cross-repository mount, manifests, tags, referrers and delete work across nodes', async () => {
        const img = image({ layers: [blob(randomBytes(2 * MiB))] });
        await pushImage(cluster.url, 'flows/source', img, 'v1');

        // Mount every blob into another repository: no bytes move, each POST answers 201.
        for (const b of img.blobs) {
          const res = await fetch(`${cluster.url}/v2/flows/target/blobs/uploads/?mount=${b.digest}&from=flows/source`, { method: 'POST' });
          await expectStatus(res, 201, `mount of ${b.digest}`);
        }
        await expectStatus(await putManifest(cluster.url, 'flows/target', 'v1', img.manifest, img.mediaType), 201, 'manifest in target');
        for (const _ of cluster.nodes) await pullAndVerify(cluster.url, 'flows/target', img.digest);

        // The tag resolves on every node.
        for (const res of await onEveryNode('/v2/flows/target/manifests/v1', { method: 'HEAD', headers: { accept: OCI_MANIFEST } })) {
          expect(res.headers.get('docker-content-digest')).toBe(img.digest);
        }
        const tags = (await (await fetch(`${cluster.url}/v2/flows/target/tags/list`)).json()) as { tags: string[] };
        expect(tags.tags).toEqual(['v1']);

        // An artifact whose subject is the image shows in the image's referrers, on every node.
        const empty = blob(Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
        await pushBlobMonolithic(cluster.url, 'flows/target', empty);
        const artifact = JSON.stringify(
          manifestDocument({
            config: descriptor(empty),
            layers: [descriptor(empty)],
            artifactType: 'application/vnd.example.sbom',
            subject: { mediaType: img.mediaType, digest: img.digest, size: Buffer.byteLength(img.manifest) },
          }),
        );
        const put = await putManifest(cluster.url, 'flows/target', sha256(artifact), artifact, OCI_MANIFEST);
        await expectStatus(put, 201, 'artifact');
        for (const res of await onEveryNode(`/v2/flows/target/referrers/${img.digest}`)) {
          const index = (await res.json()) as { manifests: { digest: string; artifactType: string }[] };
          expect(index.manifests.map((m) => m.digest)).toEqual([sha256(artifact)]);
        }

        // Delete the image in the target: gone on every node, still whole in the source.
        await expectStatus(await fetch(`${cluster.url}/v2/flows/target/manifests/${img.digest}`, { method: 'DELETE' }), 202, 'manifest delete');
        for (const res of await onEveryNode(`/v2/flows/target/manifests/${img.digest}`, { headers: { accept: OCI_MANIFEST } })) {
          expect(res.status).toBe(404);
        }
        await pullAndVerify(cluster.url, 'flows/source', img.digest);
      });
    });
  }),
);
