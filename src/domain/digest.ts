import { createHash, type Hash } from 'node:crypto';
import { digestInvalid } from './errors.js';

/** The algorithms Berth can verify (OCI image-spec registered algorithms). */
export type DigestAlgorithm = 'sha256' | 'sha512';

const ENCODED_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };

// OCI image-spec digest grammar: algorithm ":" encoded.
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
  /** `algorithm:hex`, canonical form. */
  value: string;
}

/** Whether a string has the shape of a digest (so a manifest reference is a digest, not a tag). */
export function looksLikeDigest(value: string): boolean {
  return value.includes(':');
}

/**
 * Parses and validates a client-supplied digest. Registered algorithms must have a lower-case hex
 * encoding of the exact length; anything else is DIGEST_INVALID (unknown algorithms included,
 * since Berth could never verify content against them).
 */
export function parseDigest(value: string): ParsedDigest {
  if (!DIGEST_GRAMMAR.test(value)) {
    throw digestInvalid(`invalid digest "${truncate(value)}"`, truncate(value));
  }
  const sep = value.indexOf(':');
  const algorithm = value.slice(0, sep);
  const hex = value.slice(sep + 1);
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw digestInvalid(`unsupported digest algorithm "${truncate(algorithm)}"`, truncate(value));
  }
  if (hex.length !== ENCODED_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(hex)) {
    throw digestInvalid(`invalid ${algorithm} digest "${truncate(value)}"`, truncate(value));
  }
  return { algorithm, hex, value };
}

export function isValidDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function createDigester(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

export function digestOf(data: Buffer | string, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
