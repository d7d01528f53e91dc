/**
 * Mounts the ECR control plane on the app's listener: the AWS JSON 1.1 endpoint (POST /) with the
 * registry operations, and the route that serves GetDownloadUrlForLayer's signed URLs.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { registryHostTemplateFor } from '../../config/addressing.js';
import type { BerthConfig } from '../../config/schema.js';
import { loadServerSecret } from '../../config/server-secret.js';
import type { Registry } from '../../registry/index.js';
import { layerDownloadRoute } from './download/route.js';
import { DownloadUrlSigner } from './download/signer.js';
import type { AnyOperationDefinition } from './operation.js';
import { type ImageScanSummaries, registryOperations } from './operations/index.js';
import { ecrApiPlugin, type EcrApiPluginOptions } from './plugin.js';

export type EcrAuthenticate = EcrApiPluginOptions['authenticate'];
export type EcrAuthorize = EcrApiPluginOptions['authorize'];

export interface EcrMountOptions {
  config: Readonly<BerthConfig>;
  registry: Registry;
  /** Who is calling (SigV4, from the IAM module; in auth.mode none, the default account's root). */
  authenticate: EcrAuthenticate;
  /** Whether the caller may make the call (the IAM module's Authorizer). */
  authorize: EcrAuthorize;
  /** Operations other modules serve (GetAuthorizationToken, policies, lifecycle, scanning, ...). */
  operations?: readonly AnyOperationDefinition[];
  scanSummaries?: ImageScanSummaries;
}

export async function mountEcrApi(server: FastifyInstance, options: EcrMountOptions): Promise<void> {
  const { config, registry } = options;
  const secret = loadServerSecret(config);
  const signer = new DownloadUrlSigner(secret.derive('ecr-layer-download'));
  await server.register(layerDownloadRoute, { registry, signer });
  await server.register(ecrApiPlugin, {
    operations: [
      ...registryOperations({
        registry,
        download: { signer, publicUrl: config.publicUrl, scheme: config.tls ? 'https' : 'http' },
        scanSummaries: options.scanSummaries,
      }),
      ...(options.operations ?? []),
    ],
    authenticate: options.authenticate,
    authorize: options.authorize,
    region: config.region,
    // Resolved per request: the listen port is known only once the server listens (port 0 in tests).
    registryHostTemplate: () => registryHostTemplateFor(config, boundAddress(server)),
    paginationSecret: secret.derive('ecr-page-token'),
  });
}

function boundAddress(server: FastifyInstance): AddressInfo | undefined {
  const address = server.server.listening ? server.server.address() : null;
  return address && typeof address === 'object' ? address : undefined;
}
