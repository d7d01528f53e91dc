/**
 * BatchCheckLayerAvailability and the layer upload trio (InitiateLayerUpload, UploadLayerPart,
 * CompleteLayerUpload) over the same UploadService as /v2: the same staging, running hash and
 * digest verification, so a layer uploaded here is the same blob a /v2 push would have made.
 */
import { actorOf } from '../../../audit/actor.js';
import { Readable } from 'node:stream';
import { isValidDigest } from '../../../domain/digest.js';
import { DomainError, invalidParameter, isDomainError } from '../../../domain/errors.js';
import type { RepositoryKey } from '../../../domain/reference.js';
import type { Registry } from '../../../registry/index.js';
import type { Layer, LayerFailure } from '../model/types.js';
import { defineOperation } from '../operation.js';
import { repositoryKey } from './wire.js';

/** The part size InitiateLayerUpload suggests (ECR's); parts may be any size up to the model's 20 MiB. */
const SUGGESTED_PART_SIZE = 10 * 1024 * 1024;

export const batchCheckLayerAvailability = (registry: Registry) =>
  defineOperation({
    name: 'BatchCheckLayerAvailability',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const failures: LayerFailure[] = [];
      const digests: string[] = [];
      for (const digest of new Set(input.layerDigests)) {
        if (digest === '') failures.push({ layerDigest: digest, failureCode: 'MissingLayerDigest', failureReason: 'Missing layer digest' });
        else if (!isValidDigest(digest)) failures.push({ layerDigest: digest, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' });
        else digests.push(digest);
      }
      const present = await registry.images.layers(key, digests);
      const layers = digests.map((digest): Layer => {
        const blob = present.get(digest);
        return blob ? { layerDigest: digest, layerAvailability: 'AVAILABLE', layerSize: blob.size } : { layerDigest: digest, layerAvailability: 'UNAVAILABLE' };
      });
      return { layers, failures };
    },
  });

export const initiateLayerUpload = (registry: Registry) =>
  defineOperation({
    name: 'InitiateLayerUpload',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      // The API never creates the repository (UploadService.start alone would, on create-on-push).
      await registry.repositories.get(key);
      const upload = await registry.uploads.start(key, actorOf(ctx.principal));
      return { uploadId: upload.id, partSize: SUGGESTED_PART_SIZE };
    },
  });

export const uploadLayerPart = (registry: Registry) =>
  defineOperation({
    name: 'UploadLayerPart',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      const { partFirstByte: first, partLastByte: last, layerPartBlob: part } = input;
      const { size } = await registry.uploads.status(key, input.uploadId);
      if (part.length === 0 || last - first + 1 !== part.length) {
        throw invalidPart(key, input.uploadId, size, `The part is ${part.length} bytes but partFirstByte ${first} and partLastByte ${last} span ${last - first + 1}`);
      }
      if (first !== size) {
        throw invalidPart(key, input.uploadId, size, `partFirstByte ${first} must follow the ${size} bytes already received`);
      }
      try {
        const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
        await registry.uploads.append(key, input.uploadId, Readable.from([bytes], { objectMode: false }), { start: first, end: last });
      } catch (err) {
        // A concurrent part got there first.
        if (isDomainError(err, 'RangeNotSatisfiable')) {
          throw invalidPart(key, input.uploadId, Number(err.detail?.size ?? 0), `partFirstByte ${first} must follow the bytes already received`);
        }
        throw err;
      }
      return { registryId: key.accountId, repositoryName: key.name, uploadId: input.uploadId, lastByteReceived: last };
    },
  });

export const completeLayerUpload = (registry: Registry) =>
  defineOperation({
    name: 'CompleteLayerUpload',
    handler: async (input, ctx) => {
      const key = repositoryKey(ctx, input.repositoryName);
      if (input.layerDigests.length !== 1) {
        throw invalidParameter('layerDigests', 'exactly one layer digest is required');
      }
      const digest = input.layerDigests[0]!;
      if (!isValidDigest(digest)) {
        throw invalidParameter('layerDigests', `${digest} is not a valid sha256 or sha512 digest`);
      }
      const { size } = await registry.uploads.status(key, input.uploadId);
      if (size === 0) throw new DomainError('EmptyUpload', `The upload with id '${input.uploadId}' does not contain any layer parts`);
      if ((await registry.images.layers(key, [digest])).has(digest)) {
        await registry.uploads.cancel(key, input.uploadId);
        throw new DomainError(
          'LayerAlreadyExists',
          `Layer with digest '${digest}' already exists in the repository with name '${key.name}' in registry with id '${key.accountId}'`,
        );
      }
      try {
        await registry.uploads.complete(key, input.uploadId, digest);
      } catch (err) {
        // The service discarded the upload: its bytes do not hash to the digest.
        if (isDomainError(err, 'DigestInvalid')) throw new DomainError('InvalidLayer', err.message);
        throw err;
      }
      return { registryId: key.accountId, repositoryName: key.name, uploadId: input.uploadId, layerDigest: digest };
    },
  });

function invalidPart(key: RepositoryKey, uploadId: string, size: number, message: string): DomainError {
  return new DomainError('InvalidLayerPart', message, {
    registryId: key.accountId,
    repositoryName: key.name,
    uploadId,
    // Nothing received yet has no last valid byte.
    ...(size > 0 && { lastValidByteReceived: size - 1 }),
  });
}
