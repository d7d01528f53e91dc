import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, startServer, type ServerProcess } from '../server-process.js';
import { requireTool } from '../tools.js';
import { createBucket, deleteBucket } from './buckets.js';
import { BENCH_REPOSITORIES, type Deployment } from './deployment.js';
import type { Engines } from './engines.js';
import { startHaproxy } from './haproxy.js';
import { TOKEN_ISSUER, TOKEN_SERVICE, registryTokenAuthority } from './registry-token.js';

/** `docker-registry --version` → "2.8.2". */
export function distributionVersion(): string {
  const out = execFileSync(requireTool('docker-registry', '/usr/bin/docker-registry'), ['--version'], { encoding: 'utf8' });
  return /\s(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? 'unknown';
}

/**
 * CNCF distribution (Debian's docker-registry) with its own `s3` storage driver on the same S3
 * server as Berth, in a bucket of its own, behind the same haproxy setup, with token auth.
 *
 * What RGW needs from the 2.8 driver: `regionendpoint` (which also turns on path-style addressing
 * in 2.8; there is no `forcepathstyle` key before 3.0), `secure: false` for plain HTTP, `v4auth`
 * (RGW accepts v2 too, but v4 is what the SDK signs by default elsewhere) and a region RGW answers
 * (us-east-1 here). The bucket must exist: 2.8 does not create it.
 *
 * `redirect.disable: true`: by default distribution answers blob GETs with a 307 to a presigned
 * S3 URL, so the registry moves no bytes; Berth's default (storage.s3.redirect false) streams
 * through the node. Disabling it makes both serve the bytes themselves, which is what the pull
 * row compares.
 */
export async function startDistributionS3(options: { engines: Engines; workDir: string; tag: string }): Promise<Deployment> {
  const binary = requireTool('docker-registry', '/usr/bin/docker-registry');
  const label = `distribution ${distributionVersion()}`;
  const { engines, workDir, tag } = options;
  mkdirSync(workDir, { recursive: true });
  const bucket = `dist-bench-${tag}-${randomBytes(4).toString('hex')}`;
  await createBucket(engines.s3, bucket);
  const authority = registryTokenAuthority(workDir);
  const port = await freePort();
  const config = {
    version: 0.1,
    log: { level: 'info', fields: { service: 'registry' } },
    storage: {
      cache: { blobdescriptor: 'inmemory' },
      s3: {
        accesskey: engines.s3.accessKeyId,
        secretkey: engines.s3.secretAccessKey,
        region: engines.s3.region,
        regionendpoint: engines.s3.endpoint,
        bucket,
        secure: false,
        v4auth: true,
        rootdirectory: '/registry',
      },
      delete: { enabled: true },
      redirect: { disable: true },
    },
    auth: { token: { realm: 'http://127.0.0.1/token', service: TOKEN_SERVICE, issuer: TOKEN_ISSUER, rootcertbundle: authority.certFile } },
    http: { addr: `127.0.0.1:${port}`, headers: { 'X-Content-Type-Options': ['nosniff'] } },
  };
  const configFile = join(workDir, `${tag}.distribution.yml`);
  writeFileSync(configFile, stringify(config), { mode: 0o600 });
  const headers = { Authorization: `Bearer ${authority.token(BENCH_REPOSITORIES)}` };

  let node: ServerProcess | undefined;
  let proxy: Awaited<ReturnType<typeof startHaproxy>> | undefined;
  const stop = async () => {
    await proxy?.stop();
    await node?.stop();
    await deleteBucket(engines.s3, bucket);
  };
  try {
    node = await startServer({
      label,
      command: binary,
      args: ['serve', configFile],
      // The registry reads REGISTRY_* variables as config overrides, and its AWS SDK reads AWS_*
      // (an AWS_CA_BUNDLE makes 2.8.2 panic: "unsupported transport"): none of them leak in.
      env: Object.fromEntries(Object.keys(process.env).filter((k) => /^(REGISTRY|AWS)_/.test(k)).map((k) => [k, undefined])),
      port,
      logFile: join(workDir, `${tag}.distribution.log`),
      readyHeaders: headers,
    });
    proxy = await startHaproxy([node.baseUrl], join(workDir, `${tag}.haproxy.cfg`), join(workDir, `${tag}.haproxy.log`));
    const pids = [node.pid];
    const haproxyPid = proxy.pid;
    return { label, nodes: [node], proxyUrl: proxy.baseUrl, headers, cpuGroups: { [label]: () => pids, haproxy: () => [haproxyPid] }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
