/**
 * auth.challenge: bearer — the token flow docker follows for ECR Public and Docker Hub: /v2
 * challenges with Bearer, /token trades Basic AWS:<registry token> for a bearer token (or gives a
 * caller without credentials the anonymous one), and /v2 accepts both.
 */
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../support/digest.js';
import { ACCOUNT_A, READ_ONLY, ROOT_KEY, useBerth } from './harness.js';
import { buildImage, pushImage } from './images.js';

const berth = useBerth({ auth: { challenge: 'bearer' } });

const tokenFrom = async (auth?: string) => {
  const res = await berth().v2('GET', '/token?service=ecr.amazonaws.com&scope=repository:bearer/app:pull,push', auth ? { auth } : {});
  return { status: res.status, body: res.json<{ token?: string; access_token?: string; expires_in?: number; errors?: unknown[] }>() };
};

describe('the bearer challenge', () => {
  it('points unauthenticated requests at /token', async () => {
    const res = await berth().v2('GET', '/v2/');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="http://127.0.0.1:${berth().port}/token",service="ecr.amazonaws.com"`);
  });

  it('trades docker login credentials for a bearer token that pushes and pulls', async () => {
    const basic = await berth().login(ROOT_KEY);
    const { status, body } = await tokenFrom(basic);
    expect(status).toBe(200);
    expect(body.token).toBe(Buffer.from(basic.slice(6), 'base64').toString('utf8').slice(4));
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBeGreaterThan(11 * 3600);
    const bearer = `Bearer ${body.token}`;
    expect((await berth().v2('GET', '/v2/', { auth: bearer })).status).toBe(200);
    const image = await pushImage(berth(), bearer, 'bearer/app');
    expect((await berth().v2('GET', `/v2/bearer/app/manifests/${image.tag}`, { auth: bearer })).status).toBe(200);
  });

  it('refuses wrong credentials at /token with 401 (docker login then fails)', async () => {
    const basic = await berth().login(ROOT_KEY);
    const { status, body } = await tokenFrom(`${basic.slice(0, -4)}AAA=`);
    expect(status).toBe(401);
    expect(body.errors).toMatchObject([{ code: 'UNAUTHORIZED' }]);
  });

  it('gives callers without credentials the anonymous token: public pulls work, private ones and pushes do not', async () => {
    const rootBearer = `Bearer ${(await tokenFrom(await berth().login(ROOT_KEY))).body.token}`;
    const image = await pushImage(berth(), rootBearer, 'bearer/public');
    await pushImage(berth(), rootBearer, 'bearer/private');
    const repo = (await berth().app.store.registry.getRepository(ACCOUNT_A, 'bearer/public'))!;
    await berth().app.store.registry.updateRepository(repo.id, { public: true });

    const anonymous = await tokenFrom();
    expect(anonymous.status).toBe(200);
    const auth = `Bearer ${anonymous.body.token}`;
    expect((await berth().v2('GET', `/v2/bearer/public/manifests/${image.tag}`, { auth })).status).toBe(200);
    expect((await berth().v2('GET', `/v2/bearer/public/blobs/${image.layerDigest}`, { auth })).status).toBe(200);
    expect((await berth().v2('GET', `/v2/bearer/private/manifests/${image.tag}`, { auth })).status).toBe(401);
    const { config } = buildImage();
    expect((await berth().v2('POST', `/v2/bearer/public/blobs/uploads/?digest=${sha256(config)}`, { auth, body: config })).status).toBe(401);

    const reader = `Bearer ${(await tokenFrom(await berth().login(await berth().user(ACCOUNT_A, 'bearer-reader', { ro: READ_ONLY })))).body.token}`;
    expect((await berth().v2('POST', `/v2/bearer/public/blobs/uploads/?digest=${sha256(config)}`, { auth: reader, body: config })).status).toBe(403);
  });
});
