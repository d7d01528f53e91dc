import { DomainError, accessKeyExists, accessKeyQuotaExceeded, accountAliasTaken, accountNotFound, userAlreadyExists, userNotFound } from '../../domain/errors.js';
import { type AccountRow, type KeyRow, type PolicyRow, type UserRow, toAccount, toKey, toPolicy, toUser } from '../iam-rows.js';
import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, IamStore, PolicyTextRecord, UserRecord } from '../iam-store.js';
import { type PostgresDatabase, type Sql, sqlState } from './database.js';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** A user or policy name as its table keys it (iam-migrations.ts): ASCII lower case. */
const nameKey = (parameter: string): string => `lower(${parameter}::text COLLATE "C")`;

const KEY_COLUMNS = 'access_key_id, account_id, user_name, status, sealed_secret, created_at';

/**
 * Identities, keys, identity policies and ECR's resource policies and settings on PostgreSQL.
 * Uniqueness (accounts, aliases, user names, key ids) is the constraints' to decide, so racing
 * creators get one winner and a Conflict; the two read-then-write operations lock what they read:
 * createFirstRootKey the account's row, resealAccessKeys every key row.
 */
export class PostgresIamStore implements IamStore {
  constructor(private readonly database: PostgresDatabase) {}

  // ---- accounts ----

  async createAccount(account: AccountRecord): Promise<boolean> {
    try {
      const created = await this.database.run(
        'INSERT INTO iam_accounts (account_id, alias, created_at) VALUES ($1, $2, $3) ON CONFLICT (account_id) DO NOTHING',
        [account.accountId, account.alias ?? null, account.createdAt.getTime()],
      );
      return created > 0;
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION) throw accountAliasTaken(account.alias);
      throw err;
    }
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const row = await this.database.row<AccountRow>('SELECT * FROM iam_accounts WHERE account_id = $1', [accountId]);
    return row && toAccount(row);
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return (await this.database.rows<AccountRow>('SELECT * FROM iam_accounts ORDER BY account_id')).map(toAccount);
  }

  // ---- users ----

  async createUser(user: UserRecord): Promise<void> {
    try {
      await this.database.run('INSERT INTO iam_users (account_id, user_name, user_id, path, created_at) VALUES ($1, $2, $3, $4, $5)', [
        user.accountId,
        user.userName,
        user.userId,
        user.path,
        user.createdAt.getTime(),
      ]);
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION) throw userAlreadyExists(user.userName);
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw accountNotFound(user.accountId);
      throw err;
    }
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord | undefined> {
    const row = await this.database.row<UserRow>(`SELECT * FROM iam_users WHERE account_id = $1 AND user_key = ${nameKey('$2')}`, [accountId, userName]);
    return row && toUser(row);
  }

  async listUsers(accountId: string): Promise<UserRecord[]> {
    return (await this.database.rows<UserRow>('SELECT * FROM iam_users WHERE account_id = $1 ORDER BY user_key', [accountId])).map(toUser);
  }

  async deleteUser(accountId: string, userName: string): Promise<boolean> {
    // Keys and policies go with the user (foreign keys ON DELETE CASCADE).
    return (await this.database.run(`DELETE FROM iam_users WHERE account_id = $1 AND user_key = ${nameKey('$2')}`, [accountId, userName])) > 0;
  }

  // ---- access keys ----

  async createAccessKey(key: AccessKeyRecord, quota: number): Promise<void> {
    try {
      await this.database.transaction(async (tx) => {
        // The owner's row is the lock creators on every node queue on (inserting keys only
        // key-share locks it); the count below is a new statement, so it sees their commits.
        if (key.userName === undefined) {
          const account = await tx.row('SELECT 1 AS found FROM iam_accounts WHERE account_id = $1 FOR NO KEY UPDATE', [key.accountId]);
          if (!account) throw accountNotFound(key.accountId);
        } else {
          const user = await tx.row(`SELECT 1 AS found FROM iam_users WHERE account_id = $1 AND user_key = ${nameKey('$2')} FOR NO KEY UPDATE`, [
            key.accountId,
            key.userName,
          ]);
          if (!user) throw userNotFound(key.userName);
        }
        const { n } = (await tx.row<{ n: number }>(
          key.userName === undefined
            ? 'SELECT COUNT(*) AS n FROM iam_access_keys WHERE account_id = $1 AND user_name IS NULL'
            : `SELECT COUNT(*) AS n FROM iam_access_keys WHERE account_id = $1 AND user_key = ${nameKey('$2')}`,
          key.userName === undefined ? [key.accountId] : [key.accountId, key.userName],
        ))!;
        if (n >= quota) throw accessKeyQuotaExceeded(quota);
        await insertKey(tx, key);
      });
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION) throw accessKeyExists(key.accessKeyId);
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw key.userName ? userNotFound(key.userName) : accountNotFound(key.accountId);
      throw err;
    }
  }

  async createFirstRootKey(key: AccessKeyRecord): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      // The account's row is the lock two nodes starting together queue on; the check below is a
      // new statement, so the second sees the key the first committed.
      const account = await tx.row('SELECT 1 AS found FROM iam_accounts WHERE account_id = $1 FOR NO KEY UPDATE', [key.accountId]);
      if (!account) throw accountNotFound(key.accountId);
      const existing = await tx.row('SELECT 1 AS found FROM iam_access_keys WHERE account_id = $1 AND user_name IS NULL LIMIT 1', [key.accountId]);
      if (existing) return false;
      await insertKey(tx, { ...key, userName: undefined });
      return true;
    });
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = await this.database.row<KeyRow>(`SELECT ${KEY_COLUMNS} FROM iam_access_keys WHERE access_key_id = $1`, [accessKeyId]);
    return row && toKey(row);
  }

  async listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]> {
    const rows =
      userName === undefined
        ? await this.database.rows<KeyRow>(
            `SELECT ${KEY_COLUMNS} FROM iam_access_keys WHERE account_id = $1 AND user_name IS NULL ORDER BY created_at, access_key_id`,
            [accountId],
          )
        : await this.database.rows<KeyRow>(
            `SELECT ${KEY_COLUMNS} FROM iam_access_keys WHERE account_id = $1 AND user_key = ${nameKey('$2')} ORDER BY created_at, access_key_id`,
            [accountId, userName],
          );
    return rows.map(toKey);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): Promise<boolean> {
    return (await this.database.run('UPDATE iam_access_keys SET status = $1 WHERE access_key_id = $2', [status, accessKeyId])) > 0;
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return (await this.database.run('DELETE FROM iam_access_keys WHERE access_key_id = $1', [accessKeyId])) > 0;
  }

  async resealAccessKeys(update: (key: AccessKeyRecord) => string | undefined): Promise<number> {
    return this.database.transaction(async (tx) => {
      // Every key is locked before it is read: a rotation on another node waits for this one and
      // then re-seals what this one wrote, rather than both sealing the same old envelope.
      const rows = await tx.rows<KeyRow>(`SELECT ${KEY_COLUMNS} FROM iam_access_keys ORDER BY access_key_id FOR UPDATE`);
      const ids: string[] = [];
      const sealed: string[] = [];
      for (const row of rows) {
        const next = update(toKey(row));
        if (next !== undefined && next !== row.sealed_secret) {
          ids.push(row.access_key_id);
          sealed.push(next);
        }
      }
      if (ids.length > 0) {
        await tx.run(
          `UPDATE iam_access_keys k SET sealed_secret = u.sealed FROM unnest($1::text[], $2::text[]) AS u(id, sealed) WHERE k.access_key_id = u.id`,
          [ids, sealed],
        );
      }
      return ids.length;
    });
  }

  // ---- identity policies ----

  async putUserPolicy(accountId: string, userName: string, policyName: string, document: string, now: Date): Promise<void> {
    try {
      await this.database.run(
        `INSERT INTO iam_user_policies (account_id, user_name, policy_name, document, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (account_id, user_key, policy_key) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
        [accountId, userName, policyName, document, now.getTime()],
      );
    } catch (err) {
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw userNotFound(userName);
      throw err;
    }
  }

  async getUserPolicy(accountId: string, userName: string, policyName: string): Promise<PolicyTextRecord | undefined> {
    const row = await this.database.row<PolicyRow>(
      `SELECT * FROM iam_user_policies WHERE account_id = $1 AND user_key = ${nameKey('$2')} AND policy_key = ${nameKey('$3')}`,
      [accountId, userName, policyName],
    );
    return row && toPolicy(row);
  }

  async listUserPolicies(accountId: string, userName: string): Promise<PolicyTextRecord[]> {
    const rows = await this.database.rows<PolicyRow>(
      `SELECT * FROM iam_user_policies WHERE account_id = $1 AND user_key = ${nameKey('$2')} ORDER BY policy_key`,
      [accountId, userName],
    );
    return rows.map(toPolicy);
  }

  async deleteUserPolicy(accountId: string, userName: string, policyName: string): Promise<boolean> {
    const deleted = await this.database.run(
      `DELETE FROM iam_user_policies WHERE account_id = $1 AND user_key = ${nameKey('$2')} AND policy_key = ${nameKey('$3')}`,
      [accountId, userName, policyName],
    );
    return deleted > 0;
  }

  // ---- resource policies and settings ----

  async getRepositoryPolicy(repositoryId: number): Promise<string | undefined> {
    return (await this.database.row<{ document: string }>('SELECT document FROM ecr_repository_policies WHERE repository_id = $1', [repositoryId]))
      ?.document;
  }

  async putRepositoryPolicy(repositoryId: number, document: string, now: Date): Promise<void> {
    try {
      await this.database.run(
        `INSERT INTO ecr_repository_policies (repository_id, document, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (repository_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
        [repositoryId, document, now.getTime()],
      );
    } catch (err) {
      // The repository was deleted between the caller's lookup and this write.
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw new DomainError('RepositoryNotFound', 'The repository does not exist');
      throw err;
    }
  }

  async deleteRepositoryPolicy(repositoryId: number): Promise<string | undefined> {
    return (await this.database.row<{ document: string }>('DELETE FROM ecr_repository_policies WHERE repository_id = $1 RETURNING document', [repositoryId]))
      ?.document;
  }

  async getRegistryPolicy(accountId: string): Promise<string | undefined> {
    return (await this.database.row<{ document: string }>('SELECT document FROM ecr_registry_policies WHERE account_id = $1', [accountId]))?.document;
  }

  async putRegistryPolicy(accountId: string, document: string, now: Date): Promise<void> {
    await this.database.run(
      `INSERT INTO ecr_registry_policies (account_id, document, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (account_id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      [accountId, document, now.getTime()],
    );
  }

  async deleteRegistryPolicy(accountId: string): Promise<string | undefined> {
    return (await this.database.row<{ document: string }>('DELETE FROM ecr_registry_policies WHERE account_id = $1 RETURNING document', [accountId]))
      ?.document;
  }

  async getAccountSetting(accountId: string, name: string): Promise<string | undefined> {
    return (await this.database.row<{ value: string }>('SELECT value FROM ecr_account_settings WHERE account_id = $1 AND name = $2', [accountId, name]))
      ?.value;
  }

  async putAccountSetting(accountId: string, name: string, value: string, now: Date): Promise<void> {
    await this.database.run(
      `INSERT INTO ecr_account_settings (account_id, name, value, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [accountId, name, value, now.getTime()],
    );
  }
}

function insertKey(sql: Sql, key: AccessKeyRecord): Promise<number> {
  return sql.run('INSERT INTO iam_access_keys (access_key_id, account_id, user_name, status, sealed_secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    key.accessKeyId,
    key.accountId,
    key.userName ?? null,
    key.status,
    key.sealedSecret,
    key.createdAt.getTime(),
  ]);
}
