/**
 * A Berth cluster as the deployment guide describes it (docs/deployment.md): N real `berth serve`
 * processes on one PostgreSQL database and one S3 bucket, sharing one configuration file (keyring
 * and server secret included), behind haproxy with the guide's configuration (round robin: one
 * client's consecutive requests land on different nodes). For the engines project (`withS3` and
 * `withPostgres`) and e2e files under test/e2e/engines/.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PostgresCoordinates, S3Coordinates } from '../engines/engines.js';
import { createBucket, deleteBucket, s3Config } from '../storage/s3/helpers.js';
import { type BerthServer, startBerth } from './berth-process.js';
import { ensureBuilt } from './build.js';
import { type Haproxy, startHaproxy } from './haproxy.js';
import { BERTH_BIN, REPO_ROOT } from './paths.js';
import { emptyDatabase } from './postgres.js';
import { removeDir, tempDir } from './temp.js';

export interface ClusterOptions {
  s3: S3Coordinates;
  postgres: PostgresCoordinates;
  /** Names the bucket and temp directory (default 'cluster'). */
  label?: string;
  /** Number of nodes (default 3). */
  nodes?: number;
  /** Settings added to the shared configuration file (merged at the top level and one below). */
  config?: Record<string, unknown>;
  /** Environment of every node (BERTH_AUTH_MODE is none unless given). */
  env?: NodeJS.ProcessEnv;
}

export interface Cluster {
  /** haproxy's http://127.0.0.1:<port>: what clients use. */
  readonly url: string;
  /** 127.0.0.1:<port>, as image references use it. */
  readonly address: string;
  readonly nodes: BerthServer[];
  readonly bucket: string;
  readonly databaseUrl: string;
  /** The configuration file every node reads (BERTH_CONFIG). */
  readonly configFile: string;
  readonly haproxy: Haproxy;
  /** Starts node `i` again (after a kill) on its port, with its data directory. */
  restart(i: number): Promise<BerthServer>;
  /** Per node, the access-log lines of requests whose URL contains `fragment` (method, url, status). */
  requestsBy(fragment: string): { method: string; url: string; statusCode: number }[][];
  /** Runs a `berth` command (gc, fsck, …) with the cluster's configuration, as an operator on another machine would. */
  berth(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Stops haproxy and the nodes, removes the bucket and the temp directory (the database stays, dropped with the server). */
  close(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  await ensureBuilt();
  const label = options.label ?? 'cluster';
  const dir = await tempDir(`berth-${label}`);
  const bucket = await createBucket(options.s3, label);
  // A database without any table: the nodes starting together migrate it (under the advisory lock).
  const databaseUrl = await emptyDatabase(options.postgres.url);
  const configFile = join(dir, 'berth.json');
  // JSON is YAML: one file, identical on every node, as the guide says.
  writeFileSync(configFile, JSON.stringify(sharedConfig(options, bucket, databaseUrl), null, 2), { mode: 0o600 });
  const count = options.nodes ?? 3;
  const env = { ...options.env, BERTH_CONFIG: configFile };
  const start = (i: number, port?: number) => startBerth({ dataDir: join(dir, `node${i + 1}`), port, env });
  const nodes: BerthServer[] = [];
  let haproxy: Haproxy | undefined;
  try {
    nodes.push(...(await Promise.all(Array.from({ length: count }, (_, i) => start(i)))));
    haproxy = await startHaproxy(dir, nodes.map((n) => n.address));
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.stop(2_000)));
    await deleteBucket(options.s3, bucket).catch(() => undefined);
    await removeDir(dir);
    throw err;
  }
  const proxy = haproxy;
  return {
    url: proxy.url,
    address: proxy.address,
    nodes,
    bucket,
    databaseUrl,
    configFile,
    haproxy: proxy,
    async restart(i) {
      const node = await start(i, nodes[i]!.port);
      nodes[i] = node;
      return node;
    },
    berth: (args) => runBerth(args, { ...process.env, ...env, BERTH_DATA_DIR: join(dir, 'cli') }),
    requestsBy(fragment) {
      return nodes.map((node) =>
        node
          .logRecords()
          .filter((r) => r.msg === 'request completed' && typeof r.url === 'string' && r.url.includes(fragment))
          .map((r) => ({ method: String(r.method), url: String(r.url), statusCode: Number(r.statusCode) })),
      );
    },
    async close() {
      await proxy.stop();
      await Promise.allSettled(nodes.map((n) => n.stop(5_000)));
      await deleteBucket(options.s3, bucket).catch(() => undefined);
      await removeDir(dir);
    },
  };
}

function runBerth(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function sharedConfig(options: ClusterOptions, bucket: string, databaseUrl: string): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    auth: { keyring: `k1:${randomBytes(32).toString('base64')}` },
    metadata: { driver: 'postgres', postgres: { url: databaseUrl, poolSize: 5 } },
    storage: { driver: 's3', s3: s3Config(options.s3, { bucket }) },
    shutdown: { graceSeconds: 2 },
  };
  const config: Record<string, unknown> = { serverSecret: randomBytes(32).toString('base64'), ...base };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    const own = base[key];
    config[key] = own && typeof value === 'object' && value !== null ? { ...own, ...value } : value;
  }
  return config;
}
