/** Shared set-up for the focused /v2 tests: one registry per file, a client, and small builders. */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { BuildOptions } from '../../../src/app.js';
import type { BerthConfigInput } from '../../../src/config/schema.js';
import { sha256 } from '../../support/digest.js';
import { OCI_CONFIG, OCI_LAYER } from '../../support/media-types.js';
import { configBlob, manifestDocument } from '../../support/oci.js';
import { OciClient } from './harness/oci-client.js';
import { type RunningRegistry, startRegistry } from './harness/registry.js';

/** Starts a registry for the file's tests and returns accessors that stay valid across restarts. */
export function useRegistry(overrides: BerthConfigInput = {}, options: BuildOptions = {}) {
  let registry: RunningRegistry | undefined;
  beforeAll(async () => {
    registry = await startRegistry(overrides, options);
  });
  afterAll(async () => {
    await registry?.stop();
  });
  const current = () => {
    if (!registry) throw new Error('registry not started');
    return registry;
  };
  return {
    registry: current,
    /** A client for a fresh repository name, so tests in one file do not see each other's data. */
    client: (name = `test/${randomUUID().slice(0, 8)}`) => new OciClient(() => current().http, name),
  };
}

export interface Pushed {
  digest: string;
  content: Buffer;
  size: number;
  mediaType: string;
}

export function descriptorOf(p: Pushed): { mediaType: string; digest: string; size: number } {
  return { mediaType: p.mediaType, digest: p.digest, size: p.size };
}

/** Uploads a blob (POST then PUT) and fails the test unless it is created. */
export async function pushBlob(client: OciClient, content: Buffer = randomBytes(64), mediaType = OCI_LAYER): Promise<Pushed> {
  const resp = await client.pushBlob(content);
  if (resp.status !== 201) throw new Error(`blob push answered ${resp.status}: ${resp.body.toString()}`);
  return { digest: sha256(content), content, size: content.length, mediaType };
}

/** An image manifest over a freshly pushed config and layer (pushed unless `push` is false). */
export async function imageManifest(
  client: OciClient,
  options: { mediaType?: string; configType?: string; layerType?: string; extra?: Record<string, unknown> } = {},
): Promise<{ content: Buffer; digest: string; config: Pushed; layer: Pushed }> {
  const config = await pushBlob(client, configBlob().content, options.configType ?? OCI_CONFIG);
  const layer = await pushBlob(client, randomBytes(128), options.layerType ?? OCI_LAYER);
  const content = Buffer.from(
    JSON.stringify(manifestDocument({ mediaType: options.mediaType, config: descriptorOf(config), layers: [descriptorOf(layer)], ...options.extra })),
  );
  return { content, digest: sha256(content), config, layer };
}
