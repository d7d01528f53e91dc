/**
 * GET/HEAD /ecr-download/<account>/<repository>/blobs/<digest>?expires=&signature=: streams a
 * layer to whoever holds a URL GetDownloadUrlForLayer signed, with the same Range support as
 * /v2 blob GETs. The signature is the authorization; no credentials are needed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError } from '../../../domain/errors.js';
import type { Registry } from '../../../registry/index.js';
import { sendBlob } from '../../http/blob-response.js';
import { decodePercent } from '../../http/percent.js';
import { DOWNLOAD_PREFIX, type DownloadUrlSigner } from './signer.js';

const READ_FAILURE = { status: 500, body: { code: 'InternalError', message: 'reading the layer failed' } };

const PATH = /^\/ecr-download\/(\d{12})\/(.+)\/blobs\/([^/]+)$/;

export interface LayerDownloadRouteOptions {
  registry: Registry;
  signer: DownloadUrlSigner;
}

export async function layerDownloadRoute(app: FastifyInstance, options: LayerDownloadRouteOptions): Promise<void> {
  app.route({
    method: ['GET', 'HEAD'],
    url: `${DOWNLOAD_PREFIX}*`,
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      await serve(request, reply, options);
      return reply;
    },
  });
}

async function serve(request: FastifyRequest, reply: FastifyReply, { registry, signer }: LayerDownloadRouteOptions): Promise<void> {
  const url = new URL(request.raw.url ?? '/', 'http://local');
  const match = PATH.exec(decodePercent(url.pathname) ?? '');
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('signature') ?? '';
  if (!match || !Number.isSafeInteger(expires)) return fail(reply, 404, 'NoSuchKey', 'not a layer download URL');
  const key = { accountId: match[1]!, name: match[2]! };
  const digest = match[3]!;
  const verdict = signer.check({ key, digest, expires }, signature);
  if (verdict !== 'valid') {
    return fail(reply, 403, 'AccessDenied', verdict === 'expired' ? 'the download URL has expired' : 'the download URL signature does not match');
  }
  try {
    reply.header('Cache-Control', 'private, no-store');
    await sendBlob({ request, reply, registry, key, digest, readFailure: READ_FAILURE });
  } catch (err) {
    if (isDomainError(err, 'BlobNotFound') || isDomainError(err, 'RepositoryNotFound') || isDomainError(err, 'DigestInvalid')) {
      return fail(reply, 404, 'NoSuchKey', 'the layer no longer exists');
    }
    throw err;
  }
}

function fail(reply: FastifyReply, status: number, code: string, message: string): void {
  reply.code(status).header('Content-Type', 'application/json').header('Cache-Control', 'no-store').send(JSON.stringify({ code, message }));
}
