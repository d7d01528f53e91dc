/**
 * Request routing for AWS JSON 1.1: the operation is named by `X-Amz-Target:
 * AmazonEC2ContainerRegistry_V20150921.<Operation>` and the body must be JSON.
 */
import { TARGET_PREFIX, getOperationModel } from './model/index.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const ACCEPTED_MEDIA_TYPES = new Set([JSON_CONTENT_TYPE, 'application/json']);

/** The model's operation named by the header, or undefined for anything else. */
export function operationFromTarget(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || !header.startsWith(`${TARGET_PREFIX}.`)) return undefined;
  const name = header.slice(TARGET_PREFIX.length + 1);
  return getOperationModel(name) ? name : undefined;
}

/** True for the AWS JSON media types (parameters such as charset are ignored). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const mediaType = header.split(';', 1)[0]!.trim().toLowerCase();
  return ACCEPTED_MEDIA_TYPES.has(mediaType);
}
