import type { AccessKeyRecord, AccessKeyStatus, AccountRecord, PolicyTextRecord, UserRecord } from './iam-store.js';

/** The IAM tables' rows and their records, shared by both engines (see rows.ts). */

export interface AccountRow {
  account_id: string;
  alias: string | null;
  created_at: number;
}

export interface UserRow {
  account_id: string;
  user_name: string;
  user_id: string;
  path: string;
  created_at: number;
}

export interface KeyRow {
  access_key_id: string;
  account_id: string;
  user_name: string | null;
  status: AccessKeyStatus;
  sealed_secret: string;
  created_at: number;
}

export interface PolicyRow {
  policy_name: string;
  document: string;
  created_at: number;
  updated_at: number;
}

export const toAccount = (r: AccountRow): AccountRecord => ({
  accountId: r.account_id,
  ...(r.alias !== null ? { alias: r.alias } : {}),
  createdAt: new Date(r.created_at),
});

export const toUser = (r: UserRow): UserRecord => ({
  accountId: r.account_id,
  userName: r.user_name,
  userId: r.user_id,
  path: r.path,
  createdAt: new Date(r.created_at),
});

export const toKey = (r: KeyRow): AccessKeyRecord => ({
  accessKeyId: r.access_key_id,
  accountId: r.account_id,
  ...(r.user_name !== null ? { userName: r.user_name } : {}),
  status: r.status,
  sealedSecret: r.sealed_secret,
  createdAt: new Date(r.created_at),
});

export const toPolicy = (r: PolicyRow): PolicyTextRecord => ({
  name: r.policy_name,
  document: r.document,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});
