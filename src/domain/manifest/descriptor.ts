import { manifestInvalid } from '../errors.js';
import { isValidDigest } from '../digest.js';

/** An OCI content descriptor, validated. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Record<string, unknown>;
}

// RFC 6838 media type grammar as the OCI image-spec restricts it.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

export function isValidMediaType(value: unknown): value is string {
  return typeof value === 'string' && MEDIA_TYPE.test(value);
}

export function parseAnnotations(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw manifestInvalid(`${where}.annotations must be an object of strings`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw manifestInvalid(`${where}.annotations["${key}"] must be a string`);
  }
  return value as Record<string, string>;
}

export function parseDescriptor(value: unknown, where: string): Descriptor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw manifestInvalid(`${where} must be a descriptor object`);
  }
  const d = value as Record<string, unknown>;
  if (!isValidMediaType(d.mediaType)) throw manifestInvalid(`${where}.mediaType is missing or not a valid media type`);
  if (typeof d.digest !== 'string' || !isValidDigest(d.digest)) {
    throw manifestInvalid(`${where}.digest is missing or not a valid digest`, { digest: String(d.digest).slice(0, 200) });
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw manifestInvalid(`${where}.size must be a non-negative integer`);
  }
  if (d.urls !== undefined && (!Array.isArray(d.urls) || d.urls.some((u) => typeof u !== 'string'))) {
    throw manifestInvalid(`${where}.urls must be an array of strings`);
  }
  if (d.artifactType !== undefined && !isValidMediaType(d.artifactType)) {
    throw manifestInvalid(`${where}.artifactType is not a valid media type`);
  }
  if (d.platform !== undefined && (typeof d.platform !== 'object' || d.platform === null || Array.isArray(d.platform))) {
    throw manifestInvalid(`${where}.platform must be an object`);
  }
  const descriptor: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.urls !== undefined) descriptor.urls = d.urls as string[];
  const annotations = parseAnnotations(d.annotations, where);
  if (annotations) descriptor.annotations = annotations;
  if (d.artifactType !== undefined) descriptor.artifactType = d.artifactType;
  if (d.platform !== undefined) descriptor.platform = d.platform as Record<string, unknown>;
  return descriptor;
}
