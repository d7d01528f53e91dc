/** Content digests as registries name them. */
import { createHash } from 'node:crypto';

/** `sha256:<hex>` of the bytes (a string is hashed as UTF-8). */
export const sha256 = (data: Buffer | string): string => `sha256:${sha256Hex(data)}`;

/** The bare hex SHA-256 of the bytes (SigV4 payload hashes, tokens). */
export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** `sha512:<hex>` of the bytes. */
export const sha512 = (data: Buffer | string): string => `sha512:${createHash('sha512').update(data).digest('hex')}`;
