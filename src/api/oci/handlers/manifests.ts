import { DomainError } from '../../../domain/errors.js';
import { MAX_MANIFEST_BYTES } from '../../../domain/manifest/parse.js';
import { parseAccept, readBody } from '../http.js';
import { type OciHandler, location } from './context.js';

export const getManifest: OciHandler = async ({ request, reply, route, key, registry }) => {
  const head = request.method === 'HEAD';
  const manifest = await registry.manifests.get(key, route.reference!, parseAccept(request.headers.accept), !head);
  reply
    .code(200)
    .header('Content-Type', manifest.mediaType)
    .header('Docker-Content-Digest', manifest.digest)
    .header('Content-Length', manifest.content.length);
  if (head) reply.send();
  else reply.send(manifest.content);
};

export const putManifest: OciHandler = async ({ request, reply, route, key, registry }) => {
  const content = await readBody(
    request.raw,
    MAX_MANIFEST_BYTES,
    () => new DomainError('ManifestTooLarge', `manifest exceeds ${MAX_MANIFEST_BYTES} bytes`),
  );
  const outcome = await registry.manifests.put(key, {
    reference: route.reference!,
    content,
    contentType: request.headers['content-type'],
  });
  reply
    .code(201)
    .header('Location', location(key, `manifests/${outcome.digest}`))
    .header('Docker-Content-Digest', outcome.digest)
    .header('Content-Length', 0);
  if (outcome.subjectDigest) reply.header('OCI-Subject', outcome.subjectDigest);
  reply.send();
};

export const deleteManifest: OciHandler = async ({ reply, route, key, registry }) => {
  await registry.manifests.delete(key, route.reference!);
  reply.code(202).header('Content-Length', 0).send();
};
