/**
 * kill -9 of the node running a background job loses no job (three nodes, PostgreSQL + Ceph RGW,
 * `jobs.leaseSeconds: 5`): while the node lives it renews its lease and nobody else takes the job;
 * once it is killed, its lease runs out, another node claims the job (attempt 2) and completes it,
 * once, with the full result.
 *
 * The job is a `vulndb.update` (a whole `berth vulndb update` as a durable job, leased like scans,
 * lifecycle runs and GC). Its feed is served by this file, which holds each download open until the
 * test lets it go: the job is mid-run for as long as the test needs, so the kill lands inside it
 * deterministically, on whichever node claimed it (read from the jobs table's lease owner).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateRepositoryCommand, DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import type { BerthServer } from '../../support/berth-process.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { eventually } from '../../support/eventually.js';
import { OCI_LAYER_TAR } from '../../support/media-types.js';
import { blob, image } from '../../support/oci.js';
import { zipOf } from '../../scanning/helpers/zip.js';
import { pushImage } from './client.js';
import { DEBIAN_FIXTURES, debianLayer } from './debian-layer.js';

const LEASE_SECONDS = 5;
const FEED_PATH = '/osv/Debian/all.zip';
const REPOSITORY = 'takeover/app';

/** The fixtures' 82 Debian 12 OSV records as an OSV export (all.zip). */
function debianFeed(): Buffer {
  const dir = join(DEBIAN_FIXTURES, 'osv');
  return zipOf(readdirSync(dir).map((name) => ({ name, content: readFileSync(join(dir, name)) })));
}

/** A feed download the server holds open until the test answers it. */
interface HeldRequest {
  req: IncomingMessage;
  res: ServerResponse;
}

interface JobRow {
  id: number;
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  updated_at: string;
  last_error: string | null;
  result: string | null;
}

withS3((s3) =>
  withPostgres((postgres) => {
    describe('a node killed with kill -9 loses no job: its lease expires and another node takes the work', () => {
      const feed = debianFeed();
      const held: HeldRequest[] = [];
      let server: Server;
      let cluster: Cluster;
      let db: pg.Client;

      beforeAll(async () => {
        server = createServer((req, res) => {
          if (req.url !== FEED_PATH) {
            res.writeHead(404).end();
            return;
          }
          held.push({ req, res });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${FEED_PATH}`;
        cluster = await startCluster({
          s3,
          postgres,
          label: 'takeover',
          config: {
            jobs: { leaseSeconds: LEASE_SECONDS },
            // No schedule (updateIntervalSeconds stays 0): the one vulndb.update job is the test's.
            scanning: { feeds: { sources: [{ name: 'debian-bookworm', url: feedUrl }] } },
          },
        });
        db = new pg.Client({ connectionString: cluster.databaseUrl });
        await db.connect();
      });
      afterAll(async () => {
        await db?.end();
        await cluster?.close();
        for (const { res } of held) res.destroy();
        server?.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
      });

      const jobRow = async (id: number): Promise<JobRow> =>
        (
          await db.query<JobRow>(
            `SELECT id::int, status, attempts, lease_owner, lease_until::text, updated_at::text, last_error, result FROM jobs WHERE id = $1`,
            [id],
          )
        ).rows[0]!;
      /** The node whose NODE_ID (`<host>-<pid>-<random>`) holds the lease. */
      const nodeOf = (owner: string | null): BerthServer => {
        const matching = cluster.nodes.filter((n) => owner?.includes(`-${n.pid}-`));
        expect(matching, `the node holding lease ${owner}`).toHaveLength(1);
        return matching[0]!;
      };

      it('takes over a job whose node died mid-run, after its lease, and completes it once', async () => {
        // Queue the job as JobRunner.enqueue does; the nodes poll every second and one claims it.
        const now = Date.now();
        const { id } = (
          await db.query<{ id: number }>(
            `INSERT INTO jobs (type, payload, status, dedupe_key, run_at, created_at, updated_at)
             VALUES ('vulndb.update', '{}', 'queued', 'vulndb.update', $1, $1, $1) RETURNING id::int`,
            [now],
          )
        ).rows[0]!;

        // Mid-run: the claiming node is downloading the feed, which the server holds open.
        await eventually(async () => (held.length >= 1 ? true : undefined), 'the first feed download', { timeoutMs: 60_000, intervalMs: 50 });
        const claimed = await jobRow(id);
        expect(claimed).toMatchObject({ status: 'running', attempts: 1 });
        const victim = nodeOf(claimed.lease_owner);
        const victimOwner = claimed.lease_owner!;

        // While the victim lives it renews the lease (every third of it) and the job stays its own,
        // until the lease it renewed reaches two lease lengths past the one it claimed with.
        const claimedUntil = Number(claimed.lease_until);
        await eventually(
          async () => {
            const row = await jobRow(id);
            expect(row).toMatchObject({ status: 'running', attempts: 1, lease_owner: victimOwner });
            return Number(row.lease_until) > claimedUntil + 2 * LEASE_SECONDS * 1000 ? true : undefined;
          },
          'the victim to hold the job, renewing its lease, for two more lease lengths',
          { timeoutMs: 120_000, intervalMs: 200 },
        );
        expect(held).toHaveLength(1);

        const leaseBeforeKill = Number((await jobRow(id)).lease_until);
        await victim.kill();
        const killedAt = Date.now();

        // The lease runs out; another node claims the job (attempt 2) and downloads the feed again.
        await eventually(async () => (held.length >= 2 ? true : undefined), 'another node to take the job and download the feed', {
          timeoutMs: 120_000,
          intervalMs: 100,
        });
        const taken = await jobRow(id);
        expect(taken).toMatchObject({ status: 'running', attempts: 2 });
        const survivor = nodeOf(taken.lease_owner);
        expect(survivor).not.toBe(victim);
        expect(survivor.running()).toBe(true);
        // Claimed after the dead node's lease ran out (its last renewal was at or after this read).
        expect(Number(taken.updated_at)).toBeGreaterThan(leaseBeforeKill);
        expect(held).toHaveLength(2);
        console.info(
          `job ${id}: node ${cluster.nodes.indexOf(victim) + 1} killed mid-run, node ${cluster.nodes.indexOf(survivor) + 1} took it ${((Date.now() - killedAt) / 1000).toFixed(1)} s later (lease ${LEASE_SECONDS} s)`,
        );

        // The download completes on the survivor, which imports the feed.
        const download = held[1]!;
        download.res.writeHead(200, { 'content-type': 'application/zip', 'content-length': feed.length, etag: '"debian-1"' });
        download.res.end(feed);

        const done = await eventually(
          async () => {
            const row = await jobRow(id);
            return row.status === 'running' ? undefined : row;
          },
          'the job to settle',
          { timeoutMs: 120_000, intervalMs: 200 },
        );
        expect(done).toMatchObject({ status: 'succeeded', attempts: 2, lease_owner: null, lease_until: null, last_error: null });
        expect(JSON.parse(done.result!)).toEqual({ feeds: [{ name: 'debian-bookworm', status: 'imported' }] });

        // Ran to completion once, on the survivor: one success in the nodes' logs, no other download.
        const succeeded = cluster.nodes.map((node) => node.logRecords().filter((r) => r.msg === 'job succeeded' && Number(r.jobId) === id).length);
        expect(succeeded[cluster.nodes.indexOf(survivor)]).toBe(1);
        expect(succeeded.reduce((a, b) => a + b, 0)).toBe(1);
        expect(held).toHaveLength(2);

        // The work's result: the whole feed is in the vulnerability database, imported once…
        const status = await cluster.berth(['vulndb', 'status', '--json']);
        expect(status.code, status.stderr).toBe(0);
        expect(JSON.parse(status.stdout)).toMatchObject({ records: 82, version: 1 });

        // …and scans use it: a pushed Debian minbase image gets its 16 findings.
        const ecr = new ECRClient({
          endpoint: cluster.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIACLUSTERTAKEOVER0', secretAccessKey: 'unused' },
          maxAttempts: 1,
        });
        try {
          await ecr.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY, imageScanningConfiguration: { scanOnPush: true } }));
          const img = image({ layers: [blob(debianLayer(), OCI_LAYER_TAR)] });
          await pushImage(cluster.url, REPOSITORY, img, 'v1');
          const findings = await eventually(
            async () => {
              const out = await ecr
                .send(new DescribeImageScanFindingsCommand({ repositoryName: REPOSITORY, imageId: { imageDigest: img.digest } }))
                .catch(() => undefined);
              return out?.imageScanStatus?.status === 'COMPLETE' ? out : undefined;
            },
            'the scan of the pushed image',
            { timeoutMs: 120_000, intervalMs: 250 },
          );
          expect(findings.imageScanFindings?.findings).toHaveLength(16);
        } finally {
          ecr.destroy();
        }

        // Nothing is left behind: no job still leased to the dead node, none due and unclaimed,
        // and no vulndb.update queued or running.
        await eventually(
          async () => {
            const stuck = await db.query<{ id: number; type: string; status: string }>(
              `SELECT id::int, type, status FROM jobs
               WHERE (status = 'running' AND lease_owner = $1) OR (status = 'queued' AND run_at <= $2) OR (type = 'vulndb.update' AND status IN ('queued', 'running'))`,
              [victimOwner, Date.now()],
            );
            return stuck.rows.length === 0 ? true : undefined;
          },
          'no job left to the dead node or overdue',
          { timeoutMs: 60_000, intervalMs: 250 },
        );
      });
    });
  }),
);
