import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BerthServer, startBerth } from '../support/berth-process.js';
import { removeDir, tempDir } from '../support/temp.js';
import { sha256 } from '../support/digest.js';
import { OCI_INDEX } from '../support/media-types.js';
import { type MultiArchLayout, writeMultiArchLayout } from './harness/oci-layout.js';
import { SkopeoCli } from './harness/skopeo-cli.js';
import { findTool, requireTool } from './harness/tools.js';

// beforeAll copies the layout in with `skopeo copy --all`; each test looks at the result another way.
describe('skopeo against berth', () => {
  let work: string;
  let server: BerthServer;
  let skopeo: SkopeoCli;
  let layout: MultiArchLayout;
  let remote: string;

  beforeAll(async () => {
    if (!findTool('skopeo')) return;
    work = await tempDir('e2e-skopeo');
    skopeo = await SkopeoCli.create(work);
    layout = await writeMultiArchLayout(join(work, 'source'), 'v1');
    server = await startBerth({ dataDir: join(work, 'data') });
    remote = `docker://${server.address}/e2e/multiarch:v1`;
    await skopeo.run(['copy', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${join(work, 'source')}:v1`, remote]);
  });

  afterAll(async () => {
    await server?.stop();
    await removeDir(work);
  });

  test('copies a multi-arch OCI index with --all into berth and back out, byte for byte', async (ctx) => {
    requireTool(ctx, 'skopeo');
    await skopeo.run(['copy', '--all', '--preserve-digests', '--src-tls-verify=false', remote, `oci:${join(work, 'copy')}:v1`]);

    const index = JSON.parse(await readFile(join(work, 'copy', 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    const tagged = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'v1');
    expect(tagged?.digest).toBe(layout.indexDigest);

    const blobDir = join(work, 'copy', 'blobs', 'sha256');
    const copied = new Map<string, Buffer>();
    for (const name of await readdir(blobDir)) copied.set(`sha256:${name}`, await readFile(join(blobDir, name)));
    expect([...copied.keys()].sort()).toEqual([...layout.blobs.keys()].sort());
    for (const [digest, data] of copied) {
      expect(sha256(data)).toBe(digest);
      expect(data.equals(layout.blobs.get(digest)!)).toBe(true);
    }
  });

  test('skopeo inspect --raw returns the index exactly as pushed', async (ctx) => {
    requireTool(ctx, 'skopeo');
    const raw = Buffer.from(await skopeo.run(['inspect', '--raw', '--tls-verify=false', remote]));
    expect(sha256(raw)).toBe(layout.indexDigest);
    const index = JSON.parse(raw.toString()) as { mediaType: string; manifests: { digest: string; platform: { architecture: string } }[] };
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests.map((m) => [m.platform.architecture, m.digest])).toEqual(
      layout.manifests.map((m) => [m.platform.split('/')[1], m.digest]),
    );
  });

  test('skopeo inspect resolves each platform of the index to its own image', async (ctx) => {
    requireTool(ctx, 'skopeo');
    for (const manifest of layout.manifests) {
      const architecture = manifest.platform.split('/')[1]!;
      const info = JSON.parse(
        await skopeo.run(['--override-os', 'linux', '--override-arch', architecture, 'inspect', '--tls-verify=false', remote]),
      ) as { Architecture: string; Os: string; Layers: string[]; Labels: Record<string, string> };
      expect(info.Architecture).toBe(architecture);
      expect(info.Os).toBe('linux');
      expect(info.Layers).toEqual(manifest.layers);
      expect(info.Labels['org.berth.e2e']).toBe(architecture);
    }
  });
});
