import { manifestTooLarge } from '../../../domain/errors.js';
import { MAX_MANIFEST_BYTES } from '../../../domain/manifest/parse.js';
import { readBody } from '../../http/body.js';
import { meterOf } from '../../http/request-meter.js';
import { parseAccept } from '../http.js';
import { type OciHandler, location } from './context.js';

// Clients send the same Accept header on every pull (docker's is ~300 bytes naming six types), so
// its parse is remembered: splitting and matching it was ~4% of a manifest GET's CPU. Bounded, and
// cleared when full so odd headers cannot grow it.
const acceptCache = new Map<string, readonly string[] | undefined>();
const ACCEPT_CACHE_MAX = 256;

function acceptedTypes(header: string | string[] | undefined): string[] | undefined {
  if (typeof header !== 'string') return parseAccept(header);
  let types = acceptCache.get(header);
  if (types === undefined && !acceptCache.has(header)) {
    if (acceptCache.size >= ACCEPT_CACHE_MAX) acceptCache.clear();
    types = parseAccept(header);
    acceptCache.set(header, types && Object.freeze(types));
  }
  // Frozen: the registry only reads it, and a shared list must never be changed in place.
  return types as string[] | undefined;
}

export const getManifest: OciHandler = async ({ request, reply, route, key, registry }) => {
  const head = request.method === 'HEAD';
  const manifest = await registry.manifests.get(key, route.reference!, acceptedTypes(request.headers.accept), !head);
  reply
    .code(200)
    .header('Content-Type', manifest.mediaType)
    .header('Docker-Content-Digest', manifest.digest)
    .header('Content-Length', manifest.content.length);
  if (head) reply.send();
  else reply.send(manifest.content);
};

export const putManifest: OciHandler = async ({ request, reply, route, key, registry, actor }) => {
  const content = await readBody(request.raw, { limit: MAX_MANIFEST_BYTES, tooLarge: () => manifestTooLarge(MAX_MANIFEST_BYTES) });
  meterOf(request)?.received(content.length);
  const outcome = await registry.manifests.put(key, {
    reference: route.reference!,
    content,
    contentType: request.headers['content-type'],
    actor,
  });
  reply
    .code(201)
    .header('Location', location(key, `manifests/${outcome.digest}`))
    .header('Docker-Content-Digest', outcome.digest)
    .header('Content-Length', 0);
  if (outcome.subjectDigest) reply.header('OCI-Subject', outcome.subjectDigest);
  reply.send();
};

export const deleteManifest: OciHandler = async ({ reply, route, key, registry, actor }) => {
  await registry.manifests.delete(key, route.reference!, { actor });
  reply.code(202).header('Content-Length', 0).send();
};
