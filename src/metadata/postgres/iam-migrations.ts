import type { PostgresMigration } from '../migration.js';

/**
 * Identity and access schema (see sqlite/iam-migrations.ts). User and policy names compare
 * case-insensitively as IAM's do (SQLite's NOCASE): each is stored as written, and keyed by a
 * generated `*_key` column, its ASCII lower case (lower() under COLLATE "C" folds A-Z only, as
 * NOCASE does), which is also what listings order by. A root key has no user_name; foreign keys
 * with a NULL column are not checked (MATCH SIMPLE), so root keys hang off the account alone.
 */
export const iamPostgresMigrations: PostgresMigration[] = [
  {
    id: 'iam/001-identities-and-policies',
    postgres: `
      CREATE TABLE iam_accounts (
        account_id TEXT COLLATE "C" PRIMARY KEY,
        alias TEXT UNIQUE,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE iam_users (
        account_id TEXT COLLATE "C" NOT NULL REFERENCES iam_accounts(account_id) ON DELETE CASCADE,
        user_name TEXT COLLATE "C" NOT NULL,
        user_key TEXT COLLATE "C" GENERATED ALWAYS AS (lower(user_name)) STORED,
        user_id TEXT NOT NULL UNIQUE,
        path TEXT NOT NULL DEFAULT '/',
        created_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, user_key)
      );
      CREATE TABLE iam_access_keys (
        access_key_id TEXT COLLATE "C" PRIMARY KEY,
        account_id TEXT COLLATE "C" NOT NULL REFERENCES iam_accounts(account_id) ON DELETE CASCADE,
        user_name TEXT COLLATE "C",
        user_key TEXT COLLATE "C" GENERATED ALWAYS AS (lower(user_name)) STORED,
        status TEXT NOT NULL DEFAULT 'Active' CHECK (status IN ('Active', 'Inactive')),
        sealed_secret TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        FOREIGN KEY (account_id, user_key) REFERENCES iam_users(account_id, user_key) ON DELETE CASCADE
      );
      CREATE INDEX iam_access_keys_by_owner ON iam_access_keys(account_id, user_key);
      CREATE TABLE iam_user_policies (
        account_id TEXT COLLATE "C" NOT NULL,
        user_name TEXT COLLATE "C" NOT NULL,
        user_key TEXT COLLATE "C" GENERATED ALWAYS AS (lower(user_name)) STORED,
        policy_name TEXT COLLATE "C" NOT NULL,
        policy_key TEXT COLLATE "C" GENERATED ALWAYS AS (lower(policy_name)) STORED,
        document TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, user_key, policy_key),
        FOREIGN KEY (account_id, user_key) REFERENCES iam_users(account_id, user_key) ON DELETE CASCADE
      );
      CREATE TABLE ecr_repository_policies (
        repository_id BIGINT PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
        document TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE ecr_registry_policies (
        account_id TEXT COLLATE "C" PRIMARY KEY,
        document TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE TABLE ecr_account_settings (
        account_id TEXT COLLATE "C" NOT NULL,
        name TEXT COLLATE "C" NOT NULL,
        value TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (account_id, name)
      );
    `,
  },
];
