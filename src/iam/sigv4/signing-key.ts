import { createHash, createHmac } from 'node:crypto';
import { TERMINATOR } from './canonical.js';

/**
 * kDate/kRegion/kService/kSigning derivation with a small LRU cache: a busy client re-derives the
 * same key for every request of the day otherwise. Cache keys hold a SHA-256 of the secret, never
 * the secret. The cache never replaces the secret lookup, so a deleted key stops working at once.
 */
const MAX_ENTRIES = 256;
const cache = new Map<string, Buffer>();

export function deriveSigningKey(
  secretAccessKey: string,
  date: string,
  region: string,
  service: string,
): Buffer {
  const secretHash = createHash('sha256').update(secretAccessKey, 'utf8').digest('base64');
  const cacheKey = `${secretHash}\n${date}\n${region}\n${service}`;
  const hit = cache.get(cacheKey);
  if (hit) {
    cache.delete(cacheKey);
    cache.set(cacheKey, hit);
    return hit;
  }
  let key: Buffer = Buffer.from(`AWS4${secretAccessKey}`, 'utf8');
  for (const part of [date, region, service, TERMINATOR]) {
    key = createHmac('sha256', key).update(part, 'utf8').digest();
  }
  cache.set(cacheKey, key);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return key;
}

export function signatureHex(signingKey: Buffer, toSign: string): string {
  return createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
}
