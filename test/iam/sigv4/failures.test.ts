import { describe, expect, it } from 'vitest';
import { beginSigV4, presignQuery, signHeaders, verifySigV4, type SigV4Request, type VerifyOptions } from '../../../src/iam/sigv4/index.js';
import { sha256Hex } from '../../support/digest.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const principal = { kind: 'root', accountId: '111122223333' } as const;
const now = new Date('2024-05-01T10:00:00Z');
const host = 'berth.example.com';
const body = '{"repositoryName":"app"}';
const keys = new Map([[creds.accessKeyId, creds.secretAccessKey]]);
const opts: VerifyOptions<typeof principal> = {
  lookupSecret: async (id) => {
    const secret = keys.get(id);
    return secret === undefined ? undefined : { secretAccessKey: secret, principal };
  },
  region: 'us-east-1',
  services: ['ecr'],
  now,
  requiredSignedHeaders: ['x-amz-target'],
};

interface SignOverrides {
  region?: string;
  service?: string;
  at?: Date;
  secret?: string;
  accessKeyId?: string;
  extraHeaders?: Record<string, string>;
}

function signed(o: SignOverrides = {}): SigV4Request {
  const headers = {
    host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.CreateRepository',
    ...o.extraHeaders,
  };
  const added = signHeaders({
    method: 'POST',
    path: '/',
    headers,
    payloadSha256: sha256Hex(body),
    credentials: { accessKeyId: o.accessKeyId ?? creds.accessKeyId, secretAccessKey: o.secret ?? creds.secretAccessKey },
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'ecr',
    now: o.at ?? now,
  });
  return { method: 'POST', path: '/', query: '', headers: { ...headers, ...added }, payloadSha256: sha256Hex(body) };
}

const withAuth = (req: SigV4Request, authorization: string): SigV4Request => ({
  ...req,
  headers: { ...req.headers, authorization },
});

async function failure(req: SigV4Request, o: Partial<VerifyOptions<typeof principal>> = {}) {
  try {
    await verifySigV4(req, { ...opts, ...o });
  } catch (err) {
    return err as { awsCode: string; httpStatus: number; message: string };
  }
  throw new Error('expected verification to fail');
}

describe('verifySigV4 rejects', () => {
  it('a request with no authentication at all', async () => {
    const req = signed();
    const { authorization: _a, ...headers } = req.headers;
    expect(await failure({ ...req, headers })).toMatchObject({
      awsCode: 'MissingAuthenticationTokenException',
      httpStatus: 400,
      message: 'Missing Authentication Token',
    });
  });

  it('an Authorization header of another scheme', async () => {
    expect(await failure(withAuth(signed(), 'Basic QVdTOnNlY3JldA=='))).toMatchObject({
      awsCode: 'MissingAuthenticationTokenException',
    });
  });

  it('a parameter without an equals sign', async () => {
    const auth = `AWS4-HMAC-SHA256 Credential= ${creds.accessKeyId}/20240501/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;
    const err = await failure(withAuth(signed(), auth));
    expect(err.awsCode).toBe('IncompleteSignatureException');
    expect(err.message).toBe(
      `'${creds.accessKeyId}/20240501/us-east-1/ecr/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`,
    );
  });

  it('a header without Signature and SignedHeaders', async () => {
    const auth = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/20240501/us-east-1/ecr/aws4_request`;
    expect((await failure(withAuth(signed(), auth))).message).toBe(
      "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        `Authorization=${auth}`,
    );
  });

  it('a request without X-Amz-Date or Date', async () => {
    const req = signed();
    const { 'x-amz-date': _d, ...headers } = req.headers;
    const err = await failure({ ...req, headers });
    expect(err.awsCode).toBe('IncompleteSignatureException');
    expect(err.message).toContain("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  });

  it('a date not in ISO-8601 basic format', async () => {
    const req = signed();
    expect(await failure({ ...req, headers: { ...req.headers, 'x-amz-date': '2024-05-01T10:00:00Z' } })).toMatchObject({
      awsCode: 'IncompleteSignatureException',
      message: "Date must be in ISO-8601 'basic format'. Got '2024-05-01T10:00:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
  });

  it('an unknown access key id', async () => {
    expect(await failure(signed({ accessKeyId: 'AKIAUNKNOWNKEY000000' }))).toMatchObject({
      awsCode: 'UnrecognizedClientException',
      httpStatus: 400,
      message: 'The security token included in the request is invalid.',
    });
  });

  it('a request signed with the wrong secret, explaining the canonical request', async () => {
    const err = await failure(signed({ secret: 'not-the-secret' }));
    expect(err.awsCode).toBe('InvalidSignatureException');
    expect(err.message).toMatch(
      /^The request signature we calculated does not match the signature you provided\. Check your AWS Secret Access Key and signing method\. Consult the service documentation for details\.\n\nThe Canonical String for this request should have been\n'POST\n\/\n\ncontent-type:application\/x-amz-json-1\.1\nhost:berth\.example\.com\n/,
    );
    expect(err.message).toContain('The String-to-Sign should have been\n\'AWS4-HMAC-SHA256\n20240501T100000Z\n20240501/us-east-1/ecr/aws4_request\n');
    expect(err.message).not.toContain(creds.secretAccessKey);
  });

  it('a tampered body', async () => {
    const req = { ...signed(), payloadSha256: sha256Hex('{"repositoryName":"evil"}') };
    expect((await failure(req)).awsCode).toBe('InvalidSignatureException');
  });

  it('a body that does not match its signed x-amz-content-sha256', async () => {
    const req = { ...signed({ extraHeaders: { 'x-amz-content-sha256': sha256Hex(body) } }), payloadSha256: sha256Hex('x') };
    expect(await failure(req)).toMatchObject({
      awsCode: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });

  it('UNSIGNED-PAYLOAD on a header-signed request', async () => {
    const req = signed({ extraHeaders: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect((await failure(req)).message).toBe("'x-amz-content-sha256' may be UNSIGNED-PAYLOAD only for presigned URLs.");
  });

  it('a tampered signed header', async () => {
    const req = signed();
    const headers = { ...req.headers, 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.DeleteRepository' };
    expect((await failure({ ...req, headers })).awsCode).toBe('InvalidSignatureException');
  });

  it('a tampered query string', async () => {
    expect((await failure({ ...signed(), query: 'force=true' })).awsCode).toBe('InvalidSignatureException');
  });

  it('a tampered path', async () => {
    expect((await failure({ ...signed(), path: '/other' })).awsCode).toBe('InvalidSignatureException');
  });

  it('a signature that leaves host unsigned', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']).replace('content-type;host;', 'content-type;');
    expect(await failure(withAuth(req, auth))).toMatchObject({
      awsCode: 'InvalidSignatureException',
      message: "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  it('a signature that leaves a required header unsigned', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']).replace(';x-amz-target', '');
    expect((await failure(withAuth(req, auth))).message).toBe("'x-amz-target' must be a 'SignedHeader' in the AWS Authorization.");
  });

  it('a date more than 15 minutes old', async () => {
    expect(await failure(signed({ at: new Date('2024-05-01T09:40:00Z') }))).toMatchObject({
      awsCode: 'InvalidSignatureException',
      message: 'Signature expired: 20240501T094000Z is now earlier than 20240501T094500Z (20240501T100000Z - 15 min.)',
    });
  });

  it('a date more than 15 minutes ahead', async () => {
    expect((await failure(signed({ at: new Date('2024-05-01T10:16:00Z') }))).message).toBe(
      'Signature not yet current: 20240501T101600Z is still later than 20240501T101500Z (20240501T100000Z + 15 min.)',
    );
  });

  it('accepts a date within the skew', async () => {
    await expect(verifySigV4(signed({ at: new Date('2024-05-01T09:46:00Z') }), opts)).resolves.toBeDefined();
  });

  it('a credential scope dated another day', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']).replace('/20240501/', '/20240430/');
    expect(await failure(withAuth(req, auth))).toMatchObject({
      awsCode: 'InvalidSignatureException',
      message:
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240430' != '20240501', from '20240501T100000Z'.",
    });
  });

  it('a credential scoped to another region', async () => {
    expect((await failure(signed({ region: 'eu-west-1' }))).message).toBe(
      "Credential should be scoped to a valid region, not 'eu-west-1'.",
    );
  });

  it('a credential scoped to another service, unless that service is configured', async () => {
    expect((await failure(signed({ service: 'ecr-public' }))).message).toBe(
      "Credential should be scoped to correct service: 'ecr'.",
    );
    await expect(verifySigV4(signed({ service: 'ecr-public' }), { ...opts, services: ['ecr', 'ecr-public'] })).resolves.toMatchObject({
      service: 'ecr-public',
    });
  });

  it('a bad terminator and wrong service together, in one message', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']).replace('/ecr/aws4_request', '/s3/aws5_request');
    expect((await failure(withAuth(req, auth))).message).toBe(
      "Credential should be scoped to correct service: 'ecr'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
    );
  });

  it('a credential without five parts', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']).replace('/us-east-1/ecr/aws4_request', '/us-east-1/ecr');
    expect(await failure(withAuth(req, auth))).toMatchObject({
      awsCode: 'IncompleteSignatureException',
      message: `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${creds.accessKeyId}/20240501/us-east-1/ecr'`,
    });
  });

  it('another algorithm', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']).replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256');
    expect((await failure(withAuth(req, auth))).message).toBe(
      "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 for now). ",
    );
  });

  it('header and query authentication at once', async () => {
    const req = { ...signed(), query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' };
    expect((await failure(req)).awsCode).toBe('IncompleteSignatureException');
  });

  it('two Authorization headers', async () => {
    const req = signed();
    const auth = String(req.headers['authorization']);
    expect((await failure(withAuth(req, [auth, auth] as unknown as string))).awsCode).toBe('IncompleteSignatureException');
  });

  it('a deleted key at once, even right after it was used', async () => {
    keys.set('AKIATEMPORARYKEY0000', 'temporary-secret');
    const req = signed({ accessKeyId: 'AKIATEMPORARYKEY0000', secret: 'temporary-secret' });
    await expect(verifySigV4(req, opts)).resolves.toBeDefined();
    keys.delete('AKIATEMPORARYKEY0000');
    expect((await failure(req)).awsCode).toBe('UnrecognizedClientException');
  });
});

describe('verifySigV4 with presigned URLs', () => {
  const path = '/v2/app/blobs/sha256:abc';
  const presigned = (o: { at?: Date; expiresSeconds?: number; path?: string } = {}): SigV4Request => ({
    method: 'GET',
    path: o.path ?? path,
    query: presignQuery({
      method: 'GET',
      host,
      path,
      credentials: creds,
      region: 'us-east-1',
      service: 'ecr',
      now: o.at ?? now,
      expiresSeconds: o.expiresSeconds ?? 900,
    }),
    headers: { host },
    payloadSha256: sha256Hex(''),
  });
  const presignOpts = { ...opts, requiredSignedHeaders: [] };

  it('accepts one within its lifetime', async () => {
    await expect(verifySigV4(presigned({ at: new Date('2024-05-01T09:50:00Z') }), presignOpts)).resolves.toMatchObject({
      presigned: true,
      expiresAt: new Date('2024-05-01T10:05:00Z'),
    });
  });

  it('rejects one past X-Amz-Expires', async () => {
    expect((await failure(presigned({ at: new Date('2024-05-01T09:44:59Z') }), presignOpts)).message).toBe(
      'Signature expired: 20240501T094459Z is now earlier than 20240501T094500Z (20240501T100000Z - 900 sec.)',
    );
  });

  it('rejects one dated in the future', async () => {
    expect((await failure(presigned({ at: new Date('2024-05-01T10:20:00Z') }), presignOpts)).message).toMatch(/^Signature not yet current/);
  });

  it('rejects one used for another path', async () => {
    expect((await failure(presigned({ path: '/v2/other/blobs/sha256:abc' }), presignOpts)).awsCode).toBe('InvalidSignatureException');
  });

  it('rejects X-Amz-Expires over a week', async () => {
    const req = presigned();
    const query = req.query.replace('X-Amz-Expires=900', 'X-Amz-Expires=604801');
    expect((await failure({ ...req, query }, presignOpts)).message).toBe(
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  });

  it('names every missing query parameter', async () => {
    const query = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240501T100000Z';
    expect((await failure({ ...presigned(), query }, presignOpts)).message).toBe(
      "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    );
  });

  it('treats query authentication as absent when presigning is turned off', async () => {
    expect((await failure(presigned(), { ...presignOpts, allowPresigned: false })).awsCode).toBe(
      'MissingAuthenticationTokenException',
    );
  });
});

describe('beginSigV4: what the headers decide before the body is read', () => {
  const head = (req: SigV4Request) => ({ method: req.method, path: req.path, query: req.query, headers: req.headers });
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (err: { awsCode: string }) => err.awsCode);

  it('refuses a missing, unknown, expired or mis-scoped credential without a body hash', async () => {
    const { authorization: _, ...unsigned } = signed().headers as Record<string, string>;
    expect(await refusal(beginSigV4({ ...head(signed()), headers: unsigned }, opts))).toBe('MissingAuthenticationTokenException');
    expect(await refusal(beginSigV4(head(signed({ accessKeyId: 'AKIANOSUCHKEY0000001' })), opts))).toBe('UnrecognizedClientException');
    expect(await refusal(beginSigV4(head(signed({ at: new Date('2024-05-01T09:40:00Z') })), opts))).toBe('InvalidSignatureException');
    expect(await refusal(beginSigV4(head(signed({ region: 'eu-west-1' })), opts))).toBe('InvalidSignatureException');
  });

  it('checks the signature itself when the body hash is declared, and only the match with the body after', async () => {
    const declared = { extraHeaders: { 'x-amz-content-sha256': sha256Hex(body) } };
    expect(await refusal(beginSigV4(head(signed({ ...declared, secret: 'wrong-secret-0123456789' })), opts))).toBe('InvalidSignatureException');
    const pending = await beginSigV4(head(signed(declared)), opts);
    expect(pending.signatureVerified).toBe(true);
    expect(() => pending.finish(sha256Hex('x'))).toThrow("The provided 'x-amz-content-sha256' header does not match what was computed.");
    expect(pending.finish(sha256Hex(body)).principal).toEqual(principal);
  });

  it('leaves the signature to the body when no hash is declared (the AWS CLI)', async () => {
    const wrongSecret = await beginSigV4(head(signed({ secret: 'wrong-secret-0123456789' })), opts);
    expect(wrongSecret.signatureVerified).toBe(false);
    expect(() => wrongSecret.finish(sha256Hex(body))).toThrow(/does not match the signature you provided/);
    const pending = await beginSigV4(head(signed()), opts);
    expect(() => pending.finish(sha256Hex('{"repositoryName":"evil"}'))).toThrow(/does not match the signature you provided/);
    expect(pending.finish(sha256Hex(body).toUpperCase()).principal).toEqual(principal);
  });

  it('refuses UNSIGNED-PAYLOAD on a header-signed request before the body', async () => {
    const req = signed({ extraHeaders: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    await expect(beginSigV4(head(req), opts)).rejects.toThrow("'x-amz-content-sha256' may be UNSIGNED-PAYLOAD only for presigned URLs.");
  });

  it('takes a presigned URL in the same two steps: its signature is checked with the body hash', async () => {
    const path = '/v2/app/blobs/sha256:abc';
    const query = presignQuery({ method: 'GET', host, path, credentials: creds, region: 'us-east-1', service: 'ecr', now, expiresSeconds: 900 });
    const presignOpts = { ...opts, requiredSignedHeaders: [] };
    const pending = await beginSigV4({ method: 'GET', path, query, headers: { host } }, presignOpts);
    expect(pending.signatureVerified).toBe(false);
    expect(pending.finish(sha256Hex(''))).toMatchObject({ principal, presigned: true, expiresAt: new Date('2024-05-01T10:15:00Z') });
    const moved = await beginSigV4({ method: 'GET', path: '/v2/other/blobs/sha256:abc', query, headers: { host } }, presignOpts);
    expect(() => moved.finish(sha256Hex(''))).toThrow(/does not match the signature you provided/);
  });
});
