import { DomainError, userNotFound } from '../domain/errors.js';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, IamStore, PolicyTextRecord, UserRecord } from '../metadata/iam-store.js';
import { generateAccessKeyId, generateSecretAccessKey, needsReseal, reseal, seal, type Keyring } from './crypto/index.js';
import { IAM_PATH, POLICY_NAME, USER_NAME, generateAccountId, generateUserId } from './ids.js';
import { isAccountId, parsePolicy } from './policy/index.js';

/** An access key as listed: everything but the secret. */
export type AccessKeySummary = Omit<AccessKeyRecord, 'sealedSecret'>;

export interface CreatedAccessKey extends AccessKeySummary {
  /** Shown once, at creation; only the sealed form is stored. */
  secretAccessKey: string;
}

/** IAM's quota of access keys per user (and per root). */
const KEYS_PER_PRINCIPAL = 2;
/** Longest identity policy document accepted, in characters. */
const MAX_POLICY_CHARS = 10240;

const summary = ({ sealedSecret: _s, ...rest }: AccessKeyRecord): AccessKeySummary => rest;

/**
 * Accounts, IAM users, access keys and identity policies: what `berth admin` manages. Secrets are
 * sealed before they reach the store; `onCredentialsChanged` lets the running server drop cached
 * keys at once when they are deleted or deactivated in-process.
 */
export class IdentityService {
  constructor(
    private readonly deps: {
      store: IamStore;
      keyring: Keyring;
      now: () => Date;
      onCredentialsChanged?: (accessKeyId?: string) => void;
    },
  ) {}

  // ---- accounts ----

  async createAccount(options: { accountId?: string; alias?: string } = {}): Promise<AccountRecord> {
    if (options.accountId !== undefined && !isAccountId(options.accountId)) {
      throw new DomainError('InvalidParameter', `account id "${options.accountId}" must be 12 digits`);
    }
    if (options.alias !== undefined && !/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/.test(options.alias)) {
      throw new DomainError('InvalidParameter', 'an account alias is 3-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen');
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const account: AccountRecord = {
        accountId: options.accountId ?? generateAccountId(),
        ...(options.alias !== undefined ? { alias: options.alias } : {}),
        createdAt: this.deps.now(),
      };
      if (await this.deps.store.createAccount(account)) return account;
      if (options.accountId !== undefined) throw new DomainError('Conflict', `account ${options.accountId} exists already`);
    }
    throw new DomainError('Internal', 'could not find a free account id');
  }

  /** Creates the account when it does not exist yet (the default account at start). */
  async ensureAccount(accountId: string): Promise<AccountRecord> {
    await this.deps.store.createAccount({ accountId, createdAt: this.deps.now() });
    return (await this.deps.store.getAccount(accountId))!;
  }

  listAccounts(): Promise<AccountRecord[]> {
    return this.deps.store.listAccounts();
  }

  private async account(accountId: string): Promise<AccountRecord> {
    const account = await this.deps.store.getAccount(accountId);
    if (!account) throw new DomainError('NotFound', `account ${accountId} does not exist (create it with \`berth admin accounts create --id ${accountId}\`)`);
    return account;
  }

  // ---- users ----

  async createUser(accountId: string, userName: string, path = '/'): Promise<UserRecord> {
    if (!USER_NAME.test(userName)) {
      throw new DomainError('InvalidParameter', `user name "${userName.slice(0, 80)}" must be 1-64 letters, digits or +=,.@_-`);
    }
    if (path.length > 512 || !IAM_PATH.test(path)) throw new DomainError('InvalidParameter', 'a user path is "/" or starts and ends with "/", like /team/');
    await this.account(accountId);
    const user: UserRecord = { accountId, userName, userId: generateUserId(), path, createdAt: this.deps.now() };
    await this.deps.store.createUser(user);
    return user;
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord> {
    const user = await this.deps.store.getUser(accountId, userName);
    if (!user) throw userNotFound(userName);
    return user;
  }

  listUsers(accountId: string): Promise<UserRecord[]> {
    return this.deps.store.listUsers(accountId);
  }

  /** As IAM does, refuses while the user has keys or policies, unless `force` deletes them too. */
  async deleteUser(accountId: string, userName: string, options: { force?: boolean } = {}): Promise<void> {
    const user = await this.getUser(accountId, userName);
    if (!options.force) {
      const [keys, policies] = await Promise.all([
        this.deps.store.listAccessKeys(accountId, user.userName),
        this.deps.store.listUserPolicies(accountId, user.userName),
      ]);
      if (keys.length > 0 || policies.length > 0) {
        throw new DomainError(
          'Conflict',
          `Cannot delete entity, must delete access keys and policies first (user ${user.userName} has ${keys.length} key(s) and ${policies.length} policy(ies); --force deletes them too).`,
        );
      }
    }
    await this.deps.store.deleteUser(accountId, user.userName);
    this.deps.onCredentialsChanged?.();
  }

  // ---- access keys ----

  /** A new key for a user, or for the account root when `userName` is undefined. */
  async createAccessKey(accountId: string, userName: string | undefined): Promise<CreatedAccessKey> {
    await this.account(accountId);
    const owner = userName === undefined ? undefined : (await this.getUser(accountId, userName)).userName;
    const accessKeyId = generateAccessKeyId();
    const secretAccessKey = generateSecretAccessKey();
    const record: AccessKeyRecord = {
      accessKeyId,
      accountId,
      ...(owner !== undefined ? { userName: owner } : {}),
      status: 'Active',
      sealedSecret: seal(this.deps.keyring, secretAccessKey, accessKeyId),
      createdAt: this.deps.now(),
    };
    // The store counts the owner's keys in the transaction that inserts (nodes create at once).
    await this.deps.store.createAccessKey(record, KEYS_PER_PRINCIPAL);
    return { ...summary(record), secretAccessKey };
  }

  async listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeySummary[]> {
    if (userName !== undefined) await this.getUser(accountId, userName);
    return (await this.deps.store.listAccessKeys(accountId, userName)).map(summary);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<AccessKeySummary> {
    if (!(await this.deps.store.setAccessKeyStatus(accessKeyId, status))) throw keyNotFound(accessKeyId);
    this.deps.onCredentialsChanged?.(accessKeyId);
    return summary((await this.deps.store.getAccessKey(accessKeyId))!);
  }

  async deleteAccessKey(accessKeyId: string): Promise<void> {
    if (!(await this.deps.store.deleteAccessKey(accessKeyId))) throw keyNotFound(accessKeyId);
    this.deps.onCredentialsChanged?.(accessKeyId);
  }

  /**
   * After a new key-encryption key is made active (put first in the keyring, old keys kept),
   * re-seals every stored secret with it, so the old keys can then be removed.
   */
  async resealSecrets(): Promise<{ resealed: number; activeKid: string }> {
    const { keyring } = this.deps;
    const resealed = await this.deps.store.resealAccessKeys((key) =>
      needsReseal(keyring, key.sealedSecret) ? reseal(keyring, key.sealedSecret, key.accessKeyId) : undefined,
    );
    return { resealed, activeKid: keyring.activeKid };
  }

  // ---- identity policies ----

  /** Validates the document as an identity policy and stores it as written. */
  async putUserPolicy(accountId: string, userName: string, policyName: string, document: string): Promise<void> {
    if (!POLICY_NAME.test(policyName)) {
      throw new DomainError('InvalidParameter', `policy name "${policyName.slice(0, 80)}" must be 1-128 letters, digits or +=,.@_-`);
    }
    if (document.length > MAX_POLICY_CHARS) throw new DomainError('InvalidParameter', `a policy document may hold at most ${MAX_POLICY_CHARS} characters`);
    parsePolicy(document, 'identity');
    const user = await this.getUser(accountId, userName);
    await this.deps.store.putUserPolicy(accountId, user.userName, policyName, document, this.deps.now());
  }

  async getUserPolicy(accountId: string, userName: string, policyName: string): Promise<PolicyTextRecord> {
    const user = await this.getUser(accountId, userName);
    const policy = await this.deps.store.getUserPolicy(accountId, user.userName, policyName);
    if (!policy) throw userPolicyNotFound(policyName);
    return policy;
  }

  async listUserPolicies(accountId: string, userName: string): Promise<string[]> {
    const user = await this.getUser(accountId, userName);
    return (await this.deps.store.listUserPolicies(accountId, user.userName)).map((p) => p.name);
  }

  async deleteUserPolicy(accountId: string, userName: string, policyName: string): Promise<void> {
    const user = await this.getUser(accountId, userName);
    if (!(await this.deps.store.deleteUserPolicy(accountId, user.userName, policyName))) throw userPolicyNotFound(policyName);
  }
}

function userPolicyNotFound(policyName: string): DomainError {
  return new DomainError('NotFound', `The user policy with name ${policyName} cannot be found.`);
}

function keyNotFound(accessKeyId: string): DomainError {
  return new DomainError('NotFound', `The Access Key with id ${accessKeyId.slice(0, 128)} cannot be found.`);
}
