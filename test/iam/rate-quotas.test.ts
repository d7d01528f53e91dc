import { describe, expect, it } from 'vitest';
import { AccountRateQuotas, RATE_QUOTA_DEFAULTS } from '../../src/iam/rate-quotas.js';

function quotas(overrides: Partial<Record<keyof typeof RATE_QUOTA_DEFAULTS, { perSecond: number; burst: number }>>, now: () => number) {
  const limits = Object.fromEntries(Object.keys(RATE_QUOTA_DEFAULTS).map((a) => [a, { perSecond: 0, burst: 1 }]));
  return new AccountRateQuotas({ ...limits, ...overrides } as ConstructorParameters<typeof AccountRateQuotas>[0], now);
}

describe('AccountRateQuotas', () => {
  it('counts per account and per action, refills at the rate, and leaves actions without a quota free', () => {
    let t = 0;
    const q = quotas({ PutImage: { perSecond: 2, burst: 3 } }, () => t);
    for (let i = 0; i < 3; i++) expect(q.take('111111111111', ['ecr:PutImage']).allowed).toBe(true);
    expect(q.take('111111111111', ['ecr:PutImage'])).toEqual({ allowed: false, retryAfterSeconds: 1, action: 'PutImage', perSecond: 2 });
    expect(q.take('222222222222', ['ecr:PutImage']).allowed).toBe(true);
    expect(q.take('111111111111', ['ecr:BatchGetImage', 'ecr:ListImages', 'ecr:CreateRepository']).allowed).toBe(true);
    t = 500;
    expect(q.take('111111111111', ['ecr:PutImage']).allowed).toBe(true);
    expect(q.take('111111111111', ['ecr:PutImage']).allowed).toBe(false);
  });

  it('counts a request against every quota its actions have (a monolithic upload is three)', () => {
    const q = quotas({ InitiateLayerUpload: { perSecond: 1, burst: 5 }, CompleteLayerUpload: { perSecond: 1, burst: 1 } }, () => 0);
    const monolithic = ['ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];
    expect(q.take('111111111111', monolithic).allowed).toBe(true);
    expect(q.take('111111111111', monolithic)).toMatchObject({ allowed: false, action: 'CompleteLayerUpload' });
  });
});
