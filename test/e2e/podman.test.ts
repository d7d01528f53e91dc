import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { httpFetch } from '../support/http-fetch.js';
import { removeDir, tempDir } from '../support/temp.js';
import { DOCKER_MANIFEST, OCI_MANIFEST } from '../support/media-types.js';
import { writeScratchContext } from './harness/image-context.js';
import { PodmanCli } from './harness/podman-cli.js';
import { requireTool } from './harness/tools.js';

let work: string | undefined;
let server: BerthServer | undefined;
afterEach(async () => {
  await server?.stop();
  await removeDir(work);
  server = work = undefined;
});

describe('podman against berth', () => {
  test('pushes an image built from scratch and pulls it back with the same ID and digest', async (ctx) => {
    requireTool(ctx, 'podman');
    work = await tempDir('e2e-podman');
    const podman = await PodmanCli.create(work);
    await writeScratchContext(join(work, 'context'), 'Containerfile');
    const source = 'localhost/berth-e2e/podman:src';
    await podman.run(['build', '--signature-policy', podman.policy, '--tag', source, join(work, 'context')]);
    const built = await podman.inspect(source);

    server = await startBerth({ dataDir: join(work, 'data') });
    const reference = `${server.address}/e2e/podman:v1`;
    const digestFile = join(work, 'digest');
    await podman.run(['push', '--tls-verify=false', '--signature-policy', podman.policy, '--digestfile', digestFile, source, reference]);
    const pushed = (await readFile(digestFile, 'utf8')).trim();
    expect(pushed).toMatch(/^sha256:[0-9a-f]{64}$/);

    await podman.run(['rmi', source]);
    expect((await podman.attempt(['image', 'exists', built.Id])).code).not.toBe(0);

    await podman.run(['pull', '--tls-verify=false', '--signature-policy', podman.policy, reference]);
    const pulled = await podman.inspect(reference);
    expect(pulled.Id).toBe(built.Id);
    expect(pulled.Digest).toBe(pushed);
    expect(pulled.RepoDigests).toContain(`${server.address}/e2e/podman@${pushed}`);

    const manifest = await httpFetch(`${server.url}/v2/e2e/podman/manifests/v1`, {
      method: 'HEAD',
      headers: { Accept: `${OCI_MANIFEST}, ${DOCKER_MANIFEST}` },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(pushed);
  });
});
