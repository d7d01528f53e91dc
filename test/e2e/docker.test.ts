import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, test, type TestContext } from 'vitest';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { httpFetch } from '../support/http-fetch.js';
import { removeDir, tempDir } from '../support/temp.js';
import { DOCKER_MANIFEST, OCI_MANIFEST } from '../support/media-types.js';
import { trustCaForDocker } from './harness/docker-certs.js';
import { DockerCli, dockerHost, dockerUnavailable, pushedDigest } from './harness/docker-cli.js';
import { writeScratchContext } from './harness/image-context.js';
import { addHostsAlias } from './harness/hosts-alias.js';
import { makeCertificates } from './harness/tls.js';
import { requireCondition, requireTool } from './harness/tools.js';

const MANIFEST_TYPES = [DOCKER_MANIFEST, OCI_MANIFEST].join(', ');

let cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  cleanups = [];
});

async function setUp(ctx: TestContext, name: string): Promise<{ work: string; docker: DockerCli; source: string; id: string }> {
  requireTool(ctx, 'docker');
  requireCondition(ctx, dockerHost() !== '', dockerUnavailable());
  const work = await tempDir(`e2e-${name}`);
  cleanups.push(() => removeDir(work));
  const docker = await DockerCli.create(work);
  const context = join(work, 'context');
  await writeScratchContext(context, 'Dockerfile');
  const source = `berth-e2e/${name}:${Date.now()}`;
  await docker.run(['build', '--tag', source, context]);
  cleanups.push(() => docker.attempt(['rmi', '--force', source]));
  const id = await docker.imageId(source);
  const layers = (await docker.run(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', source])).trim();
  expect(Number(layers)).toBeGreaterThanOrEqual(3);
  return { work, docker, source, id };
}

/** Push, remove locally, pull back: the image ID (its config digest) must survive the round trip. */
async function roundTrip(docker: DockerCli, source: string, id: string, reference: string): Promise<string> {
  await docker.run(['tag', source, reference]);
  const digest = pushedDigest(await docker.run(['push', reference]));
  await docker.run(['rmi', reference, source]);
  expect(await docker.exists(id)).toBe(false);

  await docker.run(['pull', reference]);
  expect(await docker.imageId(reference)).toBe(id);
  const repoDigests = await docker.run(['image', 'inspect', '--format', '{{json .RepoDigests}}', reference]);
  expect(JSON.parse(repoDigests)).toContain(`${reference.slice(0, reference.lastIndexOf(':'))}@${digest}`);
  await docker.run(['rmi', reference]);
  return digest;
}

function startedServer(server: BerthServer): BerthServer {
  cleanups.push(() => server.stop());
  return server;
}

describe('docker against berth', () => {
  test('pushes a multi-layer scratch image over HTTP and pulls it back with the same image ID', async (ctx) => {
    const { work, docker, source, id } = await setUp(ctx, 'docker-http');
    const server = startedServer(await startBerth({ dataDir: join(work, 'data') }));
    const reference = `${server.address}/e2e/docker-http:v1`;

    const digest = await roundTrip(docker, source, id, reference);

    const manifest = await httpFetch(`${server.url}/v2/e2e/docker-http/manifests/v1`, { headers: { Accept: MANIFEST_TYPES } });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(digest);
    expect(JSON.parse(manifest.body.toString()).layers).toHaveLength(3);
  });

  test('pushes and pulls over HTTPS, verifying the certificate against a CA in /etc/docker/certs.d', async (ctx) => {
    requireCondition(ctx, process.getuid?.() === 0, 'editing /etc/hosts and /etc/docker/certs.d needs root');
    const { work, docker, source, id } = await setUp(ctx, 'docker-tls');
    // dockerd treats every registry in 127.0.0.0/8 as insecure (no certificate check, HTTP fallback),
    // so Berth is reached by a name that resolves to ::1 only, which dockerd treats as secure.
    const name = `berth-e2e-${randomBytes(4).toString('hex')}.test`;
    cleanups.push(await addHostsAlias(name, '::1'));
    const certs = await makeCertificates(work, { ipAddresses: ['::1'], dnsNames: [name] });
    const server = startedServer(
      await startBerth({
        dataDir: join(work, 'data'),
        host: '::1',
        publicName: name,
        tls: { cert: certs.certFile, key: certs.keyFile, ca: certs.ca },
      }),
    );
    const reference = `${server.address}/e2e/docker-tls:v1`;
    await docker.run(['tag', source, reference]);

    // Without the CA docker must refuse the server's certificate: proof that it checks it at all.
    const untrusted = await docker.attempt(['push', reference]);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr + untrusted.stdout).toMatch(/x509|certificate/i);

    cleanups.push(await trustCaForDocker(server.address, certs.ca));
    const digest = await roundTrip(docker, source, id, reference);

    // Berth listens with TLS only, so the manifest PUT it logged arrived over HTTPS.
    const puts = server
      .logRecords()
      .filter((r) => r.msg === 'request completed' && r.method === 'PUT')
      .map((r) => r.url);
    expect(puts).toContain('/v2/e2e/docker-tls/manifests/v1');
    const manifest = await httpFetch(`${server.url}/v2/e2e/docker-tls/manifests/v1`, {
      headers: { Accept: MANIFEST_TYPES },
      ca: certs.ca,
    });
    expect(manifest.headers['docker-content-digest']).toBe(digest);
  });
});
