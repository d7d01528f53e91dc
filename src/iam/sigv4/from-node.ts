import type { HeaderMap } from './canonical.js';
import type { SigV4Request } from './types.js';

/**
 * Builds the verifier's input from what a Node/fastify request exposes: `url` is the raw
 * request-target (path + query, still encoded) and `headersDistinct` keeps repeated headers apart,
 * which SigV4 joins with "," (`req.headers` would join them with ", ").
 */
export function sigV4RequestFrom(
  req: { method: string; url: string; headersDistinct: HeaderMap },
  payloadSha256: string,
): SigV4Request {
  const q = req.url.indexOf('?');
  return {
    method: req.method,
    path: q < 0 ? req.url : req.url.slice(0, q),
    query: q < 0 ? '' : req.url.slice(q + 1),
    headers: req.headersDistinct,
    payloadSha256,
  };
}
