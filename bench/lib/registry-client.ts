import { createHash } from 'node:crypto';

/** The Accept header docker (moby 24–27) sends when pulling by tag. */
export const DOCKER_MANIFEST_ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
  'application/json',
].join(', ');

export function sha256(content: Buffer | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** Every request here is small: one that takes a minute is a hang, and the run should stop. */
function timeout(): AbortSignal {
  return AbortSignal.timeout(60_000);
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
}

/** POST /v2/<repo>/blobs/uploads/ and the absolute URL to PUT the bytes to, `digest` already appended. */
export async function startUpload(baseUrl: string, repo: string, digest: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${baseUrl}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers, signal: timeout() });
  await response.arrayBuffer();
  await expectStatus(response, 202, `starting an upload to ${repo}`);
  const location = response.headers.get('location');
  if (!location) throw new Error('upload start answered without a Location header');
  const url = new URL(location, baseUrl);
  url.searchParams.set('digest', digest);
  return url.toString();
}

/** Uploads a small blob (POST, then PUT with the whole body) — the same two requests the timed push makes. */
export async function pushSmallBlob(baseUrl: string, repo: string, content: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const digest = sha256(content);
  const url = await startUpload(baseUrl, repo, digest, headers);
  const response = await fetch(url, {
    method: 'PUT',
    body: content,
    headers: { ...headers, 'Content-Type': 'application/octet-stream' },
    signal: timeout(),
  });
  await response.arrayBuffer();
  await expectStatus(response, 201, `uploading blob ${digest}`);
  return digest;
}

/**
 * Pushes a one-layer Docker image (config, layer, schema2 manifest) under `tag`; returns the manifest
 * digest. `headers` go on every request (credentials for a registry that checks them).
 */
export async function pushSmallImage(baseUrl: string, repo: string, tag: string, headers: Record<string, string> = {}): Promise<string> {
  const layer = Buffer.alloc(32 * 1024, 7);
  const layerDigest = await pushSmallBlob(baseUrl, repo, layer, headers);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
    }),
  );
  const configDigest = await pushSmallBlob(baseUrl, repo, config, headers);
  const mediaType = 'application/vnd.docker.distribution.manifest.v2+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: layerDigest }],
    }),
  );
  const response = await fetch(`${baseUrl}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { ...headers, 'Content-Type': mediaType },
    signal: timeout(),
  });
  await response.arrayBuffer();
  await expectStatus(response, 201, `pushing manifest ${repo}:${tag}`);

  // Check the GET the load test will repeat returns this manifest, so wrk measures real answers.
  const check = await fetch(`${baseUrl}/v2/${repo}/manifests/${tag}`, { headers: { ...headers, Accept: DOCKER_MANIFEST_ACCEPT }, signal: timeout() });
  const body = Buffer.from(await check.arrayBuffer());
  await expectStatus(check, 200, `fetching manifest ${repo}:${tag}`);
  if (!body.equals(manifest)) throw new Error(`GET ${repo}:${tag} returned different bytes than were pushed`);
  return sha256(manifest);
}
