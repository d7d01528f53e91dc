/**
 * A cross-repository mount (POST …/blobs/uploads/?mount=&from=) that cannot mount falls back to an
 * upload: a session, or with `digest` and a body, a monolithic upload that stores a blob. The
 * caller needs what the fallback does (for a monolithic upload ecr:InitiateLayerUpload,
 * ecr:UploadLayerPart and ecr:CompleteLayerUpload), not only what a mount needs.
 */
import { randomBytes } from 'node:crypto';
import { CreateRepositoryCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../support/digest.js';
import { ACCOUNT_A, ROOT_KEY, useBerth } from './harness.js';
import { type PushedImage, pushImage } from './images.js';

const berth = useBerth();

const policy = (...actions: string[]) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['ecr:GetAuthorizationToken', ...actions], Resource: '*' }],
});

let rootAuth: string;
let source: PushedImage;
/** Only ecr:InitiateLayerUpload (what a mount into the target needs). */
let initiateOnly: string;
/** The three upload actions: a monolithic upload. */
let uploader: string;
/** What a mount needs: ecr:InitiateLayerUpload, and ecr:GetDownloadUrlForLayer to read the source. */
let mounter: string;

beforeAll(async () => {
  rootAuth = await berth().login(ROOT_KEY);
  source = await pushImage(berth(), rootAuth, 'fallback/source');
  const ecr = berth().ecr(ROOT_KEY);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'fallback/target' }));
  ecr.destroy();
  initiateOnly = await berth().login(await berth().user(ACCOUNT_A, 'initiate-only', { p: policy('ecr:InitiateLayerUpload') }));
  uploader = await berth().login(
    await berth().user(ACCOUNT_A, 'uploader', { p: policy('ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload') }),
  );
  mounter = await berth().login(await berth().user(ACCOUNT_A, 'mounter', { p: policy('ecr:InitiateLayerUpload', 'ecr:GetDownloadUrlForLayer') }));
});

async function stored(digest: string): Promise<boolean> {
  return (await berth().v2('HEAD', `/v2/fallback/target/blobs/${digest}`, { auth: rootAuth })).status === 200;
}

describe('a mount that falls back to a monolithic upload', () => {
  const fallbacks: [string, (digest: string) => string][] = [
    ['from a source the caller cannot read', (d) => `mount=${source.layerDigest}&from=fallback/source&digest=${d}`],
    ['of a blob the source lacks', (d) => `mount=${d}&from=fallback/source&digest=${d}`],
    ['without `from`', (d) => `mount=${d}&digest=${d}`],
    ['from an invalid repository name', (d) => `mount=${d}&from=Not_A_Name&digest=${d}`],
  ];

  for (const [what, query] of fallbacks) {
    it(`${what} is refused to a caller with only ecr:InitiateLayerUpload, and stores nothing`, async () => {
      const content = randomBytes(300);
      const res = await berth().v2('POST', `/v2/fallback/target/blobs/uploads/?${query(sha256(content))}`, { auth: initiateOnly, body: content });
      expect(res.status).toBe(403);
      expect(res.json<{ errors: { code: string }[] }>().errors[0]!.code).toBe('DENIED');
      expect(await stored(sha256(content))).toBe(false);
    });
  }

  it('goes through for a caller allowed the upload', async () => {
    const content = randomBytes(300);
    const digest = sha256(content);
    const res = await berth().v2('POST', `/v2/fallback/target/blobs/uploads/?mount=${digest}&from=fallback/source&digest=${digest}`, {
      auth: uploader,
      body: content,
    });
    expect([res.status, res.headers['docker-content-digest']]).toEqual([201, digest]);
    expect(await stored(digest)).toBe(true);
  });
});

describe('a mount itself', () => {
  it('still needs only what mounting needs, and a miss without a digest starts a session', async () => {
    const mounted = await berth().v2('POST', `/v2/fallback/target/blobs/uploads/?mount=${source.layerDigest}&from=fallback/source`, { auth: mounter });
    expect(mounted.status).toBe(201);
    const missing = sha256(randomBytes(16));
    const session = await berth().v2('POST', `/v2/fallback/target/blobs/uploads/?mount=${missing}&from=fallback/source`, { auth: initiateOnly });
    expect(session.status).toBe(202);
  });
});
