import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecrApiPlugin } from '../../../src/api/ecr/plugin.js';
import { HOST_TEMPLATE, REGION, fakeAuthenticate, startToyApp, toyOperations } from './helpers/toy-app.js';
import type { ToyApp } from './helpers/toy-app.js';

const TARGET = 'AmazonEC2ContainerRegistry_V20150921';
const UNKNOWN_OPERATION = { __type: 'com.amazon.coral.service#UnknownOperationException' };

let toy: ToyApp;
let small: ToyApp;

beforeAll(async () => {
  toy = await startToyApp();
  small = await startToyApp({ bodyLimits: { json: 1024, blob: 8192 } });
});
afterAll(async () => {
  await toy.close();
  await small.close();
});

interface Call {
  target?: string;
  body?: string | Readable;
  contentType?: string | null;
  headers?: Record<string, string>;
  app?: ToyApp;
}

async function call({ target, body = '{}', contentType = 'application/x-amz-json-1.1', headers = {}, app = toy }: Call) {
  const h: Record<string, string> = { ...headers };
  if (target !== undefined) h['x-amz-target'] = target;
  if (contentType !== null) h['content-type'] = contentType;
  const res = await app.app.inject({ method: 'POST', url: '/', headers: h, payload: body });
  expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
  return { status: res.statusCode, json: res.json() as Record<string, unknown>, raw: res.body };
}

describe('routing and content type', () => {
  it('answers names that are not ECR operations exactly as AWS does', async () => {
    for (const target of [`${TARGET}.NoSuchOperation`, 'DynamoDB_20120810.ListTables', `${TARGET}.`, TARGET, undefined]) {
      const res = await call({ target });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(UNKNOWN_OPERATION);
    }
  });

  it('answers a body that is not AWS JSON with UnknownOperationException', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', null]) {
      const res = await call({ target: `${TARGET}.DescribeRepositories`, contentType });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(UNKNOWN_OPERATION);
    }
  });

  it('accepts application/json and media-type parameters', async () => {
    for (const contentType of ['application/json', 'application/x-amz-json-1.1; charset=utf-8', 'Application/X-Amz-Json-1.1']) {
      const res = await call({ target: `${TARGET}.DescribeRepositories`, contentType });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ repositories: [] });
    }
  });

  it('decides the operation before authenticating', async () => {
    toy.authRequests.length = 0;
    const res = await call({ target: `${TARGET}.Nope`, headers: { 'x-test-auth': 'reject' } });
    expect(res.json).toEqual(UNKNOWN_OPERATION);
    expect(toy.authRequests).toHaveLength(0);
  });
});

describe('sharing the listener', () => {
  it('keeps its body handling to itself, so routes beside it parse JSON as usual', async () => {
    const app = Fastify();
    app.post('/v2/echo', async (req) => ({ got: req.body }));
    await app.register(ecrApiPlugin, {
      operations: toyOperations([]),
      authenticate: fakeAuthenticate([]),
      authorize: async () => undefined,
      region: REGION,
      registryHostTemplate: HOST_TEMPLATE,
      paginationSecret: 'another-test-secret-0123456789',
    });
    const echo = await app.inject({ method: 'POST', url: '/v2/echo', payload: { a: 1 } });
    expect(echo.json()).toEqual({ got: { a: 1 } });
    const ecr = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'x-amz-target': `${TARGET}.DescribeRepositories`, 'content-type': 'application/x-amz-json-1.1' },
      payload: '{}',
    });
    expect(ecr.json()).toEqual({ repositories: [] });
    await app.close();
  });
});

describe('authentication', () => {
  it('sends the error the authenticate hook chose', async () => {
    const res = await call({ target: `${TARGET}.DescribeRepositories`, headers: { 'x-test-auth': 'reject' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided.',
    });
    const unknown = await call({ target: `${TARGET}.DescribeRepositories`, headers: { 'x-test-auth': 'unknown-key' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  });

  it('authenticates before reading the JSON', async () => {
    const res = await call({ target: `${TARGET}.DescribeRepositories`, body: '{not json', headers: { 'x-test-auth': 'reject' } });
    expect(res.json.__type).toBe('InvalidSignatureException');
  });

  it('refuses an anonymous caller', async () => {
    const res = await call({ target: `${TARGET}.DescribeRepositories`, headers: { 'x-test-auth': 'anonymous' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });
});

describe('request bodies', () => {
  it('answers malformed JSON with SerializationException', async () => {
    for (const body of ['{"repositoryName": ', 'null', '[]', '"x"']) {
      const res = await call({ target: `${TARGET}.CreateRepository`, body });
      expect(res.status).toBe(400);
      expect(res.json.__type).toBe('com.amazon.coral.service#SerializationException');
    }
  });

  it('answers a body that is not UTF-8 with SerializationException rather than reading altered text', async () => {
    const body = Readable.from([Buffer.concat([Buffer.from('{"repositoryName":"caf'), Buffer.from([0xe9]), Buffer.from('"}')])]);
    const res = await call({ target: `${TARGET}.CreateRepository`, body });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'com.amazon.coral.service#SerializationException', message: 'Request body is not valid UTF-8' });
  });

  it('answers a value of the wrong JSON type with SerializationException, ahead of constraint errors', async () => {
    const res = await call({ target: `${TARGET}.DescribeRepositories`, body: '{"repositoryNames":[], "maxResults":"5"}' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      __type: 'com.amazon.coral.service#SerializationException',
      message: 'STRING_VALUE can not be converted to an Integer',
    });
  });

  it('treats an empty body as empty input and ignores members the model does not know', async () => {
    expect((await call({ target: `${TARGET}.DescribeRepositories`, body: '' })).status).toBe(200);
    const res = await call({ target: `${TARGET}.CreateRepository`, body: '{"repositoryName":"extra","noSuchMember":{"a":1},"tags":null}' });
    expect(res.status).toBe(200);
  });

  it('writes only model members, timestamps as epoch seconds', async () => {
    const res = await call({ target: `${TARGET}.CreateRepository`, body: '{"repositoryName":"wire/shape"}' });
    expect(res.json.repository).toEqual({
      repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/wire/shape',
      registryId: '111122223333',
      repositoryName: 'wire/shape',
      repositoryUri: '111122223333.dkr.ecr.eu-west-1.berth.test/wire/shape',
      createdAt: 1709296496.789,
      imageTagMutability: 'MUTABLE',
    });
    expect(res.raw).not.toContain('internalStoragePath');
  });

  it('refuses a body over the limit, declared or streamed', async () => {
    const big = JSON.stringify({ repositoryName: 'a'.repeat(2000) });
    const declared = await call({ app: small, target: `${TARGET}.CreateRepository`, body: big });
    expect(declared.status).toBe(413);
    expect(declared.json).toEqual({ __type: 'RequestEntityTooLargeException', message: 'Request body exceeds the limit of 1024 bytes' });

    const streamed = await call({ app: small, target: `${TARGET}.CreateRepository`, body: Readable.from([big.slice(0, 900), big.slice(900)]) });
    expect(streamed.status).toBe(413);
    expect(small.repos).toEqual([]);
  });

  it('gives operations that carry blobs the larger limit', async () => {
    const body = JSON.stringify({
      repositoryName: 'team/app',
      uploadId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
      partFirstByte: 0,
      partLastByte: 2999,
      layerPartBlob: Buffer.alloc(3000, 7).toString('base64'),
    });
    const res = await call({ app: small, target: `${TARGET}.UploadLayerPart`, body });
    expect(res.status).toBe(200);
    expect(res.json.lastByteReceived).toBe(2999);
    const notBase64 = await call({ app: small, target: `${TARGET}.UploadLayerPart`, body: body.replace(/"layerPartBlob":"/, '"layerPartBlob":"*') });
    expect(notBase64.json.__type).toBe('com.amazon.coral.service#SerializationException');
  });
});
