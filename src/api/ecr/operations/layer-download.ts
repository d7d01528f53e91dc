/** GetDownloadUrlForLayer: a URL the caller can fetch the layer from, for a limited time. */
import { isValidDigest } from '../../../domain/digest.js';
import { DomainError, invalidParameter } from '../../../domain/errors.js';
import type { RepositoryKey } from '../../../domain/reference.js';
import type { Registry } from '../../../registry/index.js';
import type { DownloadUrlSigner } from '../download/signer.js';
import { defineOperation } from '../operation.js';
import type { OperationContext } from '../operation.js';
import { repositoryKey } from './wire.js';

const DOWNLOAD_URL_TTL_SECONDS = 3600;

export interface LayerDownloadOptions {
  signer: DownloadUrlSigner;
  /** Base URL for download links (publicUrl); without it, the account's registry host. */
  publicUrl?: string;
  scheme: 'http' | 'https';
  ttlSeconds?: number;
}

export const getDownloadUrlForLayer = (registry: Registry, options: LayerDownloadOptions) =>
  defineOperation({
    name: 'GetDownloadUrlForLayer',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const digest = input.layerDigest;
      if (!isValidDigest(digest)) {
        throw invalidParameter('layerDigest', `${digest} is not a valid sha256 or sha512 digest`);
      }
      const where = `the repository with name '${key.name}' in the registry with id '${key.accountId}'`;
      if (!(await registry.images.layers(key, [digest])).has(digest)) {
        throw new DomainError('LayersNotFound', `Layer with digest '${digest}' does not exist in ${where}`);
      }
      // As ECR: only layers an image uses; unreferenced uploads may be garbage collected at any time.
      if (!(await registry.images.isLayerInUse(key, digest))) {
        throw new DomainError('LayerInaccessible', `Layer with digest '${digest}' is not referenced by any image in ${where}`);
      }
      return { downloadUrl: await downloadUrl(registry, options, ctx, key, digest), layerDigest: digest };
    },
  });

async function downloadUrl(registry: Registry, options: LayerDownloadOptions, ctx: OperationContext, key: RepositoryKey, digest: string): Promise<string> {
  const ttl = options.ttlSeconds ?? DOWNLOAD_URL_TTL_SECONDS;
  const direct = await registry.blobs.redirectURL(digest, ttl);
  if (direct) return direct;
  const path = options.signer.sign(key, digest, ttl);
  if (options.publicUrl) return new URL(path, options.publicUrl).toString();
  // The host docker reaches this account's registry at reaches this route too.
  const uri = ctx.resources.repositoryUri(key.name, key.accountId);
  return `${options.scheme}://${uri.slice(0, uri.length - key.name.length - 1)}${path}`;
}
