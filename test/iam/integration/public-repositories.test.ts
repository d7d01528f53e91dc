/**
 * Public repositories: anonymous pulls work (by a repository policy allowing Principal "*", or the
 * explicit public switch), anonymous pushes and pushes by read-only users are refused, and
 * anonymous pulls are rate-limited per client address, logged-in callers per account.
 */
import { SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../support/digest.js';
import { OCI_MANIFEST } from '../../support/media-types.js';
import { ACCOUNT_A, ACCOUNT_B, READ_ONLY, ROOT_KEY, useBerth } from './harness.js';
import { buildImage, pushImage, type PushedImage } from './images.js';

const berth = useBerth({
  auth: { rateLimit: { anonymous: { perSecond: 0.01, burst: 12 }, authenticated: { BatchGetImage: { perSecond: 0.01, burst: 40 } } } },
});

const PUBLIC_READ = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PublicPull',
      Effect: 'Allow',
      Principal: '*',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
    },
  ],
});

let image: PushedImage;
let flagged: PushedImage;

beforeAll(async () => {
  const rootAuth = await berth().login(ROOT_KEY);
  image = await pushImage(berth(), rootAuth, 'public/app');
  flagged = await pushImage(berth(), rootAuth, 'flagged/app');
  await pushImage(berth(), rootAuth, 'private/app');
  const client = berth().ecr(ROOT_KEY);
  await client.send(new SetRepositoryPolicyCommand({ repositoryName: 'public/app', policyText: PUBLIC_READ }));
  client.destroy();
});

describe('a repository whose policy lets everyone pull', () => {
  it('serves anonymous pulls: manifest and layers', async () => {
    const manifest = await berth().v2('GET', `/v2/public/app/manifests/${image.tag}`);
    expect(manifest.status).toBe(200);
    expect(manifest.body.equals(image.manifest)).toBe(true);
    const layer = await berth().v2('GET', `/v2/public/app/blobs/${image.layerDigest}`);
    expect(layer.status).toBe(200);
    expect(sha256(layer.body)).toBe(image.layerDigest);
  });

  it('refuses anonymous pushes with 401 and the challenge', async () => {
    const { config } = buildImage();
    const res = await berth().v2('POST', `/v2/public/app/blobs/uploads/?digest=${sha256(config)}`, { body: config });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    const manifest = await berth().v2('PUT', '/v2/public/app/manifests/evil', { body: image.manifest, headers: { 'content-type': OCI_MANIFEST } });
    expect(manifest.status).toBe(401);
    expect(await berth().app.store.registry.resolveTag((await berth().app.store.registry.getRepository(ACCOUNT_A, 'public/app'))!.id, 'evil')).toBeUndefined();
  });

  it('refuses pushes by a read-only user with 403, and lets it pull', async () => {
    const auth = await berth().login(await berth().user(ACCOUNT_A, 'reader', { ro: READ_ONLY }));
    expect((await berth().v2('GET', `/v2/public/app/manifests/${image.tag}`, { auth })).status).toBe(200);
    const { config } = buildImage();
    const res = await berth().v2('POST', `/v2/public/app/blobs/uploads/?digest=${sha256(config)}`, { auth, body: config });
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({ errors: [{ code: 'DENIED' }] });
    expect((await berth().v2('PUT', `/v2/public/app/manifests/${image.tag}`, { auth, body: image.manifest, headers: { 'content-type': OCI_MANIFEST } })).status).toBe(403);
  });

  it('keeps other repositories private and the tag list closed (the policy grants pulls only)', async () => {
    expect((await berth().v2('GET', `/v2/private/app/manifests/${image.tag}`)).status).toBe(401);
    expect((await berth().v2('GET', '/v2/public/app/tags/list')).status).toBe(401);
  });
});

describe('the explicit public switch', () => {
  it('lets anyone pull, and --off takes it back', async () => {
    const { store } = berth().app;
    const repo = (await store.registry.getRepository(ACCOUNT_A, 'flagged/app'))!;
    expect((await berth().v2('GET', `/v2/flagged/app/manifests/${flagged.tag}`)).status).toBe(401);
    await store.registry.updateRepository(repo.id, { public: true });
    expect((await berth().v2('GET', `/v2/flagged/app/manifests/${flagged.tag}`)).status).toBe(200);
    expect((await berth().v2('GET', '/v2/flagged/app/tags/list')).json()).toEqual({ name: 'flagged/app', tags: [flagged.tag] });
    expect((await berth().v2('POST', '/v2/flagged/app/blobs/uploads/')).status).toBe(401);
    await store.registry.updateRepository(repo.id, { public: false });
    expect((await berth().v2('GET', `/v2/flagged/app/manifests/${flagged.tag}`)).status).toBe(401);
  });
});

describe('pull rate limits', () => {
  it('answer anonymous pulls beyond the burst with 429 TOOMANYREQUESTS and Retry-After; logged-in callers have more room', async () => {
    // Earlier tests spent part of the anonymous budget of 127.0.0.1; drain the rest.
    let res;
    let anonymous = 0;
    do {
      res = await berth().v2('HEAD', `/v2/public/app/manifests/${image.tag}`);
      anonymous++;
    } while (res.status === 200 && anonymous < 50);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const limited = await berth().v2('GET', `/v2/public/app/manifests/${image.tag}`);
    expect(limited.status).toBe(429);
    expect(limited.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] });

    // Same address, logged in: the account's own, larger budget (a manifest read is an ecr:BatchGetImage).
    const auth = await berth().login(await berth().user(ACCOUNT_A, 'heavy-puller', { ro: READ_ONLY }));
    for (let i = 0; i < 20; i++) {
      expect((await berth().v2('HEAD', `/v2/public/app/manifests/${image.tag}`, { auth })).status).toBe(200);
    }
    let authenticated = 20;
    do {
      res = await berth().v2('HEAD', `/v2/public/app/manifests/${image.tag}`, { auth });
      authenticated++;
    } while (res.status === 200 && authenticated < 100);
    expect(res.status).toBe(429);
    // 40, less what the account's reader pulled earlier.
    expect(authenticated).toBeGreaterThan(30);
    const over = await berth().v2('GET', `/v2/public/app/manifests/${image.tag}`, { auth });
    expect(over.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS', message: expect.stringContaining('ecr:BatchGetImage') }] });

    // The budget is the account's: its other users are over it too; another account has its own.
    const colleague = await berth().login(await berth().user(ACCOUNT_A, 'colleague', { ro: READ_ONLY }));
    expect((await berth().v2('HEAD', `/v2/public/app/manifests/${image.tag}`, { auth: colleague })).status).toBe(429);
    const otherAccount = await berth().login(await berth().rootOf(ACCOUNT_B));
    const host = `${ACCOUNT_A}.dkr.ecr.eu-west-1.registry.test`;
    expect((await berth().v2('HEAD', `/v2/public/app/manifests/${image.tag}`, { auth: otherAccount, host })).status).toBe(200);
  });
});
