/**
 * kill -9 of one of three nodes while clients push through haproxy: pushes that completed stay
 * intact, pushes that failed succeed when retried through the surviving nodes, no partially
 * written blob is ever visible, an upload whose node died resumes elsewhere from what was stored,
 * and `berth fsck` finds metadata and storage consistent.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { sha256 } from '../../support/digest.js';
import { eventually } from '../../support/eventually.js';
import { blob, image, type TestImage } from '../../support/oci.js';
import { streamedPatch, writeChunk } from '../../support/streamed-patch.js';
import { expectStatus, pullAndVerify, pushImageRetrying } from './client.js';

const MiB = 1024 * 1024;
const PUSHERS = 12;

withS3((s3) =>
  withPostgres((postgres) => {
    describe('kill -9 of a node during concurrent pushes (three nodes, PostgreSQL + Ceph RGW)', () => {
      let cluster: Cluster;
      beforeAll(async () => {
        cluster = await startCluster({ s3, postgres, label: 'kill' });
      });
      afterAll(async () => {
        await cluster?.close();
      });

      it('loses nothing acknowledged, and every push succeeds when retried', async () => {
        const victim = cluster.nodes[1]!;

        // An upload in flight on the victim: 6 MiB stored, then a PATCH streaming to it directly.
        const first = randomBytes(6 * MiB);
        const rest = randomBytes(7 * MiB);
        const started = await fetch(`${cluster.url}/v2/kill/resume/blobs/uploads/`, { method: 'POST' });
        const location = new URL(started.headers.get('location')!, cluster.url);
        await expectStatus(await fetch(location, { method: 'PATCH', body: first, headers: { 'content-type': 'application/octet-stream' } }), 202, 'first PATCH');
        const inFlight = streamedPatch(new URL(location.pathname + location.search, victim.url).toString());
        inFlight.response.catch(() => undefined);
        await writeChunk(inFlight.req, rest.subarray(0, 5 * MiB));

        // Concurrent pushes through haproxy; the victim dies once it has taken part in them.
        const images: TestImage[] = Array.from({ length: PUSHERS }, () => image({ layers: [blob(randomBytes(3 * MiB)), blob(randomBytes(200_000))] }));
        const pushes = images.map((img, i) => pushImageRetrying(cluster.url, `kill/app${i % 3}`, img, `v${i}`));
        await eventually(
          async () => (cluster.requestsBy('/blobs/uploads/')[1]!.filter((l) => l.method === 'PATCH').length >= 3 ? true : undefined),
          'the victim to serve upload PATCHes',
          { timeoutMs: 120_000, intervalMs: 20 },
        );
        await victim.kill();

        const results = await Promise.all(pushes);
        // Every image is whole, through haproxy and on each surviving node directly.
        for (const [i, img] of images.entries()) {
          await pullAndVerify(cluster.url, `kill/app${i % 3}`, img.digest);
          for (const node of [cluster.nodes[0]!, cluster.nodes[2]!]) await pullAndVerify(node.url, `kill/app${i % 3}`, img.digest);
        }
        const tags = (await (await fetch(`${cluster.url}/v2/kill/app0/tags/list`)).json()) as { tags: string[] };
        expect(tags.tags.sort()).toEqual(images.map((_, i) => `v${i}`).filter((_, i) => i % 3 === 0).sort());
        console.info(`pushes that failed at least once and were retried: ${results.filter((r) => r.failures.length > 0).length}/${PUSHERS}`);

        // The in-flight PATCH died with its node. Its bytes never became part of the upload: it
        // resumes, through the other nodes, from the 6 MiB stored before.
        await expect(inFlight.response.then((r) => r.statusCode)).rejects.toThrow();
        const status = await fetch(location);
        expect(status.status).toBe(204);
        expect(status.headers.get('range')).toBe(`0-${first.length - 1}`);
        await expectStatus(
          await fetch(location, {
            method: 'PATCH',
            body: rest,
            headers: { 'content-type': 'application/octet-stream', 'content-range': `${first.length}-${first.length + rest.length - 1}` },
          }),
          202,
          'resumed PATCH',
        );
        const whole = Buffer.concat([first, rest]);
        const put = new URL(location);
        put.searchParams.set('digest', sha256(whole));
        await expectStatus(await fetch(put, { method: 'PUT' }), 201, 'resumed upload commit');
        const served = await fetch(`${cluster.url}/v2/kill/resume/blobs/${sha256(whole)}`);
        expect(sha256(Buffer.from(await served.arrayBuffer()))).toBe(sha256(whole));

        // Metadata and storage agree: every blob metadata lists exists in the bucket with its digest.
        const fsck = await cluster.berth(['fsck', '--json']);
        expect(fsck.code, fsck.stderr + fsck.stdout).toBe(0);

        // The killed node comes back and serves what the others stored meanwhile.
        const back = await cluster.restart(1);
        for (const [i, img] of images.entries()) await pullAndVerify(back.url, `kill/app${i % 3}`, img.digest);
      });
    });
  }),
);
