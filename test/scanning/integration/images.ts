/**
 * Test images built from the fixtures and pushed over /v2: Debian bookworm images whose one layer
 * holds the real dpkg status and os-release of three debootstrap trees, and the official Alpine
 * minirootfs tarballs (already gzip layers) as single-layer images. They are pushed with the ECR
 * harness's /v2 client (V2, re-exported here).
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { sha256 } from '../../support/digest.js';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST } from '../../support/media-types.js';
import { type Blob, blob, descriptor, indexDocument, manifestDescriptor, manifestDocument } from '../../support/oci.js';
import { tarOf, type FileSpec } from '../helpers/layers.js';
import { type ExpectedFinding, expectedDebianFindings, fixturePath } from '../helpers/vulndb.js';

export interface TestImage {
  blobs: Blob[];
  layers: Blob[];
  manifest: string;
  mediaType: string;
  digest: string;
}

/** An OCI image over gzip layers (given as bytes), with an amd64 linux config. */
export function imageOf(layers: Buffer[], label = 'test'): TestImage {
  const layerBlobs = layers.map((l) => blob(l, OCI_LAYER));
  const config = blob(
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { label } }, rootfs: { type: 'layers', diff_ids: [] } })),
    OCI_CONFIG,
  );
  const manifest = JSON.stringify(manifestDocument({ config: descriptor(config), layers: layerBlobs.map(descriptor) }));
  return { blobs: [config, ...layerBlobs], layers: layerBlobs, manifest, mediaType: OCI_MANIFEST, digest: sha256(manifest) };
}

/** An OCI index over images (already pushed). */
export function indexOf(images: TestImage[]): { manifest: string; mediaType: string; digest: string } {
  const manifest = JSON.stringify(indexDocument({ manifests: images.map((i) => manifestDescriptor(i, { platform: { architecture: 'amd64', os: 'linux' } })) }));
  return { manifest, mediaType: OCI_INDEX, digest: sha256(manifest) };
}

export type DebianTree = 'minbase' | 'minbase-patched' | 'rich';

export async function debianLayer(tree: DebianTree, extra: FileSpec[] = []): Promise<Buffer> {
  const installed = (file: string) => readFileSync(fixturePath(`vulndb/debian-bookworm/installed/${tree}.${file}`));
  return gzipSync(
    await tarOf([
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'etc/debian_version', content: installed('debian_version') },
      { name: 'usr/lib/os-release', content: installed('os-release') },
      { name: 'var/lib/dpkg/status', content: installed('status') },
      ...extra,
    ]),
  );
}

export async function debianImage(tree: DebianTree): Promise<TestImage> {
  return imageOf([await debianLayer(tree)], tree);
}

export function alpineImage(version: '3.7.3' | '3.10.3' | '3.20.3'): TestImage {
  return imageOf([readFileSync(fixturePath(`images/alpine-minirootfs-${version}.tar.gz`))], `alpine-${version}`);
}

export const expectedFindings = expectedDebianFindings() as Record<DebianTree, ExpectedFinding[]>;

export { V2 } from '../../api/ecr/operations/harness.js';
