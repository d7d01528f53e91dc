/**
 * docker and skopeo against three `berth serve` processes on PostgreSQL and Ceph RGW behind haproxy
 * (docs/deployment.md's setup, test/support/cluster.ts): the clients talk to haproxy only, which
 * sends each of their requests to the next node. The engines come from the e2e project's
 * engines setup (test/e2e/harness/engines-setup.ts), shared with the engines project.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withPostgres, withS3 } from '../../engines/engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { sha256 } from '../../support/digest.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { DockerCli, dockerHost, dockerUnavailable, pushedDigest } from '../harness/docker-cli.js';
import { writeScratchContext } from '../harness/image-context.js';
import { type MultiArchLayout, writeMultiArchLayout } from '../harness/oci-layout.js';
import { SkopeoCli } from '../harness/skopeo-cli.js';
import { requireCondition, requireTool } from '../harness/tools.js';

withS3((s3) =>
  withPostgres((postgres) => {
    describe('docker and skopeo through haproxy on three nodes (PostgreSQL + Ceph RGW)', () => {
      let cluster: Cluster;
      let work: string;
      beforeAll(async () => {
        work = await tempDir('e2e-cluster');
        cluster = await startCluster({ s3, postgres, label: 'e2e' });
      });
      afterAll(async () => {
        await cluster?.close();
        await removeDir(work);
      });

      /** Requests per node whose URL names `repository`. */
      const spread = (repository: string) => cluster.requestsBy(`/v2/${repository}/`).map((lines) => lines.length);

      test('docker pushes a multi-layer image and pulls it back with the same image ID', async (ctx) => {
        requireTool(ctx, 'docker');
        requireCondition(ctx, dockerHost() !== '', dockerUnavailable());
        const docker = await DockerCli.create(work);
        const context = join(work, 'context');
        await writeScratchContext(context, 'Dockerfile');
        const source = `berth-e2e/cluster:${Date.now()}`;
        await docker.run(['build', '--tag', source, context]);
        const id = await docker.imageId(source);
        const reference = `${cluster.address}/e2e/docker:v1`;
        await docker.run(['tag', source, reference]);
        const digest = pushedDigest(await docker.run(['push', reference]));
        await docker.run(['rmi', reference, source]);
        expect(await docker.exists(id)).toBe(false);

        await docker.run(['pull', reference]);
        expect(await docker.imageId(reference)).toBe(id);
        const repoDigests = JSON.parse(await docker.run(['image', 'inspect', '--format', '{{json .RepoDigests}}', reference])) as string[];
        expect(repoDigests).toContain(`${cluster.address}/e2e/docker@${digest}`);
        await docker.run(['rmi', reference]);
        // Every node took part of the push and pull.
        for (const [i, n] of spread('e2e/docker').entries()) expect(n, `requests on node ${i + 1}`).toBeGreaterThan(0);
      });

      test('skopeo copies a multi-arch index in with --all and back out, byte for byte', async (ctx) => {
        requireTool(ctx, 'skopeo');
        const skopeo = await SkopeoCli.create(work);
        const layout: MultiArchLayout = await writeMultiArchLayout(join(work, 'source'), 'v1');
        const remote = `docker://${cluster.address}/e2e/multiarch:v1`;
        await skopeo.run(['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${join(work, 'source')}:v1`, remote]);
        await skopeo.run(['copy', '--all', '--preserve-digests', '--src-tls-verify=false', remote, `oci:${join(work, 'copy')}:v1`]);

        const index = JSON.parse(await readFile(join(work, 'copy', 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
        expect(index.manifests.map((m) => m.digest)).toContain(layout.indexDigest);
        const blobDir = join(work, 'copy', 'blobs', 'sha256');
        const names = await readdir(blobDir);
        expect(names.map((n) => `sha256:${n}`).sort()).toEqual([...layout.blobs.keys()].sort());
        for (const name of names) {
          const data = await readFile(join(blobDir, name));
          expect(sha256(data)).toBe(`sha256:${name}`);
        }
        for (const [i, n] of spread('e2e/multiarch').entries()) expect(n, `requests on node ${i + 1}`).toBeGreaterThan(0);
      });
    });
  }),
);
