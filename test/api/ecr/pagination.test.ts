import { describe, expect, it } from 'vitest';
import { EcrApiError } from '../../../src/api/ecr/errors.js';
import { ecrPaginators, getOperationModel, getShape } from '../../../src/api/ecr/model/index.js';
import { Pager } from '../../../src/api/ecr/pager.js';
import { PageTokenCodec, filterHash, paginatorFor } from '../../../src/api/ecr/pagination.js';

const SECRET = 'unit-test-secret-0123456789abcdef';
const BINDING = { operation: 'DescribeRepositories', filterHash: 'f1' };

function refused(fn: () => unknown): EcrApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof EcrApiError) return err;
    throw err;
  }
  throw new Error('expected the token to be refused');
}

describe('page tokens', () => {
  it('round-trips a position and refuses any alteration', () => {
    const codec = new PageTokenCodec(SECRET);
    const token = codec.seal(BINDING, { name: 'team/app', n: 3 });
    expect(codec.open(token, BINDING)).toEqual({ name: 'team/app', n: 3 });

    const [payload, mac] = token.split('.') as [string, string];
    const flipped = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [`${flipped(payload, 5)}.${mac}`, `${payload}.${flipped(mac, 3)}`, `${payload}.`, payload, `${token}.x`, '']) {
      const err = refused(() => codec.open(bad, BINDING));
      expect(err.awsErrorCode).toBe('InvalidParameterException');
      expect(err.message).toBe("Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid NextToken'");
    }
  });

  it('refuses a token from another operation, filter, secret, or past its expiry', () => {
    let now = Date.UTC(2024, 0, 1);
    const codec = new PageTokenCodec(SECRET, { ttlSeconds: 60, now: () => now });
    const token = codec.seal(BINDING, 'x');
    refused(() => codec.open(token, { ...BINDING, operation: 'ListImages' }));
    refused(() => codec.open(token, { ...BINDING, filterHash: 'f2' }));
    refused(() => new PageTokenCodec(`${SECRET}-other`, { now: () => now }).open(token, BINDING));
    now += 59_000;
    expect(codec.open(token, BINDING)).toBe('x');
    now += 2_000;
    refused(() => codec.open(token, BINDING));
  });

  it('needs a real secret', () => {
    expect(() => new PageTokenCodec('short')).toThrow(/at least 16 bytes/);
  });

  it('binds tokens to the account and the filters, not to the page size or the token', () => {
    const spec = paginatorFor('DescribeRepositories')!;
    const base = filterHash('111122223333', { repositoryNames: ['a', 'b'] }, spec);
    expect(filterHash('111122223333', { maxResults: 5, nextToken: 'x', repositoryNames: ['a', 'b'] }, spec)).toBe(base);
    expect(filterHash('444455556666', { repositoryNames: ['a', 'b'] }, spec)).not.toBe(base);
    expect(filterHash('111122223333', { repositoryNames: ['b', 'a'] }, spec)).not.toBe(base);
    expect(filterHash('111122223333', {}, spec)).not.toBe(base);
  });
});

describe('paginators', () => {
  it('reads paginators-1.json, and every paginator names members the model has', () => {
    expect(paginatorFor('DescribeImageScanFindings')).toEqual({
      inputToken: 'nextToken',
      outputToken: 'nextToken',
      limitKey: 'maxResults',
      resultKeys: ['imageScanFindings.findings', 'imageScanFindings.enhancedFindings'],
    });
    for (const name of Object.keys(ecrPaginators.pagination)) {
      const spec = paginatorFor(name)!;
      const op = getOperationModel(name)!;
      const input = getShape(op.input!.shape).members!;
      expect(input, name).toHaveProperty(spec.inputToken);
      if (spec.limitKey) expect(input, name).toHaveProperty(spec.limitKey);
      expect(getShape(op.output!.shape).members, name).toHaveProperty(spec.outputToken);
      for (const key of spec.resultKeys) {
        let shape = getShape(op.output!.shape);
        for (const part of key.split('.')) shape = getShape(shape.members![part]!.shape);
        expect(shape.type, `${name} ${key}`).toBe('list');
      }
    }
  });

  it('applies the same convention to paginated operations the file omits', () => {
    expect(paginatorFor('ListImageReferrers')).toEqual({
      inputToken: 'nextToken',
      outputToken: 'nextToken',
      limitKey: 'maxResults',
      resultKeys: ['referrers'],
    });
    expect(paginatorFor('CreateRepository')).toBeUndefined();
  });
});

describe('Pager.paginate', () => {
  const codec = new PageTokenCodec(SECRET);
  const pager = (input: Record<string, unknown>): Pager => new Pager(codec, 'DescribeRepositories', '111122223333', input);

  it('continues after the last key even when items come and go between pages', () => {
    let items = ['b', 'd', 'a', 'c', 'e'];
    const first = pager({ maxResults: 2 }).paginate(items, (s) => s);
    expect(first.items).toEqual(['a', 'b']);
    items = items.filter((s) => s !== 'b').concat('aa', 'cc');
    const second = pager({ maxResults: 2, nextToken: first.nextToken }).paginate(items, (s) => s);
    expect(second.items).toEqual(['c', 'cc']);
    const third = pager({ maxResults: 2, nextToken: second.nextToken }).paginate(items, (s) => s);
    expect(third).toEqual({ items: ['d', 'e'], nextToken: undefined });
  });

  it('refuses to paginate an operation without a paginator', () => {
    expect(() => new Pager(codec, 'CreateRepository', '111122223333', {}).request()).toThrow(/not paginated/);
  });
});
