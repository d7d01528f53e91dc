import { randomInt } from 'node:crypto';

/**
 * Identifiers shaped like AWS's: 12-digit account ids and IAM user ids ("AIDA" + 17 characters of
 * the base32 alphabet), so tools that check their form accept them.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function generateAccountId(): string {
  // A leading zero is legal but looks like a typo in a hostname label; AWS never issues one either.
  let id = String(1 + randomInt(9));
  for (let i = 0; i < 11; i++) id += String(randomInt(10));
  return id;
}

export function generateUserId(): string {
  let id = 'AIDA';
  for (let i = 0; i < 17; i++) id += BASE32[randomInt(32)];
  return id;
}

/** IAM's rules: 1-64 of letters, digits and +=,.@_- . */
export const USER_NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM's rules for inline policy names: 1-128 of the same characters. */
export const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** "/" or "/a/b/", at most 512 characters. */
export const IAM_PATH = /^\/(?:[\x21-\x7e]*\/)?$/;
