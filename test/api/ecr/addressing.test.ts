/**
 * Without publicUrl or registryHostTemplate, the addresses Berth hands out (repositoryUri,
 * GetAuthorizationToken's proxyEndpoint, GetDownloadUrlForLayer's URL) name the host each client
 * dialled, its Host header: a client on another machine gets addresses it can reach, where they
 * used to name the listen address (127.0.0.1 for `listen: 0.0.0.0:…`).
 */
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetDownloadUrlForLayerCommand,
} from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { registryHostTemplateFor } from '../../../src/config/addressing.js';
import { blob, image } from '../../support/oci.js';
import { type Berth, REGION, ROOT_KEY_ID, ROOT_SECRET, uniqueName, useBerth, v2Of } from './operations/harness.js';

/** Every name resolves to 127.0.0.1, as when the client reaches Berth by a name of its own. */
const loopback: LookupFunction = (_hostname, options, callback) => {
  if (options.all) (callback as unknown as (err: null, addresses: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

/** An ECR client (root of the default account) that sends its requests to `hostName`. */
function dialling(berth: Berth, hostName: string): ECRClient {
  const port = new URL(berth.url).port;
  return new ECRClient({
    endpoint: `http://${hostName}:${port}`,
    region: REGION,
    credentials: { accessKeyId: ROOT_KEY_ID, secretAccessKey: ROOT_SECRET },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ lookup: loopback }) },
  });
}

describe('without publicUrl', () => {
  const berth = useBerth();

  it('repository URIs, proxyEndpoint and layer download URLs name the host the client dialled', async () => {
    const port = new URL(berth().url).port;
    const remote = dialling(berth(), 'registry.example.test');
    const name = uniqueName('team');
    const { repository } = await remote.send(new CreateRepositoryCommand({ repositoryName: name }));
    expect(repository?.repositoryUri).toBe(`registry.example.test:${port}/${name}`);
    const described = await remote.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(described.repositories?.[0]?.repositoryUri).toBe(`registry.example.test:${port}/${name}`);
    const token = await remote.send(new GetAuthorizationTokenCommand({}));
    expect(token.authorizationData?.[0]?.proxyEndpoint).toBe(`http://registry.example.test:${port}`);

    const img = image({ layers: [blob()] });
    await v2Of(berth()).pushImage(name, 'v1', img);
    const { downloadUrl } = await remote.send(new GetDownloadUrlForLayerCommand({ repositoryName: name, layerDigest: img.layers[0]!.digest }));
    expect(new URL(downloadUrl!).host).toBe(`registry.example.test:${port}`);
    remote.destroy();

    // Each request's own Host: a client on the machine itself still gets loopback addresses.
    const local = await berth().ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(local.repositories?.[0]?.repositoryUri).toBe(`127.0.0.1:${port}/${name}`);
  });

  it('a Host naming an account (<12 digits>.<host>) gives each account its own host', async () => {
    const port = new URL(berth().url).port;
    const remote = dialling(berth(), '999999999999.registry.example.test');
    const name = uniqueName('team');
    const { repository } = await remote.send(new CreateRepositoryCommand({ repositoryName: name }));
    expect(repository?.repositoryUri).toBe(`${repository?.registryId}.registry.example.test:${port}/${name}`);
    remote.destroy();
  });
});

describe('with publicUrl', () => {
  const berth = useBerth({ publicUrl: 'https://registry.example.com' });

  it('the addresses name publicUrl, whatever host the client dialled', async () => {
    const remote = dialling(berth(), 'elsewhere.example.test');
    const name = uniqueName('team');
    const { repository } = await remote.send(new CreateRepositoryCommand({ repositoryName: name }));
    expect(repository?.repositoryUri).toBe(`registry.example.com/${name}`);
    const token = await remote.send(new GetAuthorizationTokenCommand({}));
    expect(token.authorizationData?.[0]?.proxyEndpoint).toBe('https://registry.example.com');
    remote.destroy();
  });
});

describe('registryHostTemplateFor', () => {
  const config = { listen: '0.0.0.0:5000' };

  it('takes a host[:port] Host header, IPv6 included', () => {
    expect(registryHostTemplateFor(config, undefined, 'registry.example.test:5000')).toBe('registry.example.test:5000');
    expect(registryHostTemplateFor(config, undefined, 'Registry.Example.Test')).toBe('Registry.Example.Test');
    expect(registryHostTemplateFor(config, undefined, '10.0.0.7:5000')).toBe('10.0.0.7:5000');
    expect(registryHostTemplateFor(config, undefined, '[2001:db8::7]:5000')).toBe('[2001:db8::7]:5000');
    expect(registryHostTemplateFor(config, undefined, '111122223333.registry.test:5000')).toBe('{accountId}.registry.test:5000');
  });

  it('falls back to the listen address for a missing Host or one that is not host[:port]', () => {
    for (const host of [undefined, '', 'evil.test/path', 'a b', 'user@evil.test', 'evil.test:5000:1', '{accountId}.x', '-bad.test', `${'a'.repeat(64)}.test`, 'host:123456']) {
      expect(registryHostTemplateFor(config, undefined, host)).toBe('127.0.0.1:5000');
    }
    expect(registryHostTemplateFor(config, { address: '::', port: 5001 }, 'bad/host')).toBe('[::1]:5001');
  });

  it('prefers registryHostTemplate, then publicUrl, to any Host', () => {
    expect(registryHostTemplateFor({ ...config, publicUrl: 'https://registry.example.com' }, undefined, 'other.test')).toBe('registry.example.com');
    expect(registryHostTemplateFor({ ...config, publicUrl: 'https://registry.example.com', registryHostTemplate: '{accountId}.r.test' }, undefined, 'other.test')).toBe('{accountId}.r.test');
  });
});
