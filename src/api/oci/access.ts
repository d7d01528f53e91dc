import { ANONYMOUS } from '../../iam/principal.js';
import type { OciAccess } from '../../iam/ports.js';

/**
 * Access for a registry without authentication, for `auth.mode: none` (development) and tests of
 * the protocol alone. The /v2 adapter's access port is `OciAccess` (src/iam/ports.ts); IAM's
 * implementation is src/iam/oci-access.ts.
 */
export function openAccess(accountId: string): OciAccess {
  return {
    accountFor: () => accountId,
    authenticate: async () => ANONYMOUS,
    authorize: async () => undefined,
    challenge: () => undefined,
  };
}
