/** GetAuthorizationToken: the password `docker login` uses against /v2. */
import { encodeAuthorizationToken, type IssuedRegistryToken } from '../../../iam/crypto/index.js';
import type { Principal } from '../../../iam/principal.js';
import { defineOperation } from '../operation.js';
import type { OperationContext } from '../operation.js';

export interface AuthorizationTokenOptions {
  tokens: { issue(principal: Principal): IssuedRegistryToken };
  /** How clients reach /v2: https when Berth (or a proxy in front of it) serves TLS. */
  scheme: 'http' | 'https';
}

/**
 * authorizationToken = base64("AWS:" + token), valid 12 hours, for every registry the caller may
 * use (the token names the signing access key; /v2 applies that key's permissions). registryIds
 * is deprecated in ECR and only shapes the answer: one entry, with its proxyEndpoint, per id.
 */
export const getAuthorizationToken = (options: AuthorizationTokenOptions) =>
  defineOperation({
    name: 'GetAuthorizationToken',
    handler: async (input, ctx) => {
      const issued = options.tokens.issue(ctx.principal);
      const accounts = input.registryIds && input.registryIds.length > 0 ? [...new Set(input.registryIds)] : [ctx.principal.accountId];
      const authorizationToken = encodeAuthorizationToken(issued.token);
      ctx.log.info({ accessKeyId: ctx.principal.accessKeyId, expiresAt: issued.expiresAt }, 'registry token issued');
      return {
        authorizationData: accounts.map((accountId) => ({
          authorizationToken,
          expiresAt: issued.expiresAt,
          proxyEndpoint: endpoint(ctx, accountId, options.scheme),
        })),
      };
    },
  });

/**
 * The registry URL for an account. With a host template that names no account (one host for all),
 * /v2 serves the caller's own account unless the host starts with a 12-digit label, so another
 * account's registry is `<account>.<host>`.
 */
function endpoint(ctx: OperationContext, accountId: string, scheme: 'http' | 'https'): string {
  const withScheme = (url: string) => url.replace(/^https?:\/\//, `${scheme}://`);
  const url = withScheme(ctx.resources.proxyEndpoint(accountId));
  if (accountId === ctx.principal.accountId) return url;
  const shared = url === withScheme(ctx.resources.proxyEndpoint(ctx.principal.accountId));
  return shared ? url.replace('://', `://${accountId}.`) : url;
}
