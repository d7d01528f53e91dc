/**
 * Conformance cases for the IamStore (accounts, users, access keys, identity policies, resource
 * policies and account settings), run inside describeMetadataStoreConformance against every
 * implementation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccessKeyRecord } from '../../src/metadata/iam-store.js';
import type { RepositoryRecord } from '../../src/metadata/registry-store.js';
import type { MetadataStore } from '../../src/metadata/store.js';
import { at, codeOf, t0 } from './conformance-helpers.js';

const A = '111111111111';
const B = '222222222222';

export function describeIamStoreConformance(current: () => { store: MetadataStore; repo: RepositoryRecord }): void {
  describe('iam store', () => {
    let store: MetadataStore;
    let repo: RepositoryRecord;

    beforeEach(async () => {
      ({ store, repo } = current());
      await store.iam.createAccount({ accountId: A, createdAt: t0 });
    });

    const user = (userName: string, accountId = A) => ({ accountId, userName, userId: `AIDA${userName.toUpperCase()}${accountId}`, path: '/', createdAt: t0 });
    const key = (accessKeyId: string, userName?: string, seconds = 0, accountId = A): AccessKeyRecord => ({
      accessKeyId,
      accountId,
      ...(userName !== undefined && { userName }),
      status: 'Active',
      sealedSecret: `sealed:${accessKeyId}`,
      createdAt: at(seconds),
    });

    describe('iam accounts and users', () => {
      it('creates an account once, keeps aliases unique, and lists accounts by id', async () => {
        expect(await store.iam.createAccount({ accountId: A, alias: 'ignored', createdAt: at(5) })).toBe(false);
        expect(await store.iam.getAccount(A)).toEqual({ accountId: A, createdAt: t0 });
        expect(await store.iam.createAccount({ accountId: B, alias: 'team-b', createdAt: at(1) })).toBe(true);
        expect(await codeOf(store.iam.createAccount({ accountId: '333333333333', alias: 'team-b', createdAt: at(2) }))).toBe('Conflict');
        expect(await store.iam.createAccount({ accountId: '000000000001', createdAt: at(3) })).toBe(true);
        expect((await store.iam.listAccounts()).map((a) => [a.accountId, a.alias])).toEqual([
          ['000000000001', undefined],
          [A, undefined],
          [B, 'team-b'],
        ]);
        expect(await store.iam.getAccount('999999999999')).toBeUndefined();
      });

      it('compares user names case-insensitively, keeping the name as created, and lists them in that order', async () => {
        for (const name of ['bob', 'Alice', 'carol', 'Bobby']) await store.iam.createUser(user(name));
        expect(await codeOf(store.iam.createUser(user('BOB')))).toBe('Conflict');
        expect(await codeOf(store.iam.createUser({ ...user('dave'), userId: user('bob').userId }))).toBe('Conflict');
        expect(await store.iam.getUser(A, 'ALICE')).toEqual(user('Alice'));
        expect((await store.iam.listUsers(A)).map((u) => u.userName)).toEqual(['Alice', 'bob', 'Bobby', 'carol']);
        expect(await codeOf(store.iam.createUser(user('eve', '999999999999')))).toBe('NotFound');
        // Another account may use the same name.
        await store.iam.createAccount({ accountId: B, createdAt: t0 });
        await store.iam.createUser({ ...user('bob', B), userId: 'AIDAOTHER' });
        expect((await store.iam.listUsers(B)).map((u) => u.userName)).toEqual(['bob']);
      });

      it('deletes a user with its keys and policies; a re-created user starts without them', async () => {
        await store.iam.createUser(user('ci'));
        await store.iam.createAccessKey(key('AKIACI0000000000000A', 'ci'), 2);
        await store.iam.putUserPolicy(A, 'ci', 'push', '{"Statement":[]}', t0);
        expect(await store.iam.deleteUser(A, 'CI')).toBe(true);
        expect(await store.iam.deleteUser(A, 'ci')).toBe(false);
        expect(await store.iam.getAccessKey('AKIACI0000000000000A')).toBeUndefined();
        await store.iam.createUser(user('ci'));
        expect(await store.iam.listAccessKeys(A, 'ci')).toEqual([]);
        expect(await store.iam.listUserPolicies(A, 'ci')).toEqual([]);
      });
    });

    describe('iam access keys', () => {
      it("keeps users' and the root's keys apart, in creation order, refusing duplicates and unknown owners", async () => {
        await store.iam.createUser(user('ci'));
        await store.iam.createAccessKey(key('AKIAUSER2', 'ci', 2), 2);
        await store.iam.createAccessKey(key('AKIAUSER1', 'CI', 2), 2);
        await store.iam.createAccessKey(key('AKIAROOT1', undefined, 1), 2);
        expect((await store.iam.listAccessKeys(A, 'Ci')).map((k) => k.accessKeyId)).toEqual(['AKIAUSER1', 'AKIAUSER2']);
        expect((await store.iam.listAccessKeys(A, undefined)).map((k) => k.accessKeyId)).toEqual(['AKIAROOT1']);
        expect(await store.iam.getAccessKey('AKIAROOT1')).toEqual(key('AKIAROOT1', undefined, 1));
        expect(await store.iam.getAccessKey('AKIAUSER2')).toEqual(key('AKIAUSER2', 'ci', 2));
        expect(await codeOf(store.iam.createAccessKey(key('AKIAUSER1', 'ci'), 3))).toBe('Conflict');
        expect(await codeOf(store.iam.createAccessKey(key('AKIANOUSER', 'nobody'), 2))).toBe('NotFound');
        expect(await codeOf(store.iam.createAccessKey(key('AKIANOACCOUNT', undefined, 0, '999999999999'), 2))).toBe('NotFound');
      });

      it("refuses a key beyond the owner's quota, counting the user's keys and the root's apart", async () => {
        await store.iam.createUser(user('ci'));
        await store.iam.createAccessKey(key('AKIAUSER1', 'ci'), 2);
        await store.iam.createAccessKey(key('AKIAUSER2', 'CI'), 2);
        const refused = await store.iam.createAccessKey(key('AKIAUSER3', 'ci'), 2).catch((err: unknown) => err);
        expect(refused).toMatchObject({ code: 'LimitExceeded', message: 'Cannot exceed quota for AccessKeysPerUser: 2' });
        // Inactive keys count too (as in IAM); the root has a quota of its own.
        await store.iam.createAccessKey(key('AKIAROOT1'), 2);
        await store.iam.setAccessKeyStatus('AKIAROOT1', 'Inactive');
        await store.iam.createAccessKey(key('AKIAROOT2'), 2);
        expect(await codeOf(store.iam.createAccessKey(key('AKIAROOT3'), 2))).toBe('LimitExceeded');
        expect(await store.iam.getAccessKey('AKIAUSER3')).toBeUndefined();
        await store.iam.deleteAccessKey('AKIAUSER1');
        await store.iam.createAccessKey(key('AKIAUSER3', 'ci'), 2);
        expect((await store.iam.listAccessKeys(A, 'ci')).map((k) => k.accessKeyId).sort()).toEqual(['AKIAUSER2', 'AKIAUSER3']);
      });

      it('sets a key inactive and deletes it; unknown keys are reported', async () => {
        await store.iam.createAccessKey(key('AKIAROOT1'), 2);
        expect(await store.iam.setAccessKeyStatus('AKIAROOT1', 'Inactive')).toBe(true);
        expect((await store.iam.getAccessKey('AKIAROOT1'))?.status).toBe('Inactive');
        expect(await store.iam.setAccessKeyStatus('AKIAMISSING', 'Active')).toBe(false);
        expect(await store.iam.deleteAccessKey('AKIAROOT1')).toBe(true);
        expect(await store.iam.deleteAccessKey('AKIAROOT1')).toBe(false);
      });

      it('creates the first root key only: later calls, and user keys, make no difference', async () => {
        await store.iam.createUser(user('ci'));
        await store.iam.createAccessKey(key('AKIAUSER1', 'ci'), 2);
        expect(await store.iam.createFirstRootKey(key('AKIAFIRST'))).toBe(true);
        expect(await store.iam.createFirstRootKey(key('AKIASECOND'))).toBe(false);
        expect((await store.iam.listAccessKeys(A, undefined)).map((k) => k.accessKeyId)).toEqual(['AKIAFIRST']);
        expect(await codeOf(store.iam.createFirstRootKey(key('AKIANOACCOUNT', undefined, 0, '999999999999')))).toBe('NotFound');
      });

      it('re-seals the secrets the update changes and counts them', async () => {
        await store.iam.createUser(user('ci'));
        await store.iam.createAccessKey(key('AKIA1', 'ci'), 2);
        await store.iam.createAccessKey(key('AKIA2'), 2);
        await store.iam.createAccessKey({ ...key('AKIA3'), sealedSecret: 'v2:already' }, 3);
        const seen: string[] = [];
        const resealed = await store.iam.resealAccessKeys((k) => {
          seen.push(k.accessKeyId);
          return k.sealedSecret.startsWith('v2:') ? k.sealedSecret : k.accessKeyId === 'AKIA2' ? undefined : `v2:${k.sealedSecret}`;
        });
        expect(resealed).toBe(1);
        expect(seen.sort()).toEqual(['AKIA1', 'AKIA2', 'AKIA3']);
        expect((await store.iam.getAccessKey('AKIA1'))?.sealedSecret).toBe('v2:sealed:AKIA1');
        expect((await store.iam.getAccessKey('AKIA2'))?.sealedSecret).toBe('sealed:AKIA2');
      });
    });

    describe('iam identity policies', () => {
      it('puts, replaces (keeping the creation time), lists by name case-insensitively and deletes inline policies', async () => {
        await store.iam.createUser(user('ci'));
        await store.iam.putUserPolicy(A, 'ci', 'Push', 'v1', at(1));
        await store.iam.putUserPolicy(A, 'CI', 'pull', 'p', at(2));
        await store.iam.putUserPolicy(A, 'ci', 'push', 'v2', at(3));
        expect(await store.iam.getUserPolicy(A, 'ci', 'PUSH')).toEqual({ name: 'Push', document: 'v2', createdAt: at(1), updatedAt: at(3) });
        expect((await store.iam.listUserPolicies(A, 'Ci')).map((p) => [p.name, p.document])).toEqual([
          ['pull', 'p'],
          ['Push', 'v2'],
        ]);
        expect(await store.iam.deleteUserPolicy(A, 'ci', 'pULL')).toBe(true);
        expect(await store.iam.deleteUserPolicy(A, 'ci', 'pull')).toBe(false);
        expect(await store.iam.getUserPolicy(A, 'ci', 'pull')).toBeUndefined();
        expect(await codeOf(store.iam.putUserPolicy(A, 'nobody', 'x', '{}', t0))).toBe('NotFound');
      });
    });

    describe('ecr resource policies and account settings', () => {
      it('keeps a repository policy verbatim until it is deleted or its repository goes', async () => {
        expect(await store.iam.getRepositoryPolicy(repo.id)).toBeUndefined();
        await store.iam.putRepositoryPolicy(repo.id, '{ "Version" : "1" }', t0);
        await store.iam.putRepositoryPolicy(repo.id, '{ "Version" : "2" }', at(1));
        expect(await store.iam.getRepositoryPolicy(repo.id)).toBe('{ "Version" : "2" }');
        expect(await store.iam.deleteRepositoryPolicy(repo.id)).toBe('{ "Version" : "2" }');
        expect(await store.iam.deleteRepositoryPolicy(repo.id)).toBeUndefined();

        const other = await store.registry.createRepository({ accountId: repo.accountId, name: 'other', now: t0 }, []);
        await store.iam.putRepositoryPolicy(other.id, 'doc', t0);
        await store.registry.deleteRepository(other.id, { force: true, events: [] });
        expect(await store.iam.getRepositoryPolicy(other.id)).toBeUndefined();
        expect(await codeOf(store.iam.putRepositoryPolicy(other.id, 'doc', t0))).toBe('RepositoryNotFound');
      });

      it('keeps one registry policy and settings per account', async () => {
        await store.iam.putRegistryPolicy(A, 'a1', t0);
        await store.iam.putRegistryPolicy(A, 'a2', at(1));
        await store.iam.putRegistryPolicy(B, 'b1', t0);
        expect([await store.iam.getRegistryPolicy(A), await store.iam.getRegistryPolicy(B)]).toEqual(['a2', 'b1']);
        expect(await store.iam.deleteRegistryPolicy(A)).toBe('a2');
        expect(await store.iam.deleteRegistryPolicy(A)).toBeUndefined();
        expect(await store.iam.getRegistryPolicy(B)).toBe('b1');

        await store.iam.putAccountSetting(A, 'REGISTRY_POLICY_SCOPE', 'V1', t0);
        await store.iam.putAccountSetting(A, 'REGISTRY_POLICY_SCOPE', 'V2', at(1));
        await store.iam.putAccountSetting(B, 'BLOB_MOUNTING', 'ENABLED', t0);
        expect(await store.iam.getAccountSetting(A, 'REGISTRY_POLICY_SCOPE')).toBe('V2');
        expect(await store.iam.getAccountSetting(A, 'BLOB_MOUNTING')).toBeUndefined();
        expect(await store.iam.getAccountSetting(B, 'BLOB_MOUNTING')).toBe('ENABLED');
      });
    });
  });
}
