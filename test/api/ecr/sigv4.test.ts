/**
 * The authenticate hook gets what a SigV4 verifier needs: the ECR adapter plugged to the real
 * verifier (src/iam/sigv4) accepts what the SDK signs and refuses a wrong secret the way AWS does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, ECRServiceException } from '@aws-sdk/client-ecr';
import { beginSigV4 } from '../../../src/iam/sigv4/index.js';
import type { Principal } from '../../../src/iam/principal.js';
import { ACCOUNT, REGION, startToyApp } from './helpers/toy-app.js';
import type { ToyApp } from './helpers/toy-app.js';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ROOT: Principal = { kind: 'root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accessKeyId: KEY_ID };

let toy: ToyApp;

beforeAll(async () => {
  toy = await startToyApp({
    authenticate: async (req) => {
      const pending = await beginSigV4(
        { method: req.method, path: req.rawPath, query: req.rawQuery, headers: req.headers },
        {
          region: REGION,
          services: ['ecr'],
          requiredSignedHeaders: ['x-amz-target'],
          lookupSecret: async (id) => (id === KEY_ID ? { secretAccessKey: SECRET, principal: ROOT } : undefined),
        },
      );
      return { signatureVerified: pending.signatureVerified, complete: (sha256) => pending.finish(sha256).principal };
    },
  });
});
afterAll(async () => {
  await toy.close();
});

function client(secretAccessKey: string): ECRClient {
  return new ECRClient({ endpoint: toy.url, region: REGION, credentials: { accessKeyId: KEY_ID, secretAccessKey }, maxAttempts: 1 });
}

describe('ECR API behind SigV4', () => {
  it('accepts requests the SDK signed, body included', async () => {
    const ecr = client(SECRET);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'signed/app', tags: [{ Key: 'k', Value: 'v w' }] }));
    const out = await ecr.send(new DescribeRepositoriesCommand({}));
    expect(out.repositories?.map((r) => r.repositoryName)).toEqual(['signed/app']);
    ecr.destroy();
  });

  it('refuses a wrong secret with InvalidSignatureException', async () => {
    const ecr = client(`${SECRET}x`);
    const err = await ecr.send(new DescribeRepositoriesCommand({})).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ECRServiceException);
    expect((err as ECRServiceException).name).toBe('InvalidSignatureException');
    expect((err as ECRServiceException).$metadata.httpStatusCode).toBe(400);
    ecr.destroy();
  });
});
