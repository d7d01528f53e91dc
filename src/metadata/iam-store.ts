/**
 * Identity and access data: accounts (tenants), IAM users, access keys, identity policies, and the
 * ECR resource-side settings (repository and registry policies, account settings). Policy
 * documents are stored as the text the caller sent (ECR returns it verbatim); access-key secrets
 * only as sealed envelopes (src/iam/crypto/secret-box.ts), never in clear.
 */
export interface AccountRecord {
  accountId: string;
  alias?: string;
  createdAt: Date;
}

export interface UserRecord {
  accountId: string;
  userName: string;
  /** IAM's unique id ("AIDA…"), stable across a re-created user of the same name. */
  userId: string;
  /** "/" or "/division/team/". */
  path: string;
  createdAt: Date;
}

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** Absent for the account root's keys. */
  userName?: string;
  status: AccessKeyStatus;
  /** The secret sealed with the keyring, bound to the access key id. */
  sealedSecret: string;
  createdAt: Date;
}

export interface PolicyTextRecord {
  name: string;
  document: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface IamStore {
  /** Creates the account; false when it exists already. */
  createAccount(account: AccountRecord): Promise<boolean>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;

  /** Conflict when the account already has a user of that name (names compare case-insensitively). */
  createUser(user: UserRecord): Promise<void>;
  getUser(accountId: string, userName: string): Promise<UserRecord | undefined>;
  listUsers(accountId: string): Promise<UserRecord[]>;
  /** Deletes the user with its keys and policies; false when there was no such user. */
  deleteUser(accountId: string, userName: string): Promise<boolean>;

  /**
   * Creates the key unless its owner (the user, or the account root when `userName` is undefined)
   * has `quota` keys already (LimitExceeded). Counted and inserted in one transaction under a lock
   * on the owner's row, so keys created at once, on any number of nodes, never exceed the quota.
   */
  createAccessKey(key: AccessKeyRecord, quota: number): Promise<void>;
  /**
   * Creates a root key for the account unless the account already has one; returns whether it did.
   * Checked and inserted in one transaction, so two nodes starting together make one key.
   */
  createFirstRootKey(key: AccessKeyRecord): Promise<boolean>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** The keys of a user, or of the account root when `userName` is undefined. */
  listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]>;
  setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean>;
  deleteAccessKey(accessKeyId: string): Promise<boolean>;
  /** Replaces sealed secrets (after a key-encryption-key rotation). */
  resealAccessKeys(update: (key: AccessKeyRecord) => string | undefined): Promise<number>;

  /** Creates or replaces an inline policy of a user; NotFound when the user does not exist. */
  putUserPolicy(accountId: string, userName: string, policyName: string, document: string, now: Date): Promise<void>;
  getUserPolicy(accountId: string, userName: string, policyName: string): Promise<PolicyTextRecord | undefined>;
  listUserPolicies(accountId: string, userName: string): Promise<PolicyTextRecord[]>;
  deleteUserPolicy(accountId: string, userName: string, policyName: string): Promise<boolean>;

  /** The repository's policy text (deleted with the repository). */
  getRepositoryPolicy(repositoryId: number): Promise<string | undefined>;
  putRepositoryPolicy(repositoryId: number, document: string, now: Date): Promise<void>;
  /** Returns the deleted text, or undefined when the repository had none. */
  deleteRepositoryPolicy(repositoryId: number): Promise<string | undefined>;

  getRegistryPolicy(accountId: string): Promise<string | undefined>;
  putRegistryPolicy(accountId: string, document: string, now: Date): Promise<void>;
  deleteRegistryPolicy(accountId: string): Promise<string | undefined>;

  getAccountSetting(accountId: string, name: string): Promise<string | undefined>;
  putAccountSetting(accountId: string, name: string, value: string, now: Date): Promise<void>;
}
