import type { LifecycleDecision, LifecycleDecisionSummary } from './types.js';

/** ECR's LifecyclePolicyPreviewSummary for a set of decisions. */
export function summarizeLifecycleDecisions(decisions: Iterable<LifecycleDecision>): LifecycleDecisionSummary {
  let expiring = 0;
  let transitioning = 0;
  for (const decision of decisions) {
    if (decision.action.type === 'EXPIRE') expiring++;
    else transitioning++;
  }
  return transitioning === 0
    ? { expiringImageTotalCount: expiring }
    : {
        expiringImageTotalCount: expiring,
        transitioningImageTotalCounts: [{ targetStorageClass: 'ARCHIVE', imageTotalCount: transitioning }],
      };
}
