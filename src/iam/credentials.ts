import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../util/logger.js';
import type { IamStore } from '../metadata/iam-store.js';
import { open, type Keyring } from './crypto/index.js';
import type { AuthenticatedPrincipal } from './principal.js';
import { rootPrincipal, userPrincipal } from './principals.js';

export interface ResolvedCredential {
  secretAccessKey: string;
  principal: AuthenticatedPrincipal;
}

export interface CredentialResolverOptions {
  store: IamStore;
  keyring: Keyring;
  log: Logger;
  /** How long a resolved key may be reused; 0 reads the store on every request. */
  cacheMs: number;
  /** Root credentials given by configuration (BERTH_ROOT_*): valid without being stored. */
  configuredRoot?: { accountId: string; accessKeyId: string; secretAccessKey: string };
  now?: () => number;
}

/** Bound on cached entries, so a flood of distinct (valid) keys cannot grow memory without limit. */
const MAX_CACHED = 10_000;

/**
 * Access key id -> secret and principal, for SigV4 verification and registry tokens. Only active
 * keys resolve. Results are cached briefly (config `auth.credentialCacheSeconds`, at most 10 s) so
 * a docker pull's many requests do not each open a sealed secret; `forget` drops entries at once
 * when this process deletes or deactivates a key, and other processes' changes apply within the
 * cache time. Misses are not cached: a key created a moment ago works on its first use.
 */
export class CredentialResolver {
  private readonly cache = new Map<string, { value: ResolvedCredential; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: CredentialResolverOptions) {
    this.now = options.now ?? Date.now;
  }

  async lookup(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const root = this.options.configuredRoot;
    if (root && sameText(root.accessKeyId, accessKeyId)) {
      return { secretAccessKey: root.secretAccessKey, principal: rootPrincipal(root.accountId, root.accessKeyId) };
    }
    const cached = this.cache.get(accessKeyId);
    if (cached && cached.until > this.now()) return cached.value;
    if (cached) this.cache.delete(accessKeyId);

    const value = await this.load(accessKeyId);
    if (value && this.options.cacheMs > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(accessKeyId, { value, until: this.now() + this.options.cacheMs });
    }
    return value;
  }

  /** Drops one cached key, or all of them (e.g. after a user with keys was deleted). */
  forget(accessKeyId?: string): void {
    if (accessKeyId === undefined) this.cache.clear();
    else this.cache.delete(accessKeyId);
  }

  private async load(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) return undefined;
    const key = await this.options.store.getAccessKey(accessKeyId);
    if (!key || key.status !== 'Active') return undefined;
    let principal: ResolvedCredential['principal'];
    if (key.userName === undefined) {
      principal = rootPrincipal(key.accountId, key.accessKeyId);
    } else {
      const user = await this.options.store.getUser(key.accountId, key.userName);
      if (!user) return undefined;
      principal = userPrincipal(user, key.accessKeyId);
    }
    try {
      return { secretAccessKey: open(this.options.keyring, key.sealedSecret, key.accessKeyId), principal };
    } catch (err) {
      // A key sealed under a key-encryption key that is not loaded: unusable, and the operator must know.
      this.options.log.error({ accessKeyId, err: { message: (err as Error).message } }, 'access key secret cannot be opened');
      return undefined;
    }
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
