import { parseRange } from '../http.js';
import type { OciHandler } from './context.js';

export const getBlob: OciHandler = async ({ request, reply, route, key, registry }) => {
  const digest = route.reference!;
  const blob = await registry.blobs.stat(key, digest);
  const range = parseRange(request.headers.range, blob.size);
  reply.header('Docker-Content-Digest', digest).header('Accept-Ranges', 'bytes').header('Content-Type', 'application/octet-stream');
  if (range === 'unsatisfiable') {
    reply.code(416).header('Content-Range', `bytes */${blob.size}`).send();
    return;
  }
  if (request.method === 'HEAD') {
    reply.header('Content-Length', blob.size).code(200).send();
    return;
  }
  const { stream } = await registry.blobs.open(key, digest, range);
  if (range) {
    reply
      .code(206)
      .header('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`)
      .header('Content-Length', range.end - range.start + 1);
  } else {
    reply.code(200).header('Content-Length', blob.size);
  }
  reply.send(stream);
};

export const deleteBlob: OciHandler = async ({ reply, route, key, registry }) => {
  await registry.blobs.delete(key, route.reference!);
  reply.code(202).header('Content-Length', 0).send();
};
