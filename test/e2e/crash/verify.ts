import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../../support/digest.js';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../../support/media-types.js';
import type { HttpClient } from './http-client.js';
import type { ImagePush } from './images.js';
import type { Ledger } from './ledger.js';
import type { Pusher } from './pusher.js';

const ACCEPT = { Accept: [DOCKER_MANIFEST, OCI_MANIFEST, OCI_INDEX].join(', ') };

/** Everything the registry acknowledged before the crash is still there, as acknowledged. */
export async function checkAcknowledged(client: HttpClient, ledger: Ledger): Promise<string[]> {
  const problems: string[] = [];
  for (const { repository, digest, size } of ledger.blobs.values()) {
    const head = await client.send('HEAD', `/v2/${repository}/blobs/${digest}`);
    if (head.status !== 200 || Number(head.headers['content-length']) !== size) {
      problems.push(`acknowledged blob ${repository}@${digest}: HEAD gave ${head.status}, ${head.headers['content-length']} bytes (want ${size})`);
    }
  }
  for (const { repository, tag, digest } of ledger.manifests.values()) {
    const get = await client.send('GET', `/v2/${repository}/manifests/${tag}`, { headers: ACCEPT });
    if (get.status !== 200 || get.headers['docker-content-digest'] !== digest || sha256(get.body) !== digest) {
      problems.push(`acknowledged manifest ${repository}:${tag}: GET gave ${get.status} ${get.headers['docker-content-digest']} (want ${digest})`);
    }
  }
  return problems;
}

/**
 * Each upload the client had open when the server died either resumes — its status reports
 * exactly the bytes staged on disk, at least every acknowledged byte, and sending the rest
 * completes it with the right digest — or is gone (404).
 */
export async function resumeUnfinished(
  client: HttpClient,
  pusher: Pusher,
  ledger: Ledger,
  dataDir: string,
): Promise<{ resumed: number; gone: number; problems: string[] }> {
  const problems: string[] = [];
  let resumed = 0;
  let gone = 0;
  for (const upload of ledger.unfinished()) {
    const where = `upload ${upload.location} of ${upload.blob.digest} (${upload.blob.data.length} bytes, ${upload.acknowledged} acknowledged)`;
    const status = await client.send('GET', upload.location);
    if (status.status === 404) {
      gone++;
      continue;
    }
    if (status.status !== 204) {
      problems.push(`${where}: status gave ${status.status} ${status.body.toString().slice(0, 200)}`);
      continue;
    }
    const id = new URL(upload.location, client.base).pathname.split('/').pop()!;
    const staged = (await stat(join(dataDir, 'storage', 'uploads', id, 'data')).catch(() => undefined))?.size;
    if (staged === undefined) {
      problems.push(`${where}: status says it exists but nothing is staged on disk`);
      continue;
    }
    if (status.headers.range !== `0-${Math.max(0, staged - 1)}`) {
      problems.push(`${where}: status reports Range ${status.headers.range} but ${staged} bytes are staged on disk`);
      continue;
    }
    if (staged < upload.acknowledged || staged > upload.blob.data.length) {
      problems.push(`${where}: ${staged} bytes staged, outside [acknowledged, size]`);
      continue;
    }
    upload.location = String(status.headers.location ?? upload.location);
    upload.acknowledged = staged;
    try {
      if (staged < upload.blob.data.length) await pusher.patch(upload, upload.blob.data.subarray(staged), true);
      await pusher.complete(upload);
      resumed++;
    } catch (err) {
      problems.push(`${where}: resuming from ${staged} failed: ${(err as Error).message}`);
    }
  }
  return { resumed, gone, problems };
}

/** Pulls every image by tag and every blob it needs, checking each digest. */
export async function verifyPulls(client: HttpClient, images: ImagePush[]): Promise<string[]> {
  const problems: string[] = [];
  for (const image of images) {
    const manifest = await client.send('GET', `/v2/${image.repository}/manifests/${image.tag}`, { headers: ACCEPT });
    if (manifest.status !== 200 || sha256(manifest.body) !== image.manifest.digest) {
      problems.push(`pull ${image.repository}:${image.tag}: ${manifest.status}, digest ${sha256(manifest.body)} (want ${image.manifest.digest})`);
    }
    for (const child of image.children) {
      const got = await client.send('GET', `/v2/${image.repository}/manifests/${child.digest}`, { headers: ACCEPT });
      if (got.status !== 200 || sha256(got.body) !== child.digest) problems.push(`pull ${image.repository}@${child.digest}: ${got.status}`);
    }
    for (const blob of image.blobs) {
      const got = await client.send('GET', `/v2/${image.repository}/blobs/${blob.digest}`);
      if (got.status !== 200 || sha256(got.body) !== blob.digest) {
        problems.push(`pull blob ${image.repository}@${blob.digest}: ${got.status}, ${got.body.length} bytes`);
      }
    }
  }
  return problems;
}
