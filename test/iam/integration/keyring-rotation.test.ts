/**
 * Rotating the key-encryption key: put a new key first (keeping the old one), re-seal, then drop
 * the old key; access keys keep working throughout, and a secret sealed under a key that is no
 * longer loaded fails closed.
 */
import { randomBytes } from 'node:crypto';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../../support/temp.js';
import { ACCOUNT_A, ALLOW_ALL_ECR, startBerth, type Credentials, type TestBerth } from './harness.js';

const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;

let dataDir: string;
beforeAll(async () => {
  dataDir = await tempDir('kek');
});
afterAll(() => removeDir(dataDir));

async function works(berth: TestBerth, credentials: Credentials): Promise<string> {
  const client = berth.ecr(credentials);
  try {
    await client.send(new DescribeRepositoriesCommand({}));
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  } finally {
    client.destroy();
  }
}

describe('key-encryption key rotation', () => {
  it('keeps access keys working from old key, through reseal, to new key only', async () => {
    let berth = await startBerth(dataDir, { auth: { keyring: K1 } });
    const user = await berth.user(ACCOUNT_A, 'rotated', { all: ALLOW_ALL_ECR });
    const sealedBefore = (await berth.app.store.iam.getAccessKey(user.accessKeyId))!.sealedSecret;
    expect(sealedBefore.split('.')[1]).toBe('k1');
    await berth.app.close();

    berth = await startBerth(dataDir, { auth: { keyring: `${K2}\n${K1}` } });
    expect(await works(berth, user)).toBe('ok');
    expect(await berth.app.iam.identities.resealSecrets()).toEqual({ resealed: 1, activeKid: 'k2' });
    expect((await berth.app.store.iam.getAccessKey(user.accessKeyId))!.sealedSecret.split('.')[1]).toBe('k2');
    await berth.app.close();

    berth = await startBerth(dataDir, { auth: { keyring: K2 } });
    expect(await works(berth, user)).toBe('ok');
    await berth.app.close();

    // Without the key it was sealed under, the secret cannot be opened: the key is refused, not guessed.
    berth = await startBerth(dataDir, { auth: { keyring: K1 } });
    expect(await works(berth, user)).toBe('UnrecognizedClientException');
    expect(berth.logs().some((l) => l.msg === 'access key secret cannot be opened' && l.accessKeyId === user.accessKeyId)).toBe(true);
    await berth.app.close();
  });
});
