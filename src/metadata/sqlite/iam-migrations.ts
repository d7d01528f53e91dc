import type { Migration } from '../migration.js';

/**
 * Identity and access schema. User names compare case-insensitively, as IAM's do. A root key has
 * no user_name; the composite foreign key is not enforced for it (SQLite skips foreign keys with a
 * NULL column), so root keys hang off the account alone. Repository policies hang off the
 * repository row, so deleting a repository deletes its policy and a re-created repository starts
 * without one, as in ECR.
 */
export const iamMigrations: Migration[] = [
  {
    id: 'iam/001-identities-and-policies',
    sqlite: `
      CREATE TABLE iam_accounts (
        account_id TEXT PRIMARY KEY,
        alias TEXT UNIQUE,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE iam_users (
        account_id TEXT NOT NULL REFERENCES iam_accounts(account_id) ON DELETE CASCADE,
        user_name TEXT NOT NULL COLLATE NOCASE,
        user_id TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL DEFAULT '/',
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, user_name)
      ) WITHOUT ROWID;
      CREATE TABLE iam_access_keys (
        access_key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES iam_accounts(account_id) ON DELETE CASCADE,
        user_name TEXT COLLATE NOCASE,
        status TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
        sealed_secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        FOREIGN KEY (account_id, user_name) REFERENCES iam_users(account_id, user_name) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX iam_access_keys_by_owner ON iam_access_keys(account_id, user_name);
      CREATE TABLE iam_user_policies (
        account_id TEXT NOT NULL,
        user_name TEXT NOT NULL COLLATE NOCASE,
        policy_name TEXT NOT NULL COLLATE NOCASE,
        document TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, user_name, policy_name),
        FOREIGN KEY (account_id, user_name) REFERENCES iam_users(account_id, user_name) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE TABLE ecr_repository_policies (
        repository_id INTEGER PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE ecr_registry_policies (
        account_id TEXT PRIMARY KEY,
        document TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE ecr_account_settings (
        account_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, name)
      ) WITHOUT ROWID;
    `,
  },
];
