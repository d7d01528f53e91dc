import { DomainError, accessKeyExists, accessKeyQuotaExceeded, accountAliasTaken, accountNotFound, userAlreadyExists, userNotFound } from '../../domain/errors.js';
import { type AccountRow, type KeyRow, type PolicyRow, type UserRow, toAccount, toKey, toPolicy, toUser } from '../iam-rows.js';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, IamStore, PolicyTextRecord, UserRecord } from '../iam-store.js';
import type { SqliteDatabase } from './database.js';

const isUniqueViolation = (err: unknown): boolean =>
  (err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';

export class SqliteIamStore implements IamStore {
  constructor(private readonly database: SqliteDatabase) {}

  // ---- accounts ----

  async createAccount(account: AccountRecord): Promise<boolean> {
    try {
      const result = this.database
        .stmt('INSERT INTO iam_accounts (account_id, alias, created_at) VALUES (?, ?, ?) ON CONFLICT(account_id) DO NOTHING')
        .run(account.accountId, account.alias ?? null, account.createdAt.getTime());
      return result.changes > 0;
    } catch (err) {
      if (isUniqueViolation(err)) throw accountAliasTaken(account.alias);
      throw err;
    }
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM iam_accounts WHERE account_id = ?').get(accountId) as AccountRow | undefined;
    return row && toAccount(row);
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return (this.database.stmt('SELECT * FROM iam_accounts ORDER BY account_id').all() as AccountRow[]).map(toAccount);
  }

  // ---- users ----

  async createUser(user: UserRecord): Promise<void> {
    try {
      this.database
        .stmt('INSERT INTO iam_users (account_id, user_name, user_id, path, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(user.accountId, user.userName, user.userId, user.path, user.createdAt.getTime());
    } catch (err) {
      if (isUniqueViolation(err)) throw userAlreadyExists(user.userName);
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw accountNotFound(user.accountId);
      throw err;
    }
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM iam_users WHERE account_id = ? AND user_name = ?').get(accountId, userName) as
      | UserRow
      | undefined;
    return row && toUser(row);
  }

  async listUsers(accountId: string): Promise<UserRecord[]> {
    return (this.database.stmt('SELECT * FROM iam_users WHERE account_id = ? ORDER BY user_name').all(accountId) as UserRow[]).map(toUser);
  }

  async deleteUser(accountId: string, userName: string): Promise<boolean> {
    // Keys and policies go with the user (foreign keys ON DELETE CASCADE).
    return this.database.stmt('DELETE FROM iam_users WHERE account_id = ? AND user_name = ?').run(accountId, userName).changes > 0;
  }

  // ---- access keys ----

  private insertKey(key: AccessKeyRecord): void {
    this.database
      .stmt(
        `INSERT INTO iam_access_keys (access_key_id, account_id, user_name, status, sealed_secret, created_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(key.accessKeyId, key.accountId, key.userName ?? null, key.status, key.sealedSecret, key.createdAt.getTime());
  }

  async createAccessKey(key: AccessKeyRecord, quota: number): Promise<void> {
    try {
      // One write transaction: the count and the insert see no other writer in between.
      this.database.write(() => {
        const { n } = (
          key.userName === undefined
            ? this.database.stmt('SELECT COUNT(*) AS n FROM iam_access_keys WHERE account_id = ? AND user_name IS NULL').get(key.accountId)
            : this.database.stmt('SELECT COUNT(*) AS n FROM iam_access_keys WHERE account_id = ? AND user_name = ?').get(key.accountId, key.userName)
        ) as { n: number };
        if (n >= quota) throw accessKeyQuotaExceeded(quota);
        this.insertKey(key);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw accessKeyExists(key.accessKeyId);
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw key.userName ? userNotFound(key.userName) : accountNotFound(key.accountId);
      }
      throw err;
    }
  }

  async createFirstRootKey(key: AccessKeyRecord): Promise<boolean> {
    return this.database.write(() => {
      const existing = this.database
        .stmt('SELECT 1 FROM iam_access_keys WHERE account_id = ? AND user_name IS NULL LIMIT 1')
        .get(key.accountId);
      if (existing) return false;
      if (!this.database.stmt('SELECT 1 FROM iam_accounts WHERE account_id = ?').get(key.accountId)) throw accountNotFound(key.accountId);
      this.insertKey({ ...key, userName: undefined });
      return true;
    });
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = this.database.stmt('SELECT * FROM iam_access_keys WHERE access_key_id = ?').get(accessKeyId) as KeyRow | undefined;
    return row && toKey(row);
  }

  async listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]> {
    const rows =
      userName === undefined
        ? this.database.stmt('SELECT * FROM iam_access_keys WHERE account_id = ? AND user_name IS NULL ORDER BY created_at, access_key_id').all(accountId)
        : this.database
            .stmt('SELECT * FROM iam_access_keys WHERE account_id = ? AND user_name = ? ORDER BY created_at, access_key_id')
            .all(accountId, userName);
    return (rows as KeyRow[]).map(toKey);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    return this.database.stmt('UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?').run(status, accessKeyId).changes > 0;
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return this.database.stmt('DELETE FROM iam_access_keys WHERE access_key_id = ?').run(accessKeyId).changes > 0;
  }

  async resealAccessKeys(update: (key: AccessKeyRecord) => string | undefined): Promise<number> {
    return this.database.write(() => {
      const rows = this.database.stmt('SELECT * FROM iam_access_keys').all() as KeyRow[];
      const set = this.database.stmt('UPDATE iam_access_keys SET sealed_secret = ? WHERE access_key_id = ?');
      let changed = 0;
      for (const row of rows) {
        const sealed = update(toKey(row));
        if (sealed !== undefined && sealed !== row.sealed_secret) {
          set.run(sealed, row.access_key_id);
          changed++;
        }
      }
      return changed;
    });
  }

  // ---- identity policies ----

  async putUserPolicy(accountId: string, userName: string, policyName: string, document: string, now: Date): Promise<void> {
    try {
      this.database
        .stmt(
          `INSERT INTO iam_user_policies (account_id, user_name, policy_name, document, created_at, updated_at)
           VALUES (@account, @user, @name, @document, @now, @now)
           ON CONFLICT(account_id, user_name, policy_name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
        )
        .run({ account: accountId, user: userName, name: policyName, document, now: now.getTime() });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw userNotFound(userName);
      throw err;
    }
  }

  async getUserPolicy(accountId: string, userName: string, policyName: string): Promise<PolicyTextRecord | undefined> {
    const row = this.database
      .stmt('SELECT * FROM iam_user_policies WHERE account_id = ? AND user_name = ? AND policy_name = ?')
      .get(accountId, userName, policyName) as PolicyRow | undefined;
    return row && toPolicy(row);
  }

  async listUserPolicies(accountId: string, userName: string): Promise<PolicyTextRecord[]> {
    const rows = this.database
      .stmt('SELECT * FROM iam_user_policies WHERE account_id = ? AND user_name = ? ORDER BY policy_name')
      .all(accountId, userName) as PolicyRow[];
    return rows.map(toPolicy);
  }

  async deleteUserPolicy(accountId: string, userName: string, policyName: string): Promise<boolean> {
    return (
      this.database
        .stmt('DELETE FROM iam_user_policies WHERE account_id = ? AND user_name = ? AND policy_name = ?')
        .run(accountId, userName, policyName).changes > 0
    );
  }

  // ---- resource policies and settings ----

  async getRepositoryPolicy(repositoryId: number): Promise<string | undefined> {
    const row = this.database.stmt('SELECT document FROM ecr_repository_policies WHERE repository_id = ?').get(repositoryId) as
      | { document: string }
      | undefined;
    return row?.document;
  }

  async putRepositoryPolicy(repositoryId: number, document: string, now: Date): Promise<void> {
    try {
      this.database
        .stmt(
          `INSERT INTO ecr_repository_policies (repository_id, document, updated_at) VALUES (?, ?, ?)
           ON CONFLICT(repository_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
        )
        .run(repositoryId, document, now.getTime());
    } catch (err) {
      // The repository was deleted between the caller's lookup and this write.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new DomainError('RepositoryNotFound', 'The repository does not exist');
      throw err;
    }
  }

  async deleteRepositoryPolicy(repositoryId: number): Promise<string | undefined> {
    const row = this.database.stmt('DELETE FROM ecr_repository_policies WHERE repository_id = ? RETURNING document').get(repositoryId) as
      | { document: string }
      | undefined;
    return row?.document;
  }

  async getRegistryPolicy(accountId: string): Promise<string | undefined> {
    const row = this.database.stmt('SELECT document FROM ecr_registry_policies WHERE account_id = ?').get(accountId) as
      | { document: string }
      | undefined;
    return row?.document;
  }

  async putRegistryPolicy(accountId: string, document: string, now: Date): Promise<void> {
    this.database
      .stmt(
        `INSERT INTO ecr_registry_policies (account_id, document, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(account_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      )
      .run(accountId, document, now.getTime());
  }

  async deleteRegistryPolicy(accountId: string): Promise<string | undefined> {
    const row = this.database.stmt('DELETE FROM ecr_registry_policies WHERE account_id = ? RETURNING document').get(accountId) as
      | { document: string }
      | undefined;
    return row?.document;
  }

  async getAccountSetting(accountId: string, name: string): Promise<string | undefined> {
    const row = this.database.stmt('SELECT value FROM ecr_account_settings WHERE account_id = ? AND name = ?').get(accountId, name) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  async putAccountSetting(accountId: string, name: string, value: string, now: Date): Promise<void> {
    this.database
      .stmt(
        `INSERT INTO ecr_account_settings (account_id, name, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(account_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(accountId, name, value, now.getTime());
  }
}
