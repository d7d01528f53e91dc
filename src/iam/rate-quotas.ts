/**
 * ECR's API rate quotas, as Berth applies them to authenticated /v2 requests: per account (the
 * caller's) and per ECR action the request maps to (policy/actions.ts authorizationForV2), so a
 * manifest GET counts as BatchGetImage and a blob GET as GetDownloadUrlForLayer, as ECR counts a
 * docker pull. Anonymous pulls have their own per-address limit (config-schema.ts).
 */
import type { RateDecision, RateLimit } from './rate-limiter.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Requests per second per account, ECR's defaults ("Amazon ECR service quotas", Amazon ECR User
 * Guide, https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html: "Rate of
 * <Action> requests — Each supported Region: N per second", adjustable; quota codes L-16E70933,
 * L-A60A366D, L-B9173138, L-95B28F8D, L-A1670B10, L-44194860, L-AD52DFB2). The actions /v2 maps
 * to and ECR gives no rate quota (ListImages, DescribeRepositories, BatchDeleteImage,
 * CreateRepository) are not limited.
 */
export const RATE_QUOTA_DEFAULTS = {
  BatchGetImage: 2000,
  GetDownloadUrlForLayer: 3000,
  BatchCheckLayerAvailability: 1000,
  InitiateLayerUpload: 100,
  UploadLayerPart: 500,
  CompleteLayerUpload: 100,
  PutImage: 10,
} as const;

export type RateQuotaAction = keyof typeof RATE_QUOTA_DEFAULTS;

/** ECR does not document its bucket sizes; Berth lets an account burst five seconds' worth. */
export const RATE_QUOTA_BURST_SECONDS = 5;

export type RateQuotaDecision = RateDecision & { action?: RateQuotaAction; perSecond?: number };

/** One token bucket per account for each quota'd action. */
export class AccountRateQuotas {
  private readonly limiters = new Map<string, { limiter: RateLimiter; perSecond: number }>();

  constructor(limits: Readonly<Record<RateQuotaAction, RateLimit>>, now?: () => number) {
    for (const [action, limit] of Object.entries(limits)) {
      this.limiters.set(`ecr:${action}`, { limiter: new RateLimiter(limit, now), perSecond: limit.perSecond });
    }
  }

  /**
   * Counts one request needing `actions` against `accountId`'s quota of each (actions without a
   * quota are free); refused at the first quota it exceeds.
   */
  take(accountId: string, actions: readonly string[]): RateQuotaDecision {
    for (const action of actions) {
      const quota = this.limiters.get(action);
      if (!quota) continue;
      const decision = quota.limiter.take(accountId);
      if (!decision.allowed) return { ...decision, action: action.slice('ecr:'.length) as RateQuotaAction, perSecond: quota.perSecond };
    }
    return { allowed: true };
  }
}
