import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { presignQuery, signHeaders, sigV4RequestFrom, verifySigV4, type SigV4Request } from '../../../src/iam/sigv4/index.js';
import { sha256Hex } from '../../support/digest.js';
import { NodeSha256 } from './helpers.js';

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const principal = { kind: 'root', accountId: '111122223333' } as const;
const now = new Date('2024-05-01T10:00:00Z');
const region = 'us-east-1';
const host = 'api.ecr.us-east-1.amazonaws.com';
const opts = {
  lookupSecret: async (id: string) => (id === creds.accessKeyId ? { secretAccessKey: creds.secretAccessKey, principal } : undefined),
  region,
  services: ['ecr'],
  now,
};
const signer = new SignatureV4({ credentials: creds, region, service: 'ecr', sha256: NodeSha256 });

/** What a server sees of a request the SDK signer produced (path and query as they go on the wire). */
function received(signed: HttpRequest, body = ''): SigV4Request {
  const query = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v ?? '']]))
    .map(([k, v]) => `${encodeURIComponent(k!)}=${encodeURIComponent(v!)}`)
    .join('&');
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: signed.method, path: signed.path, query, headers, payloadSha256: sha256Hex(body) };
}

function ecrRequest(target: string, body: string, path = '/'): HttpRequest {
  return {
    method: 'POST',
    protocol: 'https:',
    hostname: host,
    path,
    query: {},
    headers: {
      host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${target}`,
    },
    body,
  };
}

describe('round trips with @smithy/signature-v4', () => {
  it('verifies an ECR JSON request signed by the SDK signer', async () => {
    const body = '{"repositoryNames":["team/app"]}';
    const signed = await signer.sign(ecrRequest('DescribeRepositories', body), { signingDate: now });
    const verified = await verifySigV4(received(signed, body), { ...opts, requiredSignedHeaders: ['x-amz-target'] });
    expect(verified).toMatchObject({ principal, accessKeyId: creds.accessKeyId, region, service: 'ecr', signedAt: now });
  });

  it('verifies odd paths and queries the way the SDK encodes them', async () => {
    const request: HttpRequest = {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/v2/team%2Fapp/blobs/sha256%3Aabc/a%20b/./c/../d',
      query: { 'key with space': 'v/a+l=u*e', multi: ['b', 'a'], empty: '' },
      headers: { host, 'x-custom': '  spaced   out  value ' },
    };
    const signed = await signer.sign(request, { signingDate: now });
    await expect(verifySigV4(received(signed), opts)).resolves.toMatchObject({ presigned: false });
  });

  it('verifies a URL presigned by the SDK signer', async () => {
    const request: HttpRequest = {
      method: 'GET',
      protocol: 'https:',
      hostname: host,
      path: '/v2/team/app/blobs/sha256:abc',
      query: { 'X-Berth-Repo': 'team/app' },
      headers: { host },
    };
    const presigned = await signer.presign(request, { signingDate: now, expiresIn: 600 });
    const verified = await verifySigV4(received(presigned), opts);
    expect(verified).toMatchObject({ presigned: true, expiresAt: new Date(now.getTime() + 600_000) });
  });

  it('produces the same Authorization header as the SDK signer', async () => {
    const body = '{}';
    const request = ecrRequest('GetAuthorizationToken', body);
    const theirs = await signer.sign(request, { signingDate: now });
    const ours = signHeaders({
      method: 'POST',
      path: '/',
      headers: { ...(request.headers as Record<string, string>), 'x-amz-content-sha256': sha256Hex(body) },
      payloadSha256: sha256Hex(body),
      credentials: creds,
      region,
      service: 'ecr',
      now,
    });
    expect(ours['authorization']).toBe(theirs.headers['authorization']);
  });

  it('presigns URLs that verify and that the SDK signer agrees with', async () => {
    const query = presignQuery({
      method: 'GET',
      host: 'registry.example.com:5000',
      path: '/v2/team/app/blobs/sha256:abc',
      query: { 'x-berth-repo': 'team/app' },
      credentials: creds,
      region,
      service: 'ecr',
      now,
      expiresSeconds: 300,
    });
    const headers = { host: 'registry.example.com:5000' };
    const req: SigV4Request = { method: 'GET', path: '/v2/team/app/blobs/sha256:abc', query, headers, payloadSha256: sha256Hex('') };
    await expect(verifySigV4(req, opts)).resolves.toMatchObject({ presigned: true });

    const theirs = await signer.presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: 'registry.example.com',
        port: 5000,
        path: '/v2/team/app/blobs/sha256:abc',
        query: { 'x-berth-repo': 'team/app' },
        headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      {
        signingDate: now,
        expiresIn: 300,
        unsignableHeaders: new Set(['x-amz-content-sha256']),
        unhoistableHeaders: new Set(['x-amz-content-sha256']),
      },
    );
    expect(new URLSearchParams(query).get('X-Amz-Signature')).toBe(theirs.query?.['X-Amz-Signature']);
  });
});

describe('sigV4RequestFrom', () => {
  it('splits a raw request-target and keeps repeated headers apart', async () => {
    const body = '{}';
    const signed = await signer.sign(ecrRequest('DescribeRegistry', body, '/a%20b/'), { signingDate: now });
    signed.query = { x: 'a b' };
    const resigned = await signer.sign(signed, { signingDate: now });
    const headersDistinct = Object.fromEntries(Object.entries(resigned.headers).map(([k, v]) => [k.toLowerCase(), [v]]));
    const req = sigV4RequestFrom({ method: 'POST', url: '/a%20b/?x=a%20b', headersDistinct }, sha256Hex(body).toUpperCase());
    expect(req).toMatchObject({ path: '/a%20b/', query: 'x=a%20b' });
    await expect(verifySigV4(req, opts)).resolves.toMatchObject({ service: 'ecr' });
  });
});
