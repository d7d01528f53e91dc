import type { UserRecord } from '../metadata/iam-store.js';
import type { Principal } from './principal.js';
import { accountRootArn, userArn } from './policy/index.js';

export type RootPrincipal = Extract<Principal, { kind: 'root' }>;
export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Principals as authentication establishes them from stored identities. */
export function rootPrincipal(accountId: string, accessKeyId?: string): RootPrincipal {
  return { kind: 'root', accountId, arn: accountRootArn(accountId), ...(accessKeyId !== undefined ? { accessKeyId } : {}) };
}

export function userPrincipal(user: UserRecord, accessKeyId?: string): UserPrincipal {
  return {
    kind: 'user',
    accountId: user.accountId,
    arn: userArn(user.accountId, user.userName, user.path),
    userName: user.userName,
    userId: user.userId,
    ...(accessKeyId !== undefined ? { accessKeyId } : {}),
  };
}

/** How a principal appears in logs and AccessDenied messages: its ARN, or "anonymous". */
export function principalName(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.arn;
}
