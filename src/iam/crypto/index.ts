export { createKeyringFile, loadKeyringFile, parseKeyring, type Keyring } from './keyring.js';
export { needsReseal, open, reseal, seal } from './secret-box.js';
export { generateAccessKeyId, generateSecretAccessKey, isAccessKeyId, isSecretAccessKey, type AccessKeyKind } from './access-keys.js';
export {
  authenticateRegistryToken,
  encodeAuthorizationToken,
  issueRegistryToken,
  parseBasicAuth,
  verifyRegistryToken,
  type IssuedRegistryToken,
  type RegistryTokenClaims,
} from './registry-token.js';
