/**
 * The /v2 requests the cluster tests make through the load balancer, one fetch each (undici keeps
 * the connection to haproxy alive; haproxy picks a node per request).
 */
import { expect } from 'vitest';
import { sha256 } from '../../support/digest.js';
import type { Blob, TestImage } from '../../support/oci.js';

/** Monolithic upload: POST ?digest= with the bytes. */
export async function pushBlobMonolithic(base: string, name: string, b: Blob): Promise<void> {
  const res = await fetch(`${base}/v2/${name}/blobs/uploads/?digest=${b.digest}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: b.content,
  });
  await expectStatus(res, 201, `monolithic upload of ${b.digest}`);
}

/** POST, one PATCH per chunk, PUT ?digest=; returns the upload's id (its Location's last part). */
export async function pushBlobChunked(base: string, name: string, chunks: Buffer[]): Promise<string> {
  const digest = sha256(Buffer.concat(chunks));
  const started = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(started, 202, 'upload start');
  let location = started.headers.get('location')!;
  const id = new URL(location, base).pathname.split('/').pop()!;
  let offset = 0;
  for (const chunk of chunks) {
    const patched = await fetch(new URL(location, base), {
      method: 'PATCH',
      headers: { 'content-type': 'application/octet-stream', 'content-range': `${offset}-${offset + chunk.length - 1}` },
      body: chunk,
    });
    await expectStatus(patched, 202, `PATCH at ${offset}`);
    offset += chunk.length;
    location = patched.headers.get('location') ?? location;
  }
  const url = new URL(location, base);
  url.searchParams.set('digest', digest);
  await expectStatus(await fetch(url, { method: 'PUT' }), 201, 'upload commit');
  return id;
}

export async function putManifest(base: string, name: string, ref: string, manifest: string, mediaType: string): Promise<Response> {
  return fetch(`${base}/v2/${name}/manifests/${ref}`, { method: 'PUT', headers: { 'content-type': mediaType }, body: manifest });
}

/** Uploads the image's blobs (monolithic) and its manifest under `tag`. */
export async function pushImage(base: string, name: string, img: TestImage, tag: string): Promise<void> {
  for (const b of img.blobs) await pushBlobMonolithic(base, name, b);
  await expectStatus(await putManifest(base, name, tag, img.manifest, img.mediaType), 201, `manifest ${name}:${tag}`);
}

/** Pulls the manifest by digest and every blob it names, checking each byte against its digest. */
export async function pullAndVerify(base: string, name: string, digest: string): Promise<void> {
  const res = await fetch(`${base}/v2/${name}/manifests/${digest}`, { headers: { accept: '*/*' } });
  await expectStatus(res, 200, `manifest ${name}@${digest}`);
  const text = Buffer.from(await res.arrayBuffer());
  expect(sha256(text)).toBe(digest);
  const manifest = JSON.parse(text.toString('utf8')) as { config: { digest: string }; layers: { digest: string; size: number }[] };
  for (const d of [manifest.config, ...manifest.layers]) {
    const blob = await fetch(`${base}/v2/${name}/blobs/${d.digest}`);
    await expectStatus(blob, 200, `blob ${d.digest} of ${name}@${digest}`);
    expect(sha256(Buffer.from(await blob.arrayBuffer())), `bytes of ${d.digest}`).toBe(d.digest);
  }
}

export async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${await res.text()}`);
}

/** What a pusher that retries saw: the failed attempts' errors. */
export interface RetriedPush {
  failures: string[];
}

/**
 * Pushes the image (blobs above 1 MiB chunked in 1 MiB PATCHes, the rest monolithic, then the
 * manifest), starting over after any failure, as docker does, until it succeeds or `attempts` run
 * out. After each failure it checks that none of the image's blobs is visible partially:
 * a blob either is unknown or serves exactly the bytes of its digest.
 */
export async function pushImageRetrying(base: string, name: string, img: TestImage, tag: string, attempts = 10): Promise<RetriedPush> {
  const failures: string[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      for (const b of img.blobs) {
        if (b.size > MiB) await pushBlobChunked(base, name, chunksOf(b.content, MiB));
        else await pushBlobMonolithic(base, name, b);
      }
      await expectStatus(await putManifest(base, name, tag, img.manifest, img.mediaType), 201, `manifest ${name}:${tag}`);
      return { failures };
    } catch (err) {
      failures.push((err as Error).message);
      if (attempt >= attempts) throw new Error(`${name}:${tag} failed ${attempts} times:\n${failures.join('\n')}`);
      await expectNoPartialBlobs(base, name, img);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Every blob of the image is unknown, or whole (its bytes hash to its digest). */
export async function expectNoPartialBlobs(base: string, name: string, img: TestImage): Promise<void> {
  for (const b of img.blobs) {
    const res = await fetch(`${base}/v2/${name}/blobs/${b.digest}`).catch(() => undefined);
    // A refused connection or a 502/503 (the node just died) says nothing about the blob: the
    // final checks pull everything again.
    if (!res || res.status >= 500) continue;
    if (res.status === 404) {
      await res.arrayBuffer();
      continue;
    }
    expect(res.status).toBe(200);
    expect(sha256(Buffer.from(await res.arrayBuffer())), `bytes served for ${b.digest}`).toBe(b.digest);
  }
}

const MiB = 1024 * 1024;

function chunksOf(content: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < content.length; at += size) chunks.push(content.subarray(at, at + size));
  return chunks;
}
