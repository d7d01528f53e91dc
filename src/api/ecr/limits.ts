/**
 * Request body bounds. Most ECR inputs are small JSON (the largest string, an image manifest, is
 * 4 MiB); only inputs carrying a blob (UploadLayerPart: up to 20 MiB, base64 on the wire) need
 * more, so those operations get their own, larger bound.
 */
import { getOperationModel, getShape } from './model/index.js';

export interface BodyLimits {
  /** Bytes accepted for operations without blob members. */
  json: number;
  /** Bytes accepted for operations whose input carries a blob. */
  blob: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { json: 8 * 1024 * 1024, blob: 32 * 1024 * 1024 };

const blobCache = new Map<string, boolean>();

function containsBlob(shapeName: string, seen = new Set<string>()): boolean {
  if (seen.has(shapeName)) return false;
  seen.add(shapeName);
  const shape = getShape(shapeName);
  if (shape.type === 'blob') return true;
  const children = [
    ...Object.values(shape.members ?? {}).map((m) => m.shape),
    ...[shape.member, shape.key, shape.value].filter((r) => r !== undefined).map((r) => r.shape),
  ];
  return children.some((child) => containsBlob(child, seen));
}

/** The bound for a request naming `operation` (unknown operations get the JSON bound). */
export function bodyLimitFor(operation: string | undefined, limits: BodyLimits): number {
  const input = operation ? getOperationModel(operation)?.input?.shape : undefined;
  if (!input) return limits.json;
  let carriesBlob = blobCache.get(input);
  if (carriesBlob === undefined) {
    carriesBlob = containsBlob(input);
    blobCache.set(input, carriesBlob);
  }
  return carriesBlob ? limits.blob : limits.json;
}
