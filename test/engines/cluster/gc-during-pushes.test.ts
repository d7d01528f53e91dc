/**
 * Garbage collection started from one place while clients push through the other nodes (three
 * nodes, PostgreSQL + Ceph RGW): it frees what no manifest references and nothing a push
 * committed. The grace period is 2 s, far below a push under this load, so the collector keeps
 * meeting blobs that are uploaded but not referenced yet. It may take them (that is what a grace
 * period shorter than a push means), and then the manifest PUT is refused and the client pushes
 * again; what it must never do is leave a committed manifest without its blobs (the blob guard's
 * leases and row locks, src/gc/blob-guard.ts).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { blob, image, type TestImage } from '../../support/oci.js';
import { pullAndVerify, pushBlobMonolithic, pushImageRetrying } from './client.js';

const PUSHERS = 9;

interface GcSummary {
  blobsDeleted: number;
  blobsKept: number;
}

withS3((s3) =>
  withPostgres((postgres) => {
    describe('GC on one node while the others take pushes', () => {
      let cluster: Cluster;
      beforeAll(async () => {
        cluster = await startCluster({ s3, postgres, label: 'gc', config: { gc: { graceSeconds: 2 } } });
      });
      afterAll(async () => {
        await cluster?.close();
      });

      it('frees only unreferenced blobs; every pushed image pulls back whole by digest', async () => {
        // Garbage: blobs no manifest will ever reference.
        const garbage = Array.from({ length: 4 }, () => blob(randomBytes(100_000)));
        for (const b of garbage) await pushBlobMonolithic(cluster.url, 'gc/junk', b);
        await new Promise((resolve) => setTimeout(resolve, 2_500));

        const images: TestImage[] = Array.from({ length: PUSHERS }, () => image({ layers: [blob(randomBytes(2 * 1024 * 1024)), blob(randomBytes(50_000))] }));
        let pushing = true;
        const pushes = Promise.all(images.map((img, i) => pushImageRetrying(cluster.url, `gc/app${i % 3}`, img, `v${i}`, 20))).finally(() => (pushing = false));

        // Collect again and again while the pushes run, and once after.
        const summaries: GcSummary[] = [];
        do {
          const gc = await cluster.berth(['gc', '--json']);
          expect(gc.code, gc.stderr).toBe(0);
          summaries.push(JSON.parse(gc.stdout) as GcSummary);
        } while (pushing);
        const results = await pushes;
        expect(summaries.length).toBeGreaterThanOrEqual(2);

        await new Promise((resolve) => setTimeout(resolve, 2_500));
        const last = await cluster.berth(['gc', '--json']);
        expect(last.code, last.stderr).toBe(0);

        for (const [i, img] of images.entries()) await pullAndVerify(cluster.url, `gc/app${i % 3}`, img.digest);
        for (const b of garbage) expect((await fetch(`${cluster.url}/v2/gc/junk/blobs/${b.digest}`, { method: 'HEAD' })).status).toBe(404);
        expect(summaries.reduce((n, s) => n + s.blobsDeleted, 0)).toBeGreaterThanOrEqual(garbage.length);
        const fsck = await cluster.berth(['fsck', '--json']);
        expect(fsck.code, fsck.stderr + fsck.stdout).toBe(0);
        console.info(
          `gc runs during the pushes: ${summaries.length}; blobs kept for pushes in progress: ${summaries.reduce((n, s) => n + s.blobsKept, 0)}; pushes retried: ${results.filter((r) => r.failures.length > 0).length}/${PUSHERS}`,
        );
        // The one way a push may fail here: the collector took a blob older than the grace period
        // before the manifest named it, and the manifest PUT says so (the client pushes it again).
        for (const failure of results.flatMap((r) => r.failures)) expect(failure).toMatch(/^manifest .*: expected 201, got 400 .*MANIFEST_BLOB_UNKNOWN/);
      });
    });
  }),
);
