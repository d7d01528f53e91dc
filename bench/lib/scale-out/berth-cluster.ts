import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../paths.js';
import { freePort, startServer, type ServerProcess } from '../server-process.js';
import { createBucket, deleteBucket } from './buckets.js';
import type { Deployment } from './deployment.js';
import type { Engines } from './engines.js';
import { startHaproxy } from './haproxy.js';

/**
 * `nodes` Berth processes (`berth serve` from dist/) on one PostgreSQL database and one bucket, with
 * the settings a multi-node deployment needs to share (keyring, server secret, root credentials)
 * and authentication on, as users run it: the client logs in with GetAuthorizationToken and sends
 * docker's `Basic AWS:<token>` on every request; each request verifies the token and reads the
 * access key from PostgreSQL (auth.credentialCacheSeconds 0, the default).
 *
 * One setting differs from the defaults: the per-account BatchGetImage quota (ECR's 2000/s) is
 * lifted, because the manifest GET figure measures what the nodes serve, not the quota.
 */
export async function startBerthCluster(options: { engines: Engines; nodes: number; workDir: string; tag: string }): Promise<Deployment> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run bench` (which builds first)');
  const { engines, workDir, tag } = options;
  const label = `Berth ×${options.nodes}`;
  const bucket = `berth-bench-${tag}-${randomBytes(4).toString('hex')}`;
  await createBucket(engines.s3, bucket);
  const databaseUrl = await engines.postgres.createDatabase(`berth_bench_${tag.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`);
  const rootKey = 'BENCH' + randomBytes(8).toString('hex').toUpperCase();
  const rootSecret = randomBytes(20).toString('base64url');
  const config = {
    storage: {
      driver: 's3',
      s3: { endpoint: engines.s3.endpoint, region: engines.s3.region, bucket, forcePathStyle: true, accessKeyId: engines.s3.accessKeyId, secretAccessKey: engines.s3.secretAccessKey },
    },
    metadata: { driver: 'postgres', postgres: { url: databaseUrl } },
    serverSecret: randomBytes(32).toString('hex'),
    auth: {
      keyring: `k1:${randomBytes(32).toString('base64')}`,
      rootAccessKeyId: rootKey,
      rootSecretAccessKey: rootSecret,
      rateLimit: { authenticated: { BatchGetImage: { perSecond: 0, burst: 1 } } },
    },
  };
  mkdirSync(workDir, { recursive: true });
  const configFile = join(workDir, `${tag}.berth.yml`);
  writeFileSync(configFile, stringify(config), { mode: 0o600 });

  const nodes: ServerProcess[] = [];
  let proxy: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  const stop = async () => {
    await proxy?.stop();
    await Promise.all(nodes.map((n) => n.stop()));
    await deleteBucket(engines.s3, bucket);
  };
  try {
    // The first node runs the migrations; the others then start together.
    nodes.push(await startNode(configFile, join(workDir, `${tag}-node1`)));
    nodes.push(...(await Promise.all(Array.from({ length: options.nodes - 1 }, (_, i) => startNode(configFile, join(workDir, `${tag}-node${i + 2}`))))));
    proxy = await startHaproxy(
      nodes.map((n) => n.baseUrl),
      join(workDir, `${tag}.haproxy.cfg`),
      join(workDir, `${tag}.haproxy.log`),
    );
    const authorization = await login(nodes[0]!.baseUrl, rootKey, rootSecret);
    const haproxyPid = proxy.pid;
    return {
      label,
      nodes,
      proxyUrl: proxy.baseUrl,
      headers: { Authorization: authorization },
      cpuGroups: { [label]: () => nodes.map((n) => n.pid), haproxy: () => [haproxyPid] },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startNode(configFile: string, dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_BERTH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return startServer({
    label: 'Berth',
    command: process.execPath,
    args: [...nodeArgs, join(REPO_ROOT, 'bin', 'berth.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir, '--log-level', 'info'],
    env: Object.assign(
      Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('BERTH_')).map((k) => [k, undefined])),
      { BERTH_CONFIG: configFile },
    ),
    port,
    logFile: `${dataDir}.log`,
    cwd: REPO_ROOT,
    readyPath: '/healthz',
    timeoutMs: 60_000,
  });
}

/** docker login's result: `Basic base64("AWS:" + token)` from GetAuthorizationToken, good on every node. */
async function login(baseUrl: string, accessKeyId: string, secretAccessKey: string): Promise<string> {
  const client = new ECRClient({
    endpoint: baseUrl,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  });
  try {
    const out = await client.send(new GetAuthorizationTokenCommand({}));
    return `Basic ${out.authorizationData![0]!.authorizationToken!}`;
  } finally {
    client.destroy();
  }
}
