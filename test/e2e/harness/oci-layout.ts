import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { sha256 } from '../../support/digest.js';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER as OCI_LAYER_GZIP, OCI_MANIFEST } from '../../support/media-types.js';
import { indexDocument, manifestDocument } from '../../support/oci.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string };
  annotations?: Record<string, string>;
}

export interface MultiArchLayout {
  /** Digest of the image index the tag names. */
  indexDigest: string;
  /** The platform manifests, in index order. */
  manifests: { platform: string; digest: string; configDigest: string; layers: string[] }[];
  /** Every blob in the layout (index, manifests, configs, layers) by digest. */
  blobs: Map<string, Buffer>;
}

/**
 * Writes an OCI image layout holding a two-platform image index (linux/amd64, linux/arm64) under
 * `tag`. Both images share a base layer and each has its own layer with >1 MiB of random bytes.
 */
export async function writeMultiArchLayout(dir: string, tag: string): Promise<MultiArchLayout> {
  const blobs = new Map<string, Buffer>();
  const put = (data: Buffer, mediaType: string): Descriptor => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { mediaType, digest, size: data.length };
  };

  const base = await layer({ 'etc/os-release': Buffer.from(`NAME=berth-e2e\nID=${randomBytes(6).toString('hex')}\n`) });
  const manifests: MultiArchLayout['manifests'] = [];
  const entries: Descriptor[] = [];
  for (const architecture of ['amd64', 'arm64']) {
    const own = await layer({
      [`opt/${architecture}/payload.bin`]: randomBytes(1024 * 1024 + 4096),
      [`opt/${architecture}/README`]: Buffer.from(`built for ${architecture}\n`),
    });
    const layers = [put(base.gz, OCI_LAYER_GZIP), put(own.gz, OCI_LAYER_GZIP)];
    const config = put(
      json({
        architecture,
        os: 'linux',
        created: '2025-01-01T00:00:00Z',
        config: { Env: ['PATH=/usr/bin:/bin'], Labels: { 'org.berth.e2e': architecture } },
        rootfs: { type: 'layers', diff_ids: [base.diffId, own.diffId] },
        history: [{ created_by: 'berth e2e base' }, { created_by: `berth e2e ${architecture}` }],
      }),
      OCI_CONFIG,
    );
    const manifest = put(json(manifestDocument({ config, layers })), OCI_MANIFEST);
    entries.push({ ...manifest, platform: { architecture, os: 'linux' } });
    manifests.push({
      platform: `linux/${architecture}`,
      digest: manifest.digest,
      configDigest: config.digest,
      layers: layers.map((l) => l.digest),
    });
  }
  const index = put(
    json(indexDocument({ manifests: entries, annotations: { 'org.berth.e2e': 'multi-arch' } })),
    OCI_INDEX,
  );

  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, data] of blobs) await writeFile(join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ ...index, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { indexDigest: index.digest, manifests, blobs };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** A gzip-compressed tar layer and its diff ID (digest of the uncompressed tar). */
async function layer(files: Record<string, Buffer>): Promise<{ gz: Buffer; diffId: string }> {
  const pack = tar.pack();
  const directories = new Set<string>();
  for (const name of Object.keys(files)) {
    const parts = name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) directories.add(parts.slice(0, i).join('/'));
  }
  const mtime = new Date('2025-01-01T00:00:00Z');
  for (const name of [...directories].sort()) pack.entry({ name: `${name}/`, type: 'directory', mode: 0o755, mtime });
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const tarball = Buffer.concat(chunks);
  return { gz: gzipSync(tarball), diffId: sha256(tarball) };
}
