/**
 * A full disk, for real: Berth's data on a small tmpfs. A push that runs out of space is answered
 * 507 with "storage full", what it staged is freed at once, the server keeps serving, and pushes
 * succeed again as soon as there is space, without a restart. Mounting needs root: without it the
 * tests are skipped, or fail under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, statfs, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import { requireCondition } from '../../support/conditions.js';
import { sha256 } from '../../support/digest.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { type TestServer, startServer } from '../../support/server.js';
import { descriptorOf, imageManifest, pushBlob } from './helpers.js';
import { HttpClient, type HttpResponse, relativeLocation } from './harness/http.js';
import { OciClient } from './harness/oci-client.js';
import { uploadFiles } from './storage-probe.js';

const MiB = 1024 * 1024;

interface Tmpfs {
  dir: string;
  /** Bytes still free. */
  free(): Promise<number>;
  /** Takes all but `leave` bytes of the free space with a file; returns its path. */
  fill(leave: number): Promise<string>;
}

const mounted: string[] = [];
let server: TestServer | undefined;
let http: HttpClient | undefined;

afterEach(async () => {
  http?.close();
  await server?.close();
  server = undefined;
  http = undefined;
  for (const dir of mounted.splice(0)) {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  }
});

/** A fresh tmpfs of `size` bytes, or the test is skipped (fails under CI=true) when it cannot be mounted. */
async function tmpfs(ctx: TestContext, size: number): Promise<Tmpfs> {
  requireCondition(ctx, process.getuid?.() === 0, 'mounting a tmpfs needs root; run as root (as CI does) to test a full disk');
  const dir = await mkdtemp(join(tmpdir(), 'berth-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    requireCondition(ctx, false, `mount -t tmpfs failed (${(err as Error).message.split('\n')[0]}); the container needs CAP_SYS_ADMIN`);
  }
  mounted.push(dir);
  const free = async () => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    async fill(leave) {
      const path = join(dir, `filler-${mounted.length}-${Date.now()}`);
      await writeFile(path, Buffer.alloc(Math.max(0, (await free()) - leave)));
      return path;
    },
  };
}

async function start(options: { dataDir?: string; config?: BerthConfigInput }): Promise<OciClient> {
  server = await startServer({ ...options, prefix: 'full', captureLogs: true, config: { auth: { mode: 'none' }, ...options.config } });
  const client = new HttpClient(server.url);
  http = client;
  return new OciClient(() => client, 'full/app');
}

function expectStorageFull(resp: HttpResponse): void {
  expect(resp.status, resp.body.toString()).toBe(507);
  const [error] = resp.json<{ errors: { code: string; message: string }[] }>().errors;
  expect(error!.code).toBe('UNKNOWN');
  expect(error!.message).toMatch(/^storage full: /);
}

describe('a full disk', () => {
  it('answers 507 "storage full" for a push that does not fit, frees what it staged, and recovers by itself', async (ctx) => {
    // The whole data directory (SQLite and blob storage) on a 32 MiB tmpfs.
    const disk = await tmpfs(ctx, 32 * MiB);
    const client = await start({ dataDir: disk.dir });
    await imageManifest(client);
    const filler = await disk.fill(4 * MiB);
    const free = await disk.free();

    // One request (POST ?digest=) and the way docker pushes (POST, PATCH, PUT): each runs out of space.
    const big = randomBytes(8 * MiB);
    expectStorageFull(await client.pushBlob(big));
    const started = await client.do('POST', '/v2/<name>/blobs/uploads/');
    expect(started.status).toBe(202);
    const patch = await client.http().send('PATCH', relativeLocation(started), { body: big, headers: { 'content-type': 'application/octet-stream' } });
    expectStorageFull(patch);
    // The failed session is gone with its bytes: the space it took is free again.
    expect((await client.http().send('GET', relativeLocation(started))).errorCode()).toBe('BLOB_UPLOAD_UNKNOWN');
    expect(await uploadFiles(disk.dir)).toEqual([]);
    expect(await disk.free()).toBeGreaterThanOrEqual(free - 256 * 1024);
    expect(server!.logs.records()).toContainEqual(expect.objectContaining({ msg: 'upload failed: storage full', level: 50 }));

    // Still serving, and what fits is stored at once.
    expect((await client.http().send('GET', '/v2/')).status).toBe(200);
    await pushBlob(client, randomBytes(64 * 1024));

    // Space returns: the push that did not fit succeeds, without a restart.
    await unlink(filler);
    expect((await client.pushBlob(big)).status).toBe(201);
    const { config } = await imageManifest(client, { extra: {} });
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptorOf(config), layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(big), size: big.length }] }),
    );
    expect((await client.pushManifest('v1', manifest, OCI_MANIFEST)).status).toBe(201);
    const pulled = await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: sha256(big) });
    expect(pulled.body.equals(big)).toBe(true);
  });

  it('answers 507 when the metadata database cannot grow, and recovers once it can', async (ctx) => {
    // SQLite alone on an 8 MiB tmpfs; blob storage has room.
    const disk = await tmpfs(ctx, 8 * MiB);
    const client = await start({ config: { metadata: { sqlite: { file: join(disk.dir, 'metadata.db') } } } });
    const { config, layer } = await imageManifest(client);
    const filler = await disk.fill(0);
    // A manifest of 3.5 MiB must grow the write-ahead log past anything it held before.
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: descriptorOf(config),
        layers: [descriptorOf(layer)],
        annotations: { padding: randomBytes(1750 * 1024).toString('hex') },
      }),
    );
    expectStorageFull(await client.pushManifest('big', manifest, OCI_MANIFEST));
    expect((await client.do('GET', '/v2/<name>/manifests/big')).status).toBe(404);
    expect((await client.do('GET', '/v2/<name>/blobs/<digest>', { digest: layer.digest })).status).toBe(200);

    await unlink(filler);
    expect((await client.pushManifest('big', manifest, OCI_MANIFEST)).status).toBe(201);
    expect((await client.do('GET', '/v2/<name>/manifests/big')).body.equals(manifest)).toBe(true);
  });
});
