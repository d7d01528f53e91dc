export { beginSigV4, verifySigV4 } from './verify.js';
export { sigV4RequestFrom } from './from-node.js';
export { presignQuery, signHeaders, type PresignInput, type SignHeadersInput, type SigningCredentials } from './sign.js';
export { SigV4Error, isSigV4Error, type SigV4ErrorCode } from './errors.js';
export type { PendingSigV4, SecretRecord, SigV4Request, VerifiedSigV4, VerifyOptions } from './types.js';
export type { HeaderMap } from './canonical.js';
