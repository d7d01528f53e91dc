import { describe, expect, it } from 'vitest';
import { decodeShape } from '../../../src/api/ecr/decode.js';
import { encodeShape } from '../../../src/api/ecr/encode.js';
import { EcrApiError } from '../../../src/api/ecr/errors.js';
import { checkInput } from '../../../src/api/ecr/input.js';
import { ecrModel } from '../../../src/api/ecr/model/index.js';
import { compileJavaPattern, translateJavaPattern } from '../../../src/api/ecr/validation/patterns.js';
import { validateShape } from '../../../src/api/ecr/validation/validate.js';

function rejectMessage(shape: string, json: Record<string, unknown>): { type: string; message: string } {
  try {
    checkInput(shape, json);
  } catch (err) {
    if (err instanceof EcrApiError) return { type: err.awsErrorCode, message: err.message };
    throw err;
  }
  throw new Error('expected the input to be refused');
}

describe('model patterns', () => {
  const patterns = [...new Set(Object.values(ecrModel.shapes).flatMap((s) => (s.pattern ? [s.pattern] : [])))];

  it('compiles every pattern in the model', () => {
    expect(patterns.length).toBeGreaterThan(10);
    for (const pattern of patterns) expect(() => compileJavaPattern(pattern)).not.toThrow();
  });

  it('matches whole values only, as Java String.matches does', () => {
    const registryId = compileJavaPattern('[0-9]{12}');
    expect(registryId.test('123456789012')).toBe(true);
    expect(registryId.test('1234567890123')).toBe(false);
    expect(registryId.test('x123456789012')).toBe(false);
    const kmsKey = compileJavaPattern('^$|arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:[0-9]{12}:key\\/[a-z0-9-]+');
    expect(kmsKey.test('')).toBe(true);
    expect(kmsKey.test('arn:aws:kms:eu-west-1:123456789012:key/abc-123')).toBe(true);
    expect(kmsKey.test('junk arn:aws:kms:eu-west-1:123456789012:key/abc-123')).toBe(false);
    // [0-9-_] is valid Java (and JS without the u flag): '-' after a range is a literal.
    expect(compileJavaPattern('[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+').test('sha256:abc')).toBe(true);
  });

  it('translates Java anchors and refuses syntax JS would read differently', () => {
    expect(translateJavaPattern('\\Aab\\z')).toBe('^ab$');
    for (const bad of ['a++', 'a*+', '(?>a)', '\\p{Alpha}', '[a-z&&[^b]]', '[ab', '\\Qa.b\\E']) {
      expect(() => translateJavaPattern(bad), bad).toThrow();
    }
  });
});

describe('validation', () => {
  it('names the leaf member for structures inside lists, as ECR does', () => {
    expect(rejectMessage('DescribeImagesRequest', { repositoryName: 'app', imageIds: [{ imageTag: 'ok' }, { imageTag: '' }] })).toEqual({
      type: 'InvalidParameterException',
      message: "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must have length greater than or equal to 1'",
    });
  });

  it('reports the first violation in member order', () => {
    const { message } = rejectMessage('CreateRepositoryRequest', { registryId: 'abc', repositoryName: 'A' });
    expect(message).toBe("Invalid parameter at 'registryId' failed to satisfy constraint: 'must satisfy regular expression '[0-9]{12}''");
  });

  it('counts string length in code points', () => {
    const tag = (n: number): Record<string, unknown> => ({ repositoryName: 'app', imageIds: [{ imageTag: '😀'.repeat(n) }] });
    expect(validateShape('DescribeImagesRequest', tag(300))).toEqual([]);
    expect(rejectMessage('DescribeImagesRequest', tag(301)).message).toMatch(/must have length less than or equal to 300/);
  });

  it('checks map keys and values with Coral wording', () => {
    expect(validateShape('ImageScanFindingsSummary', { findingSeverityCounts: { BOGUS: 1 } })).toEqual([
      expect.objectContaining({
        member: 'findingSeverityCounts',
        constraint: expect.stringMatching(/^Map keys must satisfy constraint: \[Member must satisfy enum value set: \[INFORMATIONAL, /),
      }),
    ]);
    expect(validateShape('ImageScanFindingsSummary', { findingSeverityCounts: { HIGH: -1 } })).toEqual([
      expect.objectContaining({ constraint: 'Map value must satisfy constraint: [Member must have value greater than or equal to 0]' }),
    ]);
  });

  it('treats integral types strictly and longs within range', () => {
    const part = { repositoryName: 'app', uploadId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', partLastByte: 1, layerPartBlob: '' };
    expect(rejectMessage('UploadLayerPartRequest', { ...part, partFirstByte: 1.5 })).toEqual({
      type: 'SerializationException',
      message: 'NUMBER_VALUE can not be converted to a Long',
    });
    expect(rejectMessage('UploadLayerPartRequest', { ...part, partFirstByte: -1 }).message).toBe(
      "Invalid parameter at 'partFirstByte' failed to satisfy constraint: 'Member must have value greater than or equal to 0'",
    );
    expect(validateShape('UploadLayerPartRequest', { ...part, partFirstByte: 2 ** 40 })).toEqual([]);
  });

  it('checks base64 blobs of a full layer part (20 MiB) and refuses what is not base64', () => {
    const part = { repositoryName: 'app', uploadId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', partFirstByte: 0, partLastByte: 1 };
    const big = Buffer.alloc(20 * 1024 * 1024, 7).toString('base64');
    expect(validateShape('UploadLayerPartRequest', { ...part, layerPartBlob: big })).toEqual([]);
    for (const value of ['AQ==', 'AQI=', 'AQID', '']) {
      expect(validateShape('UploadLayerPartRequest', { ...part, layerPartBlob: value }), value).toEqual([]);
    }
    for (const value of ['AQ=', 'A===', '====', 'AQ=D', 'AQ*D', `${big.slice(0, -4)}AQ*D`, 'AQID=']) {
      expect(rejectMessage('UploadLayerPartRequest', { ...part, layerPartBlob: value }).type, value.slice(-8)).toBe('SerializationException');
    }
  });

  it('reports wrong JSON types in Coral terms', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ repositoryName: { a: 1 } }, 'Start of structure or map found where not expected.'],
      [{ repositoryName: ['x'] }, 'Start of list found where not expected'],
      [{ repositoryName: true }, 'TRUE_VALUE can not be converted to a String'],
      [{ repositoryName: 'ok-name', tags: 'x' }, 'Expected list or null, found STRING_VALUE'],
      [{ repositoryName: 'ok-name', imageScanningConfiguration: 'x' }, 'STRING_VALUE can not be converted to a Structure'],
      [{ repositoryName: 'ok-name', imageScanningConfiguration: { scanOnPush: 'yes' } }, 'STRING_VALUE can not be converted to a Boolean'],
    ];
    for (const [json, message] of cases) expect(rejectMessage('CreateRepositoryRequest', json)).toEqual({ type: 'SerializationException', message });
  });

  it('refuses null inside lists', () => {
    expect(rejectMessage('DescribeRepositoriesRequest', { repositoryNames: ['ok-name', null] }).message).toBe(
      "Invalid parameter at 'repositoryNames' failed to satisfy constraint: 'Member must satisfy constraint: [Member must not be null]'",
    );
  });
});

describe('decoding and encoding', () => {
  it('keeps only model members and keeps client map keys as plain keys', () => {
    const input = decodeShape('CreateRepositoryRequest', { repositoryName: 'app', injected: 'x', tags: null }) as Record<string, unknown>;
    expect(input).toEqual({ repositoryName: 'app' });
    const referrer = decodeShape('ImageReferrer', JSON.parse('{"annotations":{"__proto__":"x","k":"v"},"extra":1}')) as {
      annotations: Record<string, string>;
    };
    expect(Object.getPrototypeOf(referrer.annotations)).toBe(Object.prototype);
    expect(Object.keys(referrer.annotations)).toEqual(['__proto__', 'k']);
    expect(referrer).not.toHaveProperty('extra');
  });

  it('turns epoch seconds into Dates and base64 into bytes', () => {
    expect(decodeShape('AuthorizationData', { expiresAt: 1700000000.25 })).toEqual({ expiresAt: new Date(1700000000250) });
    const part = decodeShape('UploadLayerPartRequest', { layerPartBlob: 'AQID' }) as { layerPartBlob: Buffer };
    expect([...part.layerPartBlob]).toEqual([1, 2, 3]);
  });

  it('encodes Dates, bytes and nested members, and refuses wrong output types', () => {
    expect(encodeShape('AuthorizationData', { expiresAt: new Date(1700000000250), proxyEndpoint: 'https://x', extra: 1 })).toEqual({
      expiresAt: 1700000000.25,
      proxyEndpoint: 'https://x',
    });
    expect(encodeShape('UploadLayerPartRequest', { layerPartBlob: new Uint8Array([1, 2, 3]) })).toEqual({ layerPartBlob: 'AQID' });
    expect(() => encodeShape('AuthorizationData', { expiresAt: '2024-01-01' })).toThrow(/expiresAt must be a valid Date/);
    expect(() => encodeShape('DescribeRepositoriesResponse', { repositories: [{ repositoryName: 5 }] })).toThrow(
      /repositories\[0\]\.repositoryName must be a string/,
    );
  });
});
