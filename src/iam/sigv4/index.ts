export { beginSigV4, verifySigV4 } from './verify.js';
export { sigV4RequestFrom } from './from-node.js';
export { presignQuery, signHeaders, type PresignInput, type SignHeadersInput, type SigningCredentials } from './sign.js';
export { SigV4Error, isSigV4Error, type SigV4ErrorCode } from './errors.js';
export {
  DEFAULT_MAX_SKEW_MS,
  MAX_PRESIGN_EXPIRES_SECONDS,
  UNSIGNED_PAYLOAD,
  type PendingSigV4,
  type SecretRecord,
  type SigV4Request,
  type SigV4RequestHead,
  type VerifiedSigV4,
  type VerifyOptions,
} from './types.js';
export { canonicalUri, canonicalQuery, parseQuery, type HeaderMap } from './canonical.js';
