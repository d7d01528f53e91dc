/**
 * Scan on push across three nodes (PostgreSQL + Ceph RGW, behind haproxy): each pushed image is
 * scanned exactly once in the cluster. The push's outbox event reaches the scanning subscriber
 * once (a leased cursor: one node delivers at a time), which queues one `scan.image` job, which one
 * node claims (FOR UPDATE SKIP LOCKED) and runs under a lease.
 */
import { join } from 'node:path';
import { CreateRepositoryCommand, DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { eventually } from '../../support/eventually.js';
import { OCI_LAYER_TAR } from '../../support/media-types.js';
import { blob, image, type TestImage } from '../../support/oci.js';
import { pushImage } from './client.js';
import { DEBIAN_FIXTURES, debianLayer } from './debian-layer.js';

const IMAGES = 6;
const REPOSITORY = 'scan/app';

withS3((s3) =>
  withPostgres((postgres) => {
    describe('scan on push runs once across three nodes', () => {
      let cluster: Cluster;
      let ecr: ECRClient;
      beforeAll(async () => {
        cluster = await startCluster({ s3, postgres, label: 'scan' });
        const imported = await cluster.berth(['vulndb', 'import', join(DEBIAN_FIXTURES, 'osv'), '--json']);
        expect(imported.code, imported.stderr).toBe(0);
        // auth.mode none: ECR calls act as the default account's root, whatever the signature.
        ecr = new ECRClient({ endpoint: cluster.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIACLUSTERSCAN00000', secretAccessKey: 'unused' }, maxAttempts: 1 });
        await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY, imageScanningConfiguration: { scanOnPush: true } }));
      });
      afterAll(async () => {
        ecr?.destroy();
        await cluster?.close();
      });

      it('each image pushed concurrently through haproxy gets one scan job, run by one node, once', async () => {
        const images: TestImage[] = Array.from({ length: IMAGES }, () => image({ layers: [blob(debianLayer(), OCI_LAYER_TAR)] }));
        await Promise.all(images.map((img, i) => pushImage(cluster.url, REPOSITORY, img, `v${i}`)));

        for (const img of images) {
          const findings = await eventually(
            async () => {
              const out = await ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: REPOSITORY, imageId: { imageDigest: img.digest } })).catch(() => undefined);
              return out?.imageScanStatus?.status === 'COMPLETE' ? out : undefined;
            },
            `the scan of ${img.digest}`,
            { timeoutMs: 120_000, intervalMs: 250 },
          );
          expect(findings.imageScanFindings?.findings).toHaveLength(16);
        }

        // The jobs table: one scan.image job per image, succeeded at its first attempt.
        const client = new pg.Client({ connectionString: cluster.databaseUrl });
        await client.connect();
        let jobs: { id: number; payload: string; status: string; attempts: number }[];
        try {
          jobs = (await client.query<{ id: number; payload: string; status: string; attempts: number }>(`SELECT id::int, payload, status, attempts FROM jobs WHERE type = 'scan.image' ORDER BY id`)).rows;
        } finally {
          await client.end();
        }
        const digests = jobs.map((j) => (JSON.parse(j.payload) as { digest: string }).digest);
        expect(digests.sort()).toEqual(images.map((img) => img.digest).sort());
        for (const job of jobs) expect(job).toMatchObject({ status: 'succeeded', attempts: 1 });

        // The nodes' logs: each job ran on one node, once.
        const ran = cluster.nodes.map((node) =>
          node
            .logRecords()
            .filter((r) => r.jobType === 'scan.image' && r.msg === 'job succeeded')
            .map((r) => Number(r.jobId)),
        );
        expect(ran.flat().sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id));
        console.info(`scan jobs per node: ${ran.map((r) => r.length).join(', ')}`);
      });
    });
  }),
);
