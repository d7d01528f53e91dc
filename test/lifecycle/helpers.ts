import { expect } from 'vitest';
import { isDomainError } from '../../src/domain/errors.js';
import { evaluateLifecyclePolicy, parseLifecyclePolicy } from '../../src/lifecycle/policy/index.js';
import type { ImageFacts, LifecyclePolicy } from '../../src/lifecycle/policy/index.js';

export const NOW = new Date('2025-06-01T12:00:00.000Z');
export const DAY_MS = 86_400_000;

export function daysAgo(days: number, plusMs = 0): Date {
  return new Date(NOW.getTime() - days * DAY_MS + plusMs);
}

type Extra = Partial<Omit<ImageFacts, 'digest' | 'tags' | 'pushedAt' | 'storageClass' | 'transitionedAt'>>;

export function standard(digest: string, tags: string[], pushedAt: Date, extra: Extra & { transitionedAt?: Date } = {}): ImageFacts {
  return { digest, tags, pushedAt, storageClass: 'STANDARD', ...extra };
}

export function archived(digest: string, tags: string[], pushedAt: Date, transitionedAt: Date, extra: Extra = {}): ImageFacts {
  return { digest, tags, pushedAt, storageClass: 'ARCHIVE', transitionedAt, ...extra };
}

/** Policy text for a JSON document, padded with whitespace to ECR's 100-character minimum. */
export function policyText(doc: unknown): string {
  return JSON.stringify(doc, null, 2).padEnd(100, ' ');
}

export function policyOf(rules: unknown[]): LifecyclePolicy {
  return parseLifecyclePolicy(policyText({ rules }));
}

/** digest -> "<action> by <rulePriority>", e.g. { A: 'EXPIRE by 1' }: compact outcome assertions. */
export function outcome(policy: LifecyclePolicy, images: ImageFacts[], now = NOW): Record<string, string> {
  const result: Record<string, string> = {};
  for (const d of evaluateLifecyclePolicy(policy, images, now)) {
    result[d.imageDigest] = `${d.action.type} by ${d.appliedRulePriority}`;
  }
  return result;
}

const FRAME_START =
  "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ";

/** Asserts the text is rejected as ECR does, with a message containing every fragment. */
export function expectInvalid(text: string, ...fragments: string[]): string {
  let caught: unknown;
  try {
    parseLifecyclePolicy(text);
  } catch (err) {
    caught = err;
  }
  expect(isDomainError(caught, 'InvalidParameter'), `expected InvalidParameter, got ${String(caught)}`).toBe(true);
  const message = (caught as Error).message;
  for (const fragment of fragments) expect(message).toContain(fragment);
  return message;
}

export function expectInvalidFrame(message: string): void {
  expect(message.startsWith(FRAME_START)).toBe(true);
  expect(message.endsWith("'")).toBe(true);
}

/** A rule with a valid default selection/action; `selection` entries set to undefined are removed. */
export function rule(
  rulePriority: number,
  selection: Record<string, unknown> = {},
  action: Record<string, unknown> = { type: 'expire' },
): Record<string, unknown> {
  const merged: Record<string, unknown> = { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1, ...selection };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return { rulePriority, selection: merged, action };
}
