/**
 * A node whose shared settings differ from the other nodes' (same PostgreSQL database) refuses to
 * start, naming the setting, instead of failing later on every secret it cannot open or token the
 * others reject (src/app/deployment-guard.ts).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPostgres, withS3 } from '../engines.js';
import { type Cluster, startCluster } from '../../support/cluster.js';
import { startBerth } from '../../support/berth-process.js';
import { BERTH_BIN, REPO_ROOT } from '../../support/paths.js';
import { removeDir, tempDir } from '../../support/temp.js';

withS3((s3) =>
  withPostgres((postgres) => {
    describe('nodes must share the keyring, the server secret and the storage', () => {
      let cluster: Cluster;
      let work: string;
      let shared: Record<string, Record<string, unknown> & { s3?: Record<string, unknown> }>;

      beforeAll(async () => {
        cluster = await startCluster({ s3, postgres, label: 'guard', nodes: 1 });
        work = await tempDir('guard');
        shared = JSON.parse(readFileSync(cluster.configFile, 'utf8')) as typeof shared;
      });
      afterAll(async () => {
        await cluster?.close();
        await removeDir(work);
      });

      /** Starts `berth serve` with the cluster's configuration changed by `change`; returns its exit and output. */
      async function startWith(change: (config: typeof shared) => void): Promise<{ started: boolean; logs: string }> {
        const config = structuredClone(shared);
        change(config);
        const file = join(work, `config-${randomBytes(4).toString('hex')}.json`);
        writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
        try {
          const node = await startBerth({ dataDir: join(work, 'node'), env: { BERTH_CONFIG: file } });
          await node.stop();
          return { started: true, logs: node.logs() };
        } catch (err) {
          return { started: false, logs: (err as Error).message };
        }
      }

      it('a node with the same settings starts', async () => {
        expect((await startWith(() => undefined)).started).toBe(true);
      });

      it('refuses another keyring, naming auth.keyring', async () => {
        const other = await startWith((c) => (c.auth!.keyring = `k1:${randomBytes(32).toString('base64')}`));
        expect(other.started).toBe(false);
        expect(other.logs).toMatch(/auth\.keyring \(env BERTH_KEYRING\) or auth\.keyringFile: key "k1" has other key material/);
        const disjoint = await startWith((c) => (c.auth!.keyring = `k9:${randomBytes(32).toString('base64')}`));
        expect(disjoint.logs).toMatch(/none of this node's keys \(k9\) is one the other nodes use \(k1\)/);
        // The generated default (a keyring file per data directory) is another keyring too.
        const generated = await startWith((c) => delete c.auth!.keyring);
        expect(generated.started).toBe(false);
        expect(generated.logs).toMatch(/auth\.keyring/);
      });

      it('accepts a keyring that adds a key (rotation) and records it', async () => {
        const added = `k2:${randomBytes(32).toString('base64')}`;
        const rotated = await startWith((c) => (c.auth!.keyring = `${String(c.auth!.keyring)},${added}`));
        expect(rotated.started).toBe(true);
        const client = new pg.Client({ connectionString: cluster.databaseUrl });
        await client.connect();
        try {
          const names = (await client.query<{ name: string; value: string }>('SELECT name, value FROM deployment_fingerprints ORDER BY name')).rows;
          expect(names.map((r) => r.name)).toEqual(['keyring/k1', 'keyring/k2', 'serverSecret', 'storage']);
          // Fingerprints, not the secrets.
          const secrets = [String(shared.auth!.keyring), added, String(shared.serverSecret)].join('\n');
          for (const { value } of names) expect(secrets.includes(value)).toBe(false);
        } finally {
          await client.end();
        }
      });

      it('refuses another server secret, and the generated default, naming serverSecret', async () => {
        const other = await startWith((c) => ((c as Record<string, unknown>).serverSecret = randomBytes(32).toString('base64')));
        expect(other.started).toBe(false);
        expect(other.logs).toMatch(/serverSecret \(env BERTH_SERVER_SECRET\) differs/);
        const generated = await startWith((c) => delete (c as Record<string, unknown>).serverSecret);
        expect(generated.logs).toMatch(/serverSecret \(env BERTH_SERVER_SECRET\) differs/);
      });

      it('refuses another bucket prefix or the filesystem driver, naming the storage settings', async () => {
        const prefixed = await startWith((c) => (c.storage!.s3!.prefix = 'elsewhere'));
        expect(prefixed.started).toBe(false);
        expect(prefixed.logs).toMatch(/storage\.driver \/ storage\.s3\.bucket \/ storage\.s3\.prefix: the other nodes store blobs in s3 bucket "[^"]+" prefix "", this node in s3 bucket "[^"]+" prefix "elsewhere"/);
        const local = await startWith((c) => (c.storage = { driver: 'filesystem' }));
        expect(local.logs).toMatch(/this node in filesystem/);
      });

      it('berth gc refuses another bucket prefix (it would take that prefix\'s files for orphans)', () => {
        const file = join(work, 'gc.json');
        writeFileSync(file, JSON.stringify({ ...shared, storage: { ...shared.storage, s3: { ...shared.storage!.s3, prefix: 'other' } } }), { mode: 0o600 });
        const gc = spawnSync(process.execPath, [BERTH_BIN, 'gc', '--init', '--data', join(work, 'gc')], {
          cwd: REPO_ROOT,
          env: { ...process.env, BERTH_CONFIG: file },
          encoding: 'utf8',
        });
        expect(gc.status).toBe(1);
        expect(gc.stderr).toMatch(/storage\.driver \/ storage\.s3\.bucket \/ storage\.s3\.prefix: .* this node in s3 bucket "[^"]+" prefix "other"/);
      });

      it('berth admin refuses to seal keys with another keyring', () => {
        const file = join(work, 'admin.json');
        writeFileSync(file, JSON.stringify({ ...shared, auth: { keyring: `k1:${randomBytes(32).toString('base64')}` } }), { mode: 0o600 });
        const admin = spawnSync(process.execPath, [BERTH_BIN, 'admin', '--init', '--data', join(work, 'admin'), 'users', 'create', 'alice'], {
          cwd: REPO_ROOT,
          env: { ...process.env, BERTH_CONFIG: file },
          encoding: 'utf8',
        });
        expect(admin.status).toBe(1);
        expect(admin.stderr).toMatch(/auth\.keyring .*key "k1" has other key material/);
      });
    });
  }),
);
