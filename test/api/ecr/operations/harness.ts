/**
 * One Berth per test file, listening on a random port, driven by @aws-sdk/client-ecr with the
 * default account's root credentials (real SigV4) and by plain fetch on /v2 (open access, so the
 * /v2 side addresses the default account).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ECRClient, ECRServiceException } from '@aws-sdk/client-ecr';
import { openAccess } from '../../../../src/api/oci/access.js';
import { type BerthApp, buildApp } from '../../../../src/app.js';
import { loadConfig } from '../../../../src/config/load.js';
import type { BerthConfigInput } from '../../../../src/config/schema.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const ROOT_KEY_ID = 'AKIAECROPSTEST000001';
export const ROOT_SECRET = 'ecr-operations-test-secret-0123456789abcd';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

/** The configuration in-process integration tests run Berth with: silent, no fsync, known root keys. */
export function testConfig(dataDir: string, overrides: BerthConfigInput = {}, root = { keyId: ROOT_KEY_ID, secret: ROOT_SECRET }) {
  return loadConfig({
    overrides: {
      dataDir,
      accountId: ACCOUNT,
      region: REGION,
      log: { level: 'silent' },
      storage: { filesystem: { fsync: false } },
      auth: { rootAccessKeyId: root.keyId, rootSecretAccessKey: root.secret },
      ...overrides,
    },
  });
}

/** An ECR client signing as the default account's root, with no retries (tests want the first answer). */
export function rootEcrClient(url: string, root = { keyId: ROOT_KEY_ID, secret: ROOT_SECRET }): ECRClient {
  return new ECRClient({ endpoint: url, region: REGION, credentials: { accessKeyId: root.keyId, secretAccessKey: root.secret }, maxAttempts: 1 });
}

export interface Berth {
  app: BerthApp;
  /** http://127.0.0.1:<port> */
  url: string;
  ecr: ECRClient;
}

export function useBerth(overrides: BerthConfigInput = {}): () => Berth {
  return useServer('berth-ecr-ops-', async (dataDir) => {
    const app = await buildApp(testConfig(dataDir, overrides), { access: openAccess(ACCOUNT) });
    const url = await app.server.listen({ port: 0, host: '127.0.0.1' });
    return { app, url, ecr: rootEcrClient(url) };
  });
}

/**
 * One server for a test file: `start` builds it in a fresh data directory before the file's tests
 * (beforeAll); afterwards (afterAll) its client and app are closed and the directory removed.
 */
export function useServer<T extends { app: BerthApp; ecr: ECRClient }>(prefix: string, start: (dataDir: string) => Promise<T>): () => T {
  let server: T | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), prefix));
    server = await start(dataDir);
  });
  afterAll(async () => {
    server?.ecr.destroy();
    await server?.app.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!server) throw new Error('berth not started');
    return server;
  };
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** An SDK client signed by the root of another account, created for the purpose. */
export async function accountClient(berth: Berth, accountId: string): Promise<ECRClient> {
  await berth.app.iam.identities.ensureAccount(accountId);
  const key = await berth.app.iam.identities.createAccessKey(accountId, undefined);
  return new ECRClient({
    endpoint: berth.url,
    region: REGION,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    maxAttempts: 1,
  });
}

/** The SDK exception a call failed with (fails the test when the call succeeds). */
export async function rejection(promise: Promise<unknown>): Promise<ECRServiceException> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ECRServiceException) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;
export const uniqueName = (prefix = 'ecr'): string => `${prefix}/${randomUUID().slice(0, 8)}`;

export interface Blob {
  content: Buffer;
  digest: string;
  size: number;
  mediaType: string;
}

export function blob(content: Buffer = randomBytes(100), mediaType = OCI_LAYER): Blob {
  return { content, digest: sha256(content), size: content.length, mediaType };
}

export const descriptor = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });

/** An image manifest over a fresh config and layer (not yet uploaded anywhere). */
export function image(options: { mediaType?: string; layers?: Blob[]; config?: Blob; extra?: Record<string, unknown> } = {}) {
  const config = options.config ?? blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', id: randomUUID() })), OCI_CONFIG);
  const layers = options.layers ?? [blob()];
  const mediaType = options.mediaType ?? OCI_MANIFEST;
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType, config: descriptor(config), layers: layers.map(descriptor), ...options.extra });
  return { config, layers, blobs: [config, ...layers], manifest, mediaType, digest: sha256(manifest), size: config.size + layers.reduce((n, l) => n + l.size, 0) };
}

/** A minimal /v2 client, as docker would use it, against a registry host (host:port). */
export class V2 {
  constructor(private readonly base: string) {}

  /** From a repositoryUri (`host:port/name`): the /v2 client for its host. */
  static forUri(uri: string): { v2: V2; name: string } {
    const slash = uri.indexOf('/');
    return { v2: new V2(`http://${uri.slice(0, slash)}`), name: uri.slice(slash + 1) };
  }

  async pushBlob(name: string, b: Blob): Promise<void> {
    const response = await fetch(`${this.base}/v2/${name}/blobs/uploads/?digest=${b.digest}`, {
      method: 'POST',
      body: b.content,
      headers: { 'content-type': 'application/octet-stream' },
    });
    if (response.status !== 201) throw new Error(`blob push answered ${response.status}: ${await response.text()}`);
  }

  async putManifest(name: string, reference: string, manifest: string, mediaType: string): Promise<Response> {
    return fetch(`${this.base}/v2/${name}/manifests/${reference}`, { method: 'PUT', body: manifest, headers: { 'content-type': mediaType } });
  }

  /** Pushes an image's blobs (none for an index of pushed images) and its manifest; fails unless the manifest is created. */
  async pushImage(name: string, reference: string, img: { blobs: Blob[]; manifest: string; mediaType: string }): Promise<void> {
    for (const b of img.blobs) await this.pushBlob(name, b);
    const response = await this.putManifest(name, reference, img.manifest, img.mediaType);
    if (response.status !== 201) throw new Error(`manifest push answered ${response.status}: ${await response.text()}`);
  }

  async getManifest(name: string, reference: string, accept = `${OCI_MANIFEST}, ${OCI_INDEX}, ${DOCKER_MANIFEST}`): Promise<Response> {
    return fetch(`${this.base}/v2/${name}/manifests/${reference}`, { headers: { accept } });
  }

  async getBlob(name: string, digest: string): Promise<Response> {
    return fetch(`${this.base}/v2/${name}/blobs/${digest}`);
  }
}

export const v2Of = (berth: Berth): V2 => new V2(berth.url);
