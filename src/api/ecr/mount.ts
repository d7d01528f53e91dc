/**
 * Mounts the ECR control plane on the app's listener: the AWS JSON 1.1 endpoint (POST /) with the
 * registry operations, and the route that serves GetDownloadUrlForLayer's signed URLs.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from '../../registry/index.js';
import { layerDownloadRoute } from './download/route.js';
import { DownloadUrlSigner } from './download/signer.js';
import type { AnyOperationDefinition } from './operation.js';
import { type ImageScanSummaries, registryOperations } from './operations/index.js';
import { ecrApiPlugin, type EcrApiPluginOptions } from './plugin.js';

export type EcrAuthenticate = EcrApiPluginOptions['authenticate'];
export type EcrAuthorize = EcrApiPluginOptions['authorize'];

export interface EcrMountOptions {
  registry: Registry;
  /** The deployment's region, used in ARNs and registry hosts. */
  region: string;
  /**
   * The registry host template for repository URIs, given the address the server listens on
   * (asked per request: the port is known only once it listens, port 0 in tests).
   */
  registryHostTemplate: (bound: AddressInfo | undefined) => string;
  /** Base URL of signed layer download links (publicUrl); without it, the account's registry host. */
  publicUrl?: string;
  /** The scheme clients reach the registry by (download links without publicUrl). */
  scheme: 'http' | 'https';
  /** The server secret: a key per purpose (pagination tokens, download URLs), the same on every node. */
  deriveSecret: (purpose: string) => Buffer;
  /** Who is calling (SigV4, from the IAM module; in auth.mode none, the default account's root). */
  authenticate: EcrAuthenticate;
  /** Whether the caller may make the call (the IAM module's Authorizer). */
  authorize: EcrAuthorize;
  /** Operations other modules serve (GetAuthorizationToken, policies, lifecycle, scanning, ...). */
  operations?: readonly AnyOperationDefinition[];
  scanSummaries?: ImageScanSummaries;
}

export async function mountEcrApi(server: FastifyInstance, options: EcrMountOptions): Promise<void> {
  const { registry } = options;
  const signer = new DownloadUrlSigner(options.deriveSecret('ecr-layer-download'));
  await server.register(layerDownloadRoute, { registry, signer });
  await server.register(ecrApiPlugin, {
    operations: [
      ...registryOperations({
        registry,
        download: { signer, publicUrl: options.publicUrl, scheme: options.scheme },
        scanSummaries: options.scanSummaries,
      }),
      ...(options.operations ?? []),
    ],
    authenticate: options.authenticate,
    authorize: options.authorize,
    region: options.region,
    registryHostTemplate: () => options.registryHostTemplate(boundAddress(server)),
    paginationSecret: options.deriveSecret('ecr-page-token'),
  });
}

function boundAddress(server: FastifyInstance): AddressInfo | undefined {
  const address = server.server.listening ? server.server.address() : null;
  return address && typeof address === 'object' ? address : undefined;
}
