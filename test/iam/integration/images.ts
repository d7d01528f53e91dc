/** Pushing a small image over /v2 the way a client does (blobs first, then the manifest). */
import { randomBytes } from 'node:crypto';
import { sha256 } from '../../support/digest.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { blob, image } from '../../support/oci.js';
import type { TestBerth } from './harness.js';

export interface PushedImage {
  name: string;
  tag: string;
  digest: string;
  layerDigest: string;
  manifest: Buffer;
}

/** A manifest over a fresh config and layer, not yet pushed. */
export function buildImage(): { config: Buffer; layer: Buffer; manifest: Buffer } {
  const built = image({ layers: [blob(randomBytes(256))] });
  return { config: built.config.content, layer: built.layers[0]!.content, manifest: Buffer.from(built.manifest) };
}

/** Pushes an image; fails the test unless every step succeeds. */
export async function pushImage(berth: TestBerth, auth: string, name: string, tag = 'v1', host?: string): Promise<PushedImage> {
  const { config, layer, manifest } = buildImage();
  for (const blob of [config, layer]) {
    const res = await berth.v2('POST', `/v2/${name}/blobs/uploads/?digest=${sha256(blob)}`, { auth, body: blob, ...(host ? { host } : {}) });
    if (res.status !== 201) throw new Error(`blob push answered ${res.status}: ${res.body.toString()}`);
  }
  const res = await berth.v2('PUT', `/v2/${name}/manifests/${tag}`, {
    auth,
    body: manifest,
    headers: { 'content-type': OCI_MANIFEST },
    ...(host ? { host } : {}),
  });
  if (res.status !== 201) throw new Error(`manifest push answered ${res.status}: ${res.body.toString()}`);
  return { name, tag, digest: sha256(manifest), layerDigest: sha256(layer), manifest };
}
