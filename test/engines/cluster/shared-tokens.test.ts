/**
 * With authentication on (auth.mode iam), what one node issues every other node accepts, because
 * they share the keyring and the server secret (docs/deployment.md): a registry token from
 * GetAuthorizationToken, from an access key `berth admin` sealed, and its revocation.
 */
import { randomBytes } from 'node:crypto';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';

const ROOT = { accessKeyId: 'AKIACLUSTERROOT00001', secretAccessKey: randomBytes(24).toString('base64') };

withS3((s3) =>
  withPostgres((postgres) => {
    describe('registry tokens and keys work on every node (auth.mode iam)', () => {
      let cluster: Cluster;
      beforeAll(async () => {
        cluster = await startCluster({
          s3,
          postgres,
          label: 'tokens',
          env: { BERTH_AUTH_MODE: 'iam' },
          config: { auth: { rootAccessKeyId: ROOT.accessKeyId, rootSecretAccessKey: ROOT.secretAccessKey } },
        });
      });
      afterAll(async () => {
        await cluster?.close();
      });

      it('a key `berth admin` created signs on node 1; its token opens /v2 on every node until the key is deleted', async () => {
        const created = await cluster.berth(['admin', 'keys', 'create']);
        expect(created.code, created.stderr).toBe(0);
        const key = (JSON.parse(created.stdout) as { accessKey: { accessKeyId: string; secretAccessKey: string } }).accessKey;
        const ecr = new ECRClient({ endpoint: cluster.nodes[0]!.url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
        const out = await ecr.send(new GetAuthorizationTokenCommand({}));
        ecr.destroy();
        const token = out.authorizationData![0]!.authorizationToken!;
        for (const node of cluster.nodes) {
          expect((await fetch(`${node.url}/v2/_catalog`)).status).toBe(401);
          const res = await fetch(`${node.url}/v2/_catalog`, { headers: { authorization: `Basic ${token}` } });
          expect(res.status, await res.text()).toBe(200);
        }

        // Revocation is shared too: once the key is deleted, no node takes its token.
        const deleted = await cluster.berth(['admin', 'keys', 'delete', key.accessKeyId]);
        expect(deleted.code, deleted.stderr).toBe(0);
        for (const node of cluster.nodes) {
          expect((await fetch(`${node.url}/v2/_catalog`, { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
        }
      });
    });
  }),
);
