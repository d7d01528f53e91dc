import type { Logger } from '../util/logger.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { CredentialResolver } from './credentials.js';
import {
  authenticateRegistryToken,
  issueRegistryToken,
  parseBasicAuth,
  type IssuedRegistryToken,
  type Keyring,
} from './crypto/index.js';
import { ANONYMOUS, type Principal, type RequestFacts } from './principal.js';

/** What the bearer flow's token endpoint gives a caller without credentials. */
export const ANONYMOUS_TOKEN = 'anonymous';

/**
 * Registry tokens on /v2: issued by GetAuthorizationToken for the access key that signed the call,
 * presented by docker as Basic `AWS:<token>` (or as a Bearer token). A token is only as good as
 * its key: the key is resolved again on every request (through the short credential cache), so a
 * deleted or deactivated key stops its tokens at once, and the key owner's current policies apply.
 */
export class RegistryTokenAuthenticator {
  constructor(
    private readonly deps: {
      keyring: Keyring;
      credentials: CredentialResolver;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  issue(principal: Principal): IssuedRegistryToken {
    if (principal.kind === 'anonymous' || principal.accessKeyId === undefined) {
      throw new DomainError('AccessDenied', 'a registry token can only be issued to a caller that signed with an access key');
    }
    return issueRegistryToken(this.deps.keyring, principal.accessKeyId, { now: this.now() });
  }

  /** The principal behind an Authorization header; throws Unauthenticated for anything not valid. */
  async authenticate(header: string, facts: RequestFacts): Promise<Principal> {
    return (await this.verify(header, facts))?.principal ?? ANONYMOUS;
  }

  /**
   * The bearer flow's token exchange: the same registry token back (with its expiry) for valid
   * credentials, undefined for a caller without any; throws Unauthenticated for invalid ones.
   */
  async exchange(header: string | undefined, facts: RequestFacts): Promise<{ token: string; expiresAt: Date } | undefined> {
    if (header === undefined || header.trim() === '') return undefined;
    const verified = await this.verify(header, facts);
    return verified && { token: verified.token, expiresAt: verified.expiresAt };
  }

  private async verify(header: string, facts: RequestFacts): Promise<{ principal: Principal; token: string; expiresAt: Date } | undefined> {
    const token = this.tokenOf(header, facts);
    if (token === undefined) return undefined;
    try {
      const { principal, claims } = await authenticateRegistryToken(
        this.deps.keyring,
        token,
        async (accessKeyId) => (await this.deps.credentials.lookup(accessKeyId))?.principal,
        { now: this.now() },
      );
      return { principal, token, expiresAt: claims.expiresAt };
    } catch (err) {
      if (isDomainError(err, 'Unauthenticated')) this.refused(String(err.detail?.reason ?? 'invalid'), facts);
      throw err;
    }
  }

  /** The token in "Basic base64(AWS:<token>)" or "Bearer <token>"; undefined for empty Basic credentials. */
  private tokenOf(header: string, facts: RequestFacts): string | undefined {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // The token endpoint hands callers without credentials this placeholder (bearer flow).
    if (bearer) return bearer[1] === ANONYMOUS_TOKEN ? undefined : bearer[1];
    const basic = parseBasicAuth(header);
    if (!basic) throw this.invalid('unsupported-scheme', facts, 'the Authorization header must be Basic credentials (user AWS, password from aws ecr get-login-password)');
    // Some clients send empty Basic credentials when they have none: that is an anonymous request.
    if (basic.username === '' && basic.password === '') return undefined;
    if (basic.username !== 'AWS') throw this.invalid('wrong-user', facts, 'the user name must be AWS, with the password from aws ecr get-login-password');
    return basic.password;
  }

  private invalid(reason: string, facts: RequestFacts, message: string): DomainError {
    this.refused(reason, facts);
    return new DomainError('Unauthenticated', message, { reason });
  }

  private refused(reason: string, facts: RequestFacts): void {
    this.deps.log.info({ audit: 'authentication-failed', api: 'v2', reason, sourceIp: facts.sourceIp, requestId: facts.requestId }, 'authentication failed');
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
