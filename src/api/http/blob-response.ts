/**
 * Answers a blob GET/HEAD (with Range) from the registry: the one way bytes of a blob leave Berth,
 * whether through /v2 or a GetDownloadUrlForLayer URL.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RepositoryKey } from '../../domain/reference.js';
import type { Registry } from '../../registry/index.js';
import { type HandingOverReadable, handsOverChunks } from '../../storage/handed-over.js';
import { releaseBuffer } from '../../storage/release-buffer.js';
import { parseRange } from './range.js';
import { type RequestMeter, meterOf } from './request-meter.js';

export interface BlobResponse {
  request: FastifyRequest;
  reply: FastifyReply;
  registry: Registry;
  key: RepositoryKey;
  digest: string;
  /** The JSON body sent when reading fails before the first byte went out (each API has its envelope). */
  readFailure: { status: number; body: unknown };
  /** Send a GET to the storage backend's presigned URL (valid this long) when it offers one (storage.s3.redirect). */
  redirectSeconds?: number;
}

export async function sendBlob({ request, reply, registry, key, digest, readFailure, redirectSeconds }: BlobResponse): Promise<void> {
  // HEAD also checks storage holds the file whole (a GET finds out when it opens it).
  const blob = request.method === 'HEAD' ? await registry.blobs.head(key, digest) : await registry.blobs.stat(key, digest);
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
  const direct = redirectSeconds === undefined ? undefined : await registry.blobs.redirectURL(digest, redirectSeconds);
  if (direct) {
    // The client repeats its Range header at the new location.
    reply.code(307).header('Location', direct).header('Content-Length', 0).send();
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
  const meter = meterOf(request);
  if (handsOverChunks(stream)) {
    sendReleasing(request, reply, stream, readFailure, meter);
    return;
  }
  if (meter) {
    // Counted as it flows: paused first, so this listener does not start the flow before
    // fastify pipes the stream (pipe resumes it, and both listeners see every chunk).
    stream.pause();
    stream.on('data', (chunk: Buffer) => meter.sent(chunk.length));
  }
  reply.send(stream);
}

/**
 * Writes a blob to the client, freeing each chunk once the socket has taken it (its write
 * callback) rather than leaving 1 GiB of chunks per GiB pulled to the collector, which runs a full
 * garbage collection every ~64 MB of them (see storage/filesystem/file-source.ts). reply.send would
 * pipe the stream without saying when a chunk is free, so the reply is hijacked and written here;
 * fastify still logs and audits it (its response listeners run on finish).
 */
function sendReleasing(
  request: FastifyRequest,
  reply: FastifyReply,
  stream: HandingOverReadable,
  readFailure: BlobResponse['readFailure'],
  meter: RequestMeter | undefined,
): void {
  reply.hijack();
  const res = reply.raw;
  res.statusCode = reply.statusCode;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value);
  }
  stream.on('data', (chunk: Buffer) => {
    meter?.sent(chunk.length);
    if (!res.write(chunk, () => releaseBuffer(chunk))) stream.pause();
  });
  res.on('drain', () => stream.resume());
  stream.once('end', () => res.end());
  stream.once('error', (err) => {
    request.log.error({ err }, 'reading the blob failed while sending it');
    if (res.headersSent) {
      res.destroy(err);
      return;
    }
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    res.writeHead(readFailure.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(readFailure.body));
  });
  // Finished or aborted by the client: either way the file is closed.
  res.once('close', () => stream.destroy());
}
