/**
 * The /v2 authorization matrix: each distribution-API operation with no credentials, a tampered
 * token, an expired token, another account's token without a policy, a token whose owner is
 * explicitly denied the ECR action the operation maps to, and an allowed one. Refusals are 401
 * with ECR's Basic challenge (no or bad credentials) or 403 DENIED (authenticated, not allowed),
 * and leave the account as it was.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeAuthorizationToken, issueRegistryToken } from '../../../src/iam/crypto/index.js';
import { sha256 } from '../../support/digest.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { ACCOUNT_A, ACCOUNT_B, ALLOW_ALL_ECR, ROOT_KEY, type V2Response, allowAllBut, useBerth } from './harness.js';
import { type PushedImage, buildImage, pushImage } from './images.js';
import { snapshot } from './snapshot.js';

const berth = useBerth();

interface Fixture {
  name: string;
  image: PushedImage;
  /** An upload session in progress, for the operations on one. */
  uploadPath: string;
}

interface Row {
  operation: string;
  /** The ECR action ECR maps it to (what an explicit Deny names). */
  action: string;
  request(f: Fixture): { method: string; path: string; body?: Buffer; headers?: Record<string, string> };
  allowedStatus: number;
}

const chunk = randomBytes(64);

const ROWS: Row[] = [
  { operation: 'catalog', action: 'ecr:DescribeRepositories', request: () => ({ method: 'GET', path: '/v2/_catalog' }), allowedStatus: 200 },
  { operation: 'tags.list', action: 'ecr:ListImages', request: (f) => ({ method: 'GET', path: `/v2/${f.name}/tags/list` }), allowedStatus: 200 },
  { operation: 'manifest.get', action: 'ecr:BatchGetImage', request: (f) => ({ method: 'GET', path: `/v2/${f.name}/manifests/${f.image.tag}` }), allowedStatus: 200 },
  { operation: 'manifest.head', action: 'ecr:BatchGetImage', request: (f) => ({ method: 'HEAD', path: `/v2/${f.name}/manifests/${f.image.digest}` }), allowedStatus: 200 },
  { operation: 'referrers.list', action: 'ecr:BatchGetImage', request: (f) => ({ method: 'GET', path: `/v2/${f.name}/referrers/${f.image.digest}` }), allowedStatus: 200 },
  { operation: 'blob.get', action: 'ecr:GetDownloadUrlForLayer', request: (f) => ({ method: 'GET', path: `/v2/${f.name}/blobs/${f.image.layerDigest}` }), allowedStatus: 200 },
  {
    operation: 'blob.head',
    action: 'ecr:BatchCheckLayerAvailability',
    request: (f) => ({ method: 'HEAD', path: `/v2/${f.name}/blobs/${f.image.layerDigest}` }),
    allowedStatus: 200,
  },
  { operation: 'upload.start', action: 'ecr:InitiateLayerUpload', request: (f) => ({ method: 'POST', path: `/v2/${f.name}/blobs/uploads/` }), allowedStatus: 202 },
  {
    operation: 'upload.patch',
    action: 'ecr:UploadLayerPart',
    request: (f) => ({ method: 'PATCH', path: f.uploadPath, body: chunk, headers: { 'content-type': 'application/octet-stream' } }),
    allowedStatus: 202,
  },
  {
    operation: 'upload.complete',
    action: 'ecr:CompleteLayerUpload',
    request: (f) => ({ method: 'PUT', path: `${f.uploadPath}${f.uploadPath.includes('?') ? '&' : '?'}digest=${sha256(Buffer.alloc(0))}` }),
    allowedStatus: 201,
  },
  { operation: 'upload.cancel', action: 'ecr:UploadLayerPart', request: (f) => ({ method: 'DELETE', path: f.uploadPath }), allowedStatus: 204 },
  {
    operation: 'manifest.put',
    action: 'ecr:PutImage',
    request: (f) => ({ method: 'PUT', path: `/v2/${f.name}/manifests/v2`, body: f.image.manifest, headers: { 'content-type': OCI_MANIFEST } }),
    allowedStatus: 201,
  },
  { operation: 'manifest.delete', action: 'ecr:BatchDeleteImage', request: (f) => ({ method: 'DELETE', path: `/v2/${f.name}/manifests/${f.image.digest}` }), allowedStatus: 202 },
];

const hostOfA = `${ACCOUNT_A}.dkr.ecr.eu-west-1.registry.test`;

let allowedAuth: string;
let otherAccountAuth: string;
let tamperedAuth: string;
let expiredAuth: string;
const deniedAuth = new Map<string, string>();

beforeAll(async () => {
  const allowed = await berth().user(ACCOUNT_A, 'v2-allowed', { all: ALLOW_ALL_ECR });
  allowedAuth = await berth().login(allowed);
  otherAccountAuth = await berth().login(await berth().rootOf(ACCOUNT_B));
  const token = Buffer.from(allowedAuth.slice(6), 'base64').toString('utf8').slice(4);
  tamperedAuth = `Basic ${encodeAuthorizationToken(token.replace(/\.[^.]+$/, '.AAAA'))}`;
  expiredAuth = `Basic ${encodeAuthorizationToken(issueRegistryToken(berth().app.iam.keyring, allowed.accessKeyId, { now: new Date(Date.now() - 12 * 3600_000 - 1000) }).token)}`;
  for (const row of ROWS) {
    const user = await berth().user(ACCOUNT_A, `v2-deny-${row.operation.replace('.', '-')}`, { p: allowAllBut(row.action) });
    deniedAuth.set(row.operation, await berth().login(user));
  }
});

describe.each(ROWS)('$operation', (row) => {
  let fixture: Fixture;

  beforeAll(async () => {
    const name = `v2matrix/${row.operation.replace('.', '-')}`;
    const rootAuth = await berth().login(ROOT_KEY);
    const image = await pushImage(berth(), rootAuth, name);
    const started = await berth().v2('POST', `/v2/${name}/blobs/uploads/`, { auth: rootAuth });
    expect(started.status).toBe(202);
    fixture = { name, image, uploadPath: String(started.headers.location) };
  });

  const send = (auth: string | undefined, host?: string): Promise<V2Response> => {
    const { method, path, body, headers } = row.request(fixture);
    return berth().v2(method, path, { ...(auth ? { auth } : {}), ...(host ? { host } : {}), ...(body ? { body } : {}), ...(headers ? { headers } : {}) });
  };

  const refused = async (auth: string | undefined, status: number, code: string, host?: string) => {
    const before = await snapshot(berth(), ACCOUNT_A);
    const res = await send(auth, host);
    expect(res.status).toBe(status);
    if (row.request(fixture).method !== 'HEAD') expect(res.json()).toMatchObject({ errors: [{ code }] });
    if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Basic realm="http:\/\/[^"]+\/",service="ecr\.amazonaws\.com"$/);
    expect(await snapshot(berth(), ACCOUNT_A)).toEqual(before);
  };

  it('without credentials: 401 with the challenge', () => refused(undefined, 401, 'UNAUTHORIZED'));
  it('with a tampered token: 401', () => refused(tamperedAuth, 401, 'UNAUTHORIZED'));
  it('with an expired token: 401', () => refused(expiredAuth, 401, 'UNAUTHORIZED'));
  it('from another account without a policy: 403 DENIED', () => refused(otherAccountAuth, 403, 'DENIED', hostOfA));
  it('with an explicit Deny of its ECR action: 403 DENIED', () => refused(deniedAuth.get(row.operation)!, 403, 'DENIED'));
  it('allowed: succeeds', async () => {
    const res = await send(allowedAuth);
    expect(res.status, res.body.toString()).toBe(row.allowedStatus);
  });
});

describe('pushes that create a repository', () => {
  it('also need ecr:CreateRepository', async () => {
    const noCreate = await berth().login(await berth().user(ACCOUNT_A, 'no-create', { p: allowAllBut('ecr:CreateRepository') }));
    const { config } = buildImage();
    const res = await berth().v2('POST', `/v2/created/on-push/blobs/uploads/?digest=${sha256(config)}`, { auth: noCreate, body: config });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ errors: [{ code: 'DENIED', message: expect.stringContaining('ecr:CreateRepository') }] });
    expect(await berth().app.store.registry.getRepository(ACCOUNT_A, 'created/on-push')).toBeUndefined();
    expect((await berth().v2('POST', `/v2/created/on-push/blobs/uploads/?digest=${sha256(config)}`, { auth: allowedAuth, body: config })).status).toBe(201);
  });
});
