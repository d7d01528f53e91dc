import { describe, expect, it } from 'vitest';
import { verifySigV4, type SigV4Request } from '../../../src/iam/sigv4/index.js';
import { SUITE, loadVectors } from './helpers.js';

const principal = { kind: 'user', name: 'example' } as const;
const lookupSecret = async (id: string) =>
  id === SUITE.accessKeyId ? { secretAccessKey: SUITE.secretAccessKey, principal } : undefined;
const opts = (now = SUITE.now) => ({ lookupSecret, region: SUITE.region, services: ['service'], now });

describe('AWS SigV4 test suite, Authorization header form', () => {
  for (const { name, request } of loadVectors('header')) {
    it(`accepts ${name}`, async () => {
      const verified = await verifySigV4(request, opts());
      expect(verified).toMatchObject({ principal, accessKeyId: 'AKIDEXAMPLE', service: 'service', presigned: false });
    });

    it(`rejects ${name} with a tampered signature`, async () => {
      const auth = String((request.headers['authorization'] as string[])[0]);
      const last = auth.at(-1) === '0' ? '1' : '0';
      const tampered: SigV4Request = { ...request, headers: { ...request.headers, authorization: auth.slice(0, -1) + last } };
      await expect(verifySigV4(tampered, opts())).rejects.toMatchObject({ awsCode: 'InvalidSignatureException' });
    });
  }
});

describe('AWS SigV4 test suite, presigned query form', () => {
  for (const { name, request } of loadVectors('query')) {
    it(`accepts ${name}`, async () => {
      const verified = await verifySigV4(request, opts());
      expect(verified).toMatchObject({ presigned: true, expiresAt: new Date('2015-08-30T13:36:00Z') });
    });

    it(`rejects ${name} once X-Amz-Expires has passed`, async () => {
      await expect(verifySigV4(request, opts(new Date('2015-08-30T13:36:01Z')))).rejects.toMatchObject({
        awsCode: 'InvalidSignatureException',
        message: expect.stringMatching(/^Signature expired: 20150830T123600Z is now earlier than/),
      });
    });
  }
});
