import { sendBlob } from '../../http/blob-response.js';
import { INTERNAL_ERROR } from '../errors.js';
import type { OciHandler } from './context.js';

/** How long the presigned URL a blob GET redirects to stays valid (when storage offers one). */
const REDIRECT_SECONDS = 600;

export const getBlob: OciHandler = async ({ request, reply, route, key, registry }) => {
  await sendBlob({ request, reply, registry, key, digest: route.reference!, readFailure: INTERNAL_ERROR, redirectSeconds: REDIRECT_SECONDS });
};

export const deleteBlob: OciHandler = async ({ reply, route, key, registry }) => {
  await registry.blobs.delete(key, route.reference!);
  reply.code(202).header('Content-Length', 0).send();
};
