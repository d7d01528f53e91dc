import { randomBytes, randomInt } from 'node:crypto';

/**
 * Access key ids and secrets shaped like AWS's, so tools that validate their format accept them:
 * ids are "AKIA" (long-term) or "ASIA" (temporary) + 16 characters of the RFC 4648 base32
 * alphabet; secrets are 40 characters of base64.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export type AccessKeyKind = 'AKIA' | 'ASIA';

export function generateAccessKeyId(kind: AccessKeyKind = 'AKIA'): string {
  let id = kind;
  for (let i = 0; i < 16; i++) id += BASE32[randomInt(32)];
  return id;
}

export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function isAccessKeyId(value: string): boolean {
  return /^A[KS]IA[A-Z2-7]{16}$/.test(value);
}

/** Form check only: 40 characters of the base64 alphabet. */
export function isSecretAccessKey(value: string): boolean {
  return /^[A-Za-z0-9/+]{40}$/.test(value);
}
