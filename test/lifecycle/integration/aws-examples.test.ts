/**
 * The lifecycle policy examples of the AWS ECR user guide ("Examples of lifecycle policies in
 * Amazon ECR", 2025 edition with the archive examples), end to end: images pushed and pulled over
 * /v2 at the guide's ages, the guide's policy put with PutLifecyclePolicy, previewed with
 * Start/GetLifecyclePolicyPreview (every page), then a real lifecycle run. Each example asserts
 * the guide's outcome on the preview, and that the run did exactly what the preview showed.
 * (test/lifecycle/aws-examples.test.ts proves the same outcomes on the engine alone.)
 */
import { describe, expect, it } from 'vitest';
import { useLifecycleBerth } from './harness.js';
import { type ImageSpec, buildScenario, imagesLeft, putAndPreview, runLifecycle, runOutcome, withoutPriorities } from './scenario.js';

const berth = useLifecycleBerth();

const expire = { type: 'expire' };
const archive = { type: 'transition', targetStorageClass: 'archive' };
const rule = (rulePriority: number, description: string, selection: Record<string, unknown>, action: Record<string, unknown> = expire) => ({
  rulePriority,
  description,
  selection,
  action,
});
const policyText = (...rules: unknown[]) => JSON.stringify({ rules }, null, 4);

/** Builds the repository, previews the policy, runs it, and returns the preview's outcome after checking the run matched it. */
async function example(images: ImageSpec[], text: string): Promise<Record<string, string>> {
  const scenario = await buildScenario(berth(), images);
  const { outcome } = await putAndPreview(berth(), scenario, text);
  const before = await imagesLeft(berth(), scenario);
  expect(before.size).toBe(images.length);
  await runLifecycle(berth(), scenario);
  expect(await runOutcome(berth(), scenario, before)).toEqual(withoutPriorities(outcome));
  return outcome;
}

describe('AWS example: filtering on image age', () => {
  it('expires prod* images older than 14 days and nothing else', async () => {
    const outcome = await example(
      [
        { name: 'prod-old', tags: ['prod'], pushed: 20 },
        { name: 'production-old', tags: ['production-team1'], pushed: 15 },
        { name: 'prod-new', tags: ['prod1'], pushed: 13 },
        { name: 'dev-old', tags: ['dev-1'], pushed: 30 },
        { name: 'untagged-old', tags: [], pushed: 30 },
      ],
      policyText(
        rule(1, 'Expire images older than 14 days', { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }),
      ),
    );
    expect(outcome).toEqual({ 'prod-old': 'EXPIRE by 1', 'production-old': 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on image count', () => {
  it('keeps the newest untagged image and expires the other untagged ones', async () => {
    const outcome = await example(
      [
        { name: 'u1', tags: [], pushed: 3 },
        { name: 'u2', tags: [], pushed: 2 },
        { name: 'u3', tags: [], pushed: 1 },
        { name: 'tagged', tags: ['v1'], pushed: 9 },
      ],
      policyText(rule(1, 'Keep only one untagged image, expire all others', { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })),
    );
    expect(outcome).toEqual({ u1: 'EXPIRE by 1', u2: 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on multiple rules', () => {
  const images: ImageSpec[] = [
    { name: 'A', tags: ['beta-1', 'prod-1'], pushed: 10 },
    { name: 'B', tags: ['beta-2', 'prod-2'], pushed: 9 },
    { name: 'C', tags: ['beta-3'], pushed: 8 },
  ];
  const prod = { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 1 };
  const beta = { tagStatus: 'tagged', tagPatternList: ['beta*'], countType: 'imageCountMoreThan', countNumber: 1 };

  it('Example A: rule 1 (prod*) expires A; rule 2 (beta*) may not expire B, which rule 1 saw', async () => {
    expect(await example(images, policyText(rule(1, 'Rule 1', prod), rule(2, 'Rule 2', beta)))).toEqual({ A: 'EXPIRE by 1' });
  });

  it('Example B: with the priorities swapped, rule 1 (beta*) expires A and B', async () => {
    expect(await example(images, policyText(rule(1, 'Rule 1', beta), rule(2, 'Rule 2', prod)))).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on multiple tags in a single rule', () => {
  it('Example A: images must match all patterns; of C and F only C is older than 5 days', async () => {
    const outcome = await example(
      [
        { name: 'A', tags: ['alpha-1'], pushed: 12 },
        { name: 'B', tags: ['beta-1'], pushed: 11 },
        { name: 'C', tags: ['alpha-2', 'beta-2'], pushed: 10 },
        { name: 'D', tags: ['alpha-3'], pushed: 4 },
        { name: 'E', tags: ['beta-3'], pushed: 3 },
        { name: 'F', tags: ['alpha-4', 'beta-4'], pushed: 2 },
      ],
      policyText(rule(1, 'Rule 1', { tagStatus: 'tagged', tagPatternList: ['alpha*', 'beta*'], countType: 'sinceImagePushed', countNumber: 5, countUnit: 'days' })),
    );
    expect(outcome).toEqual({ C: 'EXPIRE by 1' });
  });

  it('Example B: tags are not exclusive; all three images match and A and B are expired', async () => {
    const outcome = await example(
      [
        { name: 'A', tags: ['alpha-1', 'beta-1', 'gamma-1'], pushed: 10 },
        { name: 'B', tags: ['alpha-2', 'beta-2'], pushed: 9 },
        { name: 'C', tags: ['alpha-3', 'beta-3', 'gamma-2'], pushed: 8 },
      ],
      policyText(rule(1, 'Rule 1', { tagStatus: 'tagged', tagPatternList: ['alpha*', 'beta*'], countType: 'imageCountMoreThan', countNumber: 1 })),
    );
    expect(outcome).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on all images', () => {
  it('Example A: keeps only the newest image and expires A, B and C', async () => {
    const outcome = await example(
      [
        { name: 'A', tags: ['alpha-1'], pushed: 4 },
        { name: 'B', tags: ['beta-1'], pushed: 3 },
        { name: 'C', tags: [], pushed: 2 },
        { name: 'D', tags: ['alpha-2'], pushed: 1 },
      ],
      policyText(rule(1, 'Rule 1', { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })),
    );
    expect(outcome).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 1', C: 'EXPIRE by 1' });
  });

  it('Example B: all rule types combined expire A (rule 1), B (rule 2) and D (rule 3)', async () => {
    // The guide gives D and E as "1 day ago": D 25 h and E 23 h ago keep its outcome exact. D's tag
    // "git hash" is not a valid OCI tag, so it is "git-hash" here (any tag not matching alpha*).
    const outcome = await example(
      [
        { name: 'A', tags: ['alpha-1', 'beta-1'], pushed: 4 },
        { name: 'B', tags: [], pushed: 3 },
        { name: 'C', tags: ['alpha-2'], pushed: 2 },
        { name: 'D', tags: ['git-hash'], pushed: 25 / 24 },
        { name: 'E', tags: [], pushed: 23 / 24 },
      ],
      policyText(
        rule(1, 'Rule 1', { tagStatus: 'tagged', tagPatternList: ['alpha*'], countType: 'imageCountMoreThan', countNumber: 1 }),
        rule(2, 'Rule 2', { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
        rule(3, 'Rule 3', { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
      ),
    );
    expect(outcome).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 2', D: 'EXPIRE by 3' });
  });
});

describe('AWS example: archiving images not pulled in 90 days (sinceImagePulled)', () => {
  it('transitions images whose last recorded pull (else push) is more than 90 days old', async () => {
    const outcome = await example(
      [
        { name: 'pulled-long-ago', tags: ['a'], pushed: 300, pulled: 91 },
        { name: 'pulled-recently', tags: ['b'], pushed: 300, pulled: 10 },
        { name: 'never-pulled-old', tags: [], pushed: 120 },
        { name: 'never-pulled-new', tags: [], pushed: 30 },
        { name: 'already-archived', tags: ['d'], pushed: 400, archived: 200 },
      ],
      policyText(rule(1, 'Archive images not pulled in 90 days', { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, archive)),
    );
    expect(outcome).toEqual({ 'pulled-long-ago': 'TRANSITION by 1', 'never-pulled-old': 'TRANSITION by 1' });
  });
});

describe('AWS example: filtering on archive transition time (sinceImageTransitioned)', () => {
  it('expires images archived for more than 365 days, and only archived ones', async () => {
    const outcome = await example(
      [
        { name: 'archived-long-ago', tags: ['a'], pushed: 500, archived: 366 },
        { name: 'archived-recently', tags: ['b'], pushed: 900, archived: 100 },
        { name: 'old-standard', tags: ['c'], pushed: 900 },
      ],
      policyText(
        rule(1, 'Expire images archived for more than 365 days', {
          tagStatus: 'any',
          storageClass: 'archive',
          countType: 'sinceImageTransitioned',
          countUnit: 'days',
          countNumber: 365,
        }),
      ),
    );
    expect(outcome).toEqual({ 'archived-long-ago': 'EXPIRE by 1' });
  });
});

describe('AWS archive example: archiving images older than a specified number of days', () => {
  it('transitions prod* images older than 30 days', async () => {
    const outcome = await example(
      [
        { name: 'prod-old', tags: ['prod-2024'], pushed: 31 },
        { name: 'prod-new', tags: ['prod-2025'], pushed: 29 },
        { name: 'dev-old', tags: ['dev'], pushed: 31 },
        { name: 'prod-archived', tags: ['prod-2023'], pushed: 400, archived: 100 },
      ],
      policyText(
        rule(1, 'Archive production images older than 30 days', { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, archive),
      ),
    );
    expect(outcome).toEqual({ 'prod-old': 'TRANSITION by 1' });
  });
});

describe('AWS archive example: combining archive and expire rules', () => {
  it('archives standard images older than 30 days and expires images archived more than 365 days', async () => {
    const outcome = await example(
      [
        { name: 'old', tags: ['v1'], pushed: 40 },
        { name: 'young', tags: [], pushed: 10 },
        { name: 'archived-400d', tags: ['v0'], pushed: 800, archived: 400 },
        { name: 'archived-100d', tags: [], pushed: 800, archived: 100 },
      ],
      policyText(
        rule(1, 'Archive images older than 30 days', { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 }, archive),
        rule(2, 'Expire images archived for more than 365 days', {
          tagStatus: 'any',
          storageClass: 'archive',
          countType: 'sinceImageTransitioned',
          countUnit: 'days',
          countNumber: 365,
        }),
      ),
    );
    expect(outcome).toEqual({ old: 'TRANSITION by 1', 'archived-400d': 'EXPIRE by 2' });
  });
});
