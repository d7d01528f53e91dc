/**
 * Mounts the ECR control plane on the app's listener: the AWS JSON 1.1 endpoint (POST /) with the
 * operations the app's modules serve (the registry module's, with GetDownloadUrlForLayer whose
 * route it mounts itself; access, lifecycle, scanning).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { AnyOperationDefinition } from './operation.js';
import { ecrApiPlugin, type EcrApiPluginOptions } from './plugin.js';

export type EcrAuthenticate = EcrApiPluginOptions['authenticate'];
export type EcrAuthorize = EcrApiPluginOptions['authorize'];

export interface EcrMountOptions {
  /** The deployment's region, used in ARNs and registry hosts. */
  region: string;
  /**
   * The registry host template for repository URIs, given the address the server listens on and
   * the request's Host header (asked per request: the port is known only once it listens, port 0
   * in tests; without publicUrl, URIs name the host the client dialled).
   */
  registryHostTemplate: (bound: AddressInfo | undefined, requestHost: string | undefined) => string;
  /** The server secret: a key per purpose (here, pagination tokens), the same on every node. */
  deriveSecret: (purpose: string) => Buffer;
  /**
   * How request bodies are read: the pace they must keep after a grace period, and the bytes held
   * at once by bodies their signature still depends on (plugin defaults when absent).
   */
  bodies?: { graceSeconds: number; minBytesPerSecond: number; maxUnverifiedBytes: number };
  /** Who is calling (SigV4, from the IAM module; in auth.mode none, the default account's root). */
  authenticate: EcrAuthenticate;
  /** Whether the caller may make the call (the IAM module's Authorizer). */
  authorize: EcrAuthorize;
  /** Every operation served; each module contributes its own. */
  operations: readonly AnyOperationDefinition[];
}

export async function mountEcrApi(server: FastifyInstance, options: EcrMountOptions): Promise<void> {
  await server.register(ecrApiPlugin, {
    operations: options.operations,
    authenticate: options.authenticate,
    authorize: options.authorize,
    ...(options.bodies && {
      bodyPace: { graceMs: options.bodies.graceSeconds * 1000, minBytesPerSecond: options.bodies.minBytesPerSecond },
      unverifiedBodyBytes: options.bodies.maxUnverifiedBytes,
    }),
    region: options.region,
    registryHostTemplate: (request) => options.registryHostTemplate(boundAddress(server), request.host),
    paginationSecret: options.deriveSecret('ecr-page-token'),
  });
}

function boundAddress(server: FastifyInstance): AddressInfo | undefined {
  const address = server.server.listening ? server.server.address() : null;
  return address && typeof address === 'object' ? address : undefined;
}
