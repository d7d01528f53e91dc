/**
 * One Berth per test file, listening on a random port, driven by @aws-sdk/client-ecr with the
 * default account's root credentials (real SigV4) and by plain fetch on /v2 (open access, so the
 * /v2 side addresses the default account).
 */
import { randomUUID } from 'node:crypto';
import { ECRClient, ECRServiceException } from '@aws-sdk/client-ecr';
import { openAccess } from '../../../../src/api/oci/access.js';
import type { BerthApp } from '../../../../src/app.js';
import type { BerthConfigInput } from '../../../../src/config/schema.js';
import { DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST } from '../../../support/media-types.js';
import type { Blob } from '../../../support/oci.js';
import { type TestServer, type TestServerOptions, startServer, useStarted } from '../../../support/server.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const ROOT_KEY_ID = 'AKIAECROPSTEST000001';
export const ROOT_SECRET = 'ecr-operations-test-secret-0123456789abcd';

export interface RootKey {
  keyId: string;
  secret: string;
}

/**
 * How the ECR-driven tests run Berth: the default account and region fixed, its root's keys
 * known, /v2 open to all (as the default account).
 */
export function ecrServerOptions(options: TestServerOptions & { root?: RootKey } = {}): TestServerOptions {
  const { root = { keyId: ROOT_KEY_ID, secret: ROOT_SECRET }, config = {}, build = {}, ...rest } = options;
  return {
    prefix: 'ecr',
    ...rest,
    config: { accountId: ACCOUNT, region: REGION, ...config, auth: { rootAccessKeyId: root.keyId, rootSecretAccessKey: root.secret, ...config.auth } },
    build: { access: openAccess(ACCOUNT), ...build },
  };
}

/** An ECR client signing as the default account's root, with no retries (tests want the first answer). */
export function rootEcrClient(url: string, root: RootKey = { keyId: ROOT_KEY_ID, secret: ROOT_SECRET }): ECRClient {
  return new ECRClient({ endpoint: url, region: REGION, credentials: { accessKeyId: root.keyId, secretAccessKey: root.secret }, maxAttempts: 1 });
}

export interface Berth {
  app: BerthApp;
  /** http://127.0.0.1:<port> */
  url: string;
  ecr: ECRClient;
}

/** A started server with an ECR client signing as root; closing closes both. */
export async function startEcrBerth(options: TestServerOptions & { root?: RootKey } = {}): Promise<Berth & { server: TestServer; close(): Promise<void> }> {
  const server = await startServer(ecrServerOptions(options));
  const ecr = rootEcrClient(server.url, options.root);
  return {
    server,
    app: server.app,
    url: server.url,
    ecr,
    async close() {
      ecr.destroy();
      await server.close();
    },
  };
}

export function useBerth(config: BerthConfigInput = {}): () => Berth {
  return useStarted(() => startEcrBerth({ config }));
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

export const uniqueName = (prefix = 'ecr'): string => `${prefix}/${randomUUID().slice(0, 8)}`;

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
