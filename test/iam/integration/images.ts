/** Pushing a small image over /v2 the way a client does (blobs first, then the manifest). */
import { randomBytes } from 'node:crypto';
import { sha256, type TestBerth } from './harness.js';

export interface PushedImage {
  name: string;
  tag: string;
  digest: string;
  layerDigest: string;
  manifest: Buffer;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A manifest over a fresh config and layer, not yet pushed. */
export function buildImage(): { config: Buffer; layer: Buffer; manifest: Buffer } {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', nonce: randomBytes(8).toString('hex') }));
  const layer = randomBytes(256);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  return { config, layer, manifest };
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
