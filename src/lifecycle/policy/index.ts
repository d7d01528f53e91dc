/**
 * The pure lifecycle-policy engine: parse and validate policy text, evaluate a policy over a
 * repository snapshot, summarise the result. No I/O; the lifecycle service wires it to the stores,
 * the ECR operations (Put/Get/DeleteLifecyclePolicy, Start/GetLifecyclePolicyPreview) and the
 * scheduled job.
 */
export { parseLifecyclePolicy } from './parse.js';
export { evaluateLifecyclePolicy } from './evaluate.js';
export { summarizeLifecycleDecisions } from './summary.js';
export { lifecyclePolicyNotFound } from './errors.js';
export type {
  CountType,
  ImageFacts,
  ImageStorageClass,
  LifecycleDecision,
  LifecycleDecisionAction,
  LifecycleDecisionSummary,
  LifecyclePolicy,
  LifecycleRule,
  LifecycleRuleAction,
  LifecycleSelection,
  PolicyStorageClass,
  TagStatus,
} from './types.js';
