import { randomBytes } from 'node:crypto';
import { sha256 } from '../../support/digest.js';
import { DOCKER_CONFIG, DOCKER_LAYER, DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST } from '../../support/media-types.js';
import { indexDocument, manifestDocument } from '../../support/oci.js';

export interface Blob {
  digest: string;
  data: Buffer;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  content: Buffer;
}

/** One push: blobs first, then child manifests by digest, then the tagged manifest. */
export interface ImagePush {
  repository: string;
  tag: string;
  blobs: Blob[];
  children: Manifest[];
  manifest: Manifest;
}

const blob = (data: Buffer): Blob => ({ digest: sha256(data), data });

/** Layer bytes (random, so incompressible and unique) of a size that varies with the seed. */
function layerOfSize(size: number): Blob {
  return blob(randomBytes(size));
}

// Shared by every push of every round: exercises concurrent uploads of one digest and pushes of a
// blob the registry already holds.
const BASE_LAYER = layerOfSize(2 * 1024 * 1024 + 17);

/**
 * The pushes of one round: `pushers` images spread over four repositories. Each has the shared
 * base layer, a layer shared with the other pushes to its repository this round, and layers of
 * its own from a few bytes to several MiB. Every fourth push is a two-platform index; the others
 * alternate Docker schema 2 and OCI manifests.
 */
export function roundWorkload(round: number, pushers: number): ImagePush[] {
  const repoShared = Array.from({ length: 4 }, () => layerOfSize(300 * 1024 + Math.floor(Math.random() * 300 * 1024)));
  return Array.from({ length: pushers }, (_, i) => {
    const repository = `crash/repo-${i % 4}`;
    const layers = [
      BASE_LAYER,
      repoShared[i % 4]!,
      layerOfSize(1 + Math.floor(Math.random() * 4096)),
      layerOfSize(64 * 1024 + Math.floor(Math.random() * 512 * 1024)),
      layerOfSize(1024 * 1024 + Math.floor(Math.random() * 3 * 1024 * 1024)),
    ];
    const tag = `r${round}-p${i}`;
    if (i % 4 === 3) return indexPush(repository, tag, layers);
    const oci = i % 2 === 1;
    const config = configBlob(tag, layers.length);
    return { repository, tag, blobs: [config, ...layers], children: [], manifest: imageManifest(oci, config, layers) };
  });
}

function indexPush(repository: string, tag: string, layers: Blob[]): ImagePush {
  const configs = ['amd64', 'arm64'].map((arch) => configBlob(`${tag}-${arch}`, layers.length, arch));
  const children = configs.map((config) => imageManifest(true, config, layers));
  const index = Buffer.from(
    JSON.stringify(
      indexDocument({
        manifests: children.map((child, n) => ({
          mediaType: child.mediaType,
          digest: child.digest,
          size: child.content.length,
          platform: { architecture: n === 0 ? 'amd64' : 'arm64', os: 'linux' },
        })),
      }),
    ),
  );
  return {
    repository,
    tag,
    blobs: [...configs, ...layers],
    children,
    manifest: { digest: sha256(index), mediaType: OCI_INDEX, content: index },
  };
}

function configBlob(id: string, layers: number, architecture = 'amd64'): Blob {
  return blob(
    Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        config: { Labels: { 'org.berth.e2e.push': id } },
        rootfs: { type: 'layers', diff_ids: Array.from({ length: layers }, () => `sha256:${randomBytes(32).toString('hex')}`) },
      }),
    ),
  );
}

function imageManifest(oci: boolean, config: Blob, layers: Blob[]): Manifest {
  const mediaType = oci ? OCI_MANIFEST : DOCKER_MANIFEST;
  const content = Buffer.from(
    JSON.stringify(
      manifestDocument({
        mediaType,
        config: { mediaType: oci ? OCI_CONFIG : DOCKER_CONFIG, digest: config.digest, size: config.data.length },
        layers: layers.map((l) => ({ mediaType: oci ? OCI_LAYER : DOCKER_LAYER, digest: l.digest, size: l.data.length })),
      }),
    ),
  );
  return { digest: sha256(content), mediaType, content };
}
