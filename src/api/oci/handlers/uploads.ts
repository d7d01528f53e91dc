import { DomainError, digestInvalid } from '../../../domain/errors.js';
import { isValidRepositoryName } from '../../../domain/reference.js';
import { hasBody, parseContentRange, uploadBodyHandling } from '../http.js';
import type { ChunkRange } from '../../../registry/uploads.js';
import type { SourceHandling } from '../../../storage/blob-store.js';
import { meterOf } from '../../http/request-meter.js';
import { type OciCall, type OciHandler, location } from './context.js';

function uploadAccepted({ reply, key }: OciCall, id: string, size: number): void {
  reply
    .code(202)
    .header('Location', location(key, `blobs/uploads/${id}`))
    // The spec's Range is inclusive; an empty upload reports 0-0 as distribution does.
    .header('Range', `0-${Math.max(0, size - 1)}`)
    .header('Docker-Upload-UUID', id)
    .header('Content-Length', 0)
    .send();
}

function blobCreated({ reply, key }: OciCall, digest: string): void {
  reply
    .code(201)
    .header('Location', location(key, `blobs/${digest}`))
    .header('Docker-Content-Digest', digest)
    .header('Content-Length', 0)
    .send();
}

/** POST: start a session, a single-request upload (`digest`), or a cross-repository mount (`mount`, `from`). */
export const startUpload: OciHandler = async (call) => {
  const { request, key, query, registry, access, principal, info } = call;
  const digest = query.get('digest');
  const mount = query.get('mount');
  if (mount !== null) {
    const from = query.get('from');
    // An invalid `from` cannot be mounted from; like distribution, fall back to an upload (a session:
    // the spec's 202). Without a usable `from` the request was authorized as the upload it is.
    if (from !== null && isValidRepositoryName(from)) {
      const source = { accountId: key.accountId, name: from };
      const allowed = await access
        .authorize(principal, 'blob.get', { repository: source }, info)
        .then(() => true)
        .catch(() => false);
      const blob = allowed ? await registry.blobs.mount(key, source, mount, call.actor) : undefined;
      if (blob) return blobCreated(call, blob.digest);
      // Not mountable (or not readable by the caller): what follows is an upload, which the mount's
      // authorization did not cover; the caller needs what the upload needs.
      await access.authorize(principal, 'upload.start', { repository: key, creates: true, fallback: true }, info);
    }
  }
  if (digest !== null) {
    // Without a body this uploads the empty blob, which succeeds only if the digest names it.
    const result = await streamed(call, (handling) => registry.uploads.monolithic(key, digest, request.raw, call.actor, handling));
    return blobCreated(call, result.digest);
  }
  const upload = await registry.uploads.start(key, call.actor);
  uploadAccepted(call, upload.id, upload.size);
};

export const uploadStatus: OciHandler = async (call) => {
  const state = await call.registry.uploads.status(call.key, call.route.uploadId!);
  call.reply
    .code(204)
    .header('Location', location(call.key, `blobs/uploads/${state.id}`))
    .header('Range', `0-${Math.max(0, state.size - 1)}`)
    .header('Docker-Upload-UUID', state.id)
    .send();
};

/**
 * The chunk's Content-Range, checked against its Content-Length before any byte is read. A
 * mismatch is SIZE_INVALID ("provided length did not match content length"), as distribution answers.
 */
function chunkRange(request: OciCall['request']): ChunkRange | undefined {
  const range = parseContentRange(header(request.headers['content-range']));
  const length = request.headers['content-length'];
  if (range && length !== undefined && Number(length) !== range.end - range.start + 1) {
    throw new DomainError('SizeInvalid', `Content-Length ${length} does not match Content-Range ${range.start}-${range.end}`);
  }
  return range;
}

/** PATCH: a chunk (with Content-Range) or a streamed body (without). */
export const patchUpload: OciHandler = async (call) => {
  const { request, route, key, registry } = call;
  const range = chunkRange(request);
  const state = await streamed(call, (handling) => registry.uploads.append(key, route.uploadId!, request.raw, range, handling));
  uploadAccepted(call, state.id, state.size);
};

/** PUT ?digest=: the last (optional) chunk and the digest that must match everything received. */
export const completeUpload: OciHandler = async (call) => {
  const { request, route, key, query, registry } = call;
  const digest = query.get('digest');
  if (digest === null) throw digestInvalid('the digest query parameter is required to complete an upload');
  const body = hasBody(request.headers) ? request.raw : undefined;
  const range = body ? chunkRange(request) : undefined;
  const result = body
    ? await streamed(call, (handling) => registry.uploads.complete(key, route.uploadId!, digest, body, range, handling))
    : await registry.uploads.complete(key, route.uploadId!, digest, undefined, undefined, uploadBodyHandling(request.raw));
  blobCreated(call, result.digest);
};

export const cancelUpload: OciHandler = async ({ reply, route, key, registry }) => {
  await registry.uploads.cancel(key, route.uploadId!);
  reply.code(204).send();
};

/** Writes the request's body as an upload, its bytes and the upload in progress counted in the request's meter (when metrics are on). */
function streamed<T>({ request }: OciCall, write: (handling: SourceHandling) => Promise<T>): Promise<T> {
  const handling = uploadBodyHandling(request.raw);
  const meter = meterOf(request);
  if (!meter) return write(handling);
  return meter.uploading(() => write({ ...handling, onBytes: (n) => meter.received(n) }));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
