import { policyTextLengthError, policyValidationError } from './errors.js';
import { checkPolicy } from './policy-constraints.js';
import { checkRule } from './rule-constraints.js';
import { readNonEmptyArray, readObject, readRule } from './schema.js';
import type { LifecyclePolicy } from './types.js';

/** ECR's LifecyclePolicyText bounds (API model: min 100; service quota: max 30,720 characters). */
const MIN_POLICY_TEXT_LENGTH = 100;
const MAX_POLICY_TEXT_LENGTH = 30_720;

/**
 * Parses and validates lifecycle policy text exactly as PutLifecyclePolicy and
 * StartLifecyclePolicyPreview accept it. Throws DomainError('InvalidParameter') naming the first
 * problem found; returns the policy with rules sorted by rulePriority and defaults filled in.
 * Callers store the original text (ECR returns it verbatim), not a re-serialisation of the result.
 */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  // Length in UTF-16 code units, as the Java-based service counts characters.
  if (text.length > MAX_POLICY_TEXT_LENGTH) throw policyTextLengthError('max', MAX_POLICY_TEXT_LENGTH);
  if (text.length < MIN_POLICY_TEXT_LENGTH) throw policyTextLengthError('min', MIN_POLICY_TEXT_LENGTH);

  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw policyValidationError(`Could not map policyString into LifecyclePolicy: the text is not valid JSON (${reason})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw policyValidationError('Could not map policyString into LifecyclePolicy: the policy must be a JSON object');
  }

  const root = readObject(doc, '', ['rules'], []);
  const rules = readNonEmptyArray(root.rules, 'rules')
    .map((value, i) => checkRule(readRule(value, `rules[${i}]`)))
    .sort((a, b) => a.rulePriority - b.rulePriority);
  checkPolicy(rules);
  return { rules };
}
