import { describe, expect, it } from 'vitest';
import { evaluateLifecyclePolicy, parseLifecyclePolicy } from '../../src/lifecycle/policy/index.js';
import { archived, daysAgo, outcome, standard } from './helpers.js';

/**
 * The policies of the AWS ECR user guide, "Examples of lifecycle policies in Amazon ECR"
 * (lifecycle_policy_examples.html, 2025 edition with archive examples), verbatim. Where the guide
 * lists repository contents and a result, the images and the expected outcome are the guide's.
 * Where it gives only a policy, the images are ours and the expectation follows the guide's prose.
 */

function expireRule(priority: number, description: string, selection: string): string {
  return `{
            "rulePriority": ${priority},
            "description": "${description}",
            "selection": ${selection},
            "action": {
                "type": "expire"
            }
        }`;
}

const policy = (...rules: string[]) => parseLifecyclePolicy(`{\n    "rules": [\n        ${rules.join(',\n        ')}\n    ]\n}`);

describe('AWS example: filtering on image age', () => {
  const p = policy(
    expireRule(
      1,
      'Expire images older than 14 days',
      `{ "tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14 }`,
    ),
  );

  it('expires prod* images older than 14 days and nothing else', () => {
    const images = [
      standard('prod-old', ['prod'], daysAgo(20)),
      standard('production-old', ['production-team1'], daysAgo(15)),
      standard('prod-new', ['prod1'], daysAgo(13)),
      standard('dev-old', ['dev-1'], daysAgo(30)),
      standard('untagged-old', [], daysAgo(30)),
    ];
    expect(outcome(p, images)).toEqual({ 'prod-old': 'EXPIRE by 1', 'production-old': 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on image count', () => {
  const p = policy(
    expireRule(
      1,
      'Keep only one untagged image, expire all others',
      `{ "tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1 }`,
    ),
  );

  it('keeps the newest untagged image and expires the other untagged ones', () => {
    const images = [
      standard('u1', [], daysAgo(3)),
      standard('u2', [], daysAgo(2)),
      standard('u3', [], daysAgo(1)),
      standard('tagged', ['v1'], daysAgo(9)),
    ];
    expect(outcome(p, images)).toEqual({ u1: 'EXPIRE by 1', u2: 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on multiple rules', () => {
  const images = [
    standard('A', ['beta-1', 'prod-1'], daysAgo(10)),
    standard('B', ['beta-2', 'prod-2'], daysAgo(9)),
    standard('C', ['beta-3'], daysAgo(8)),
  ];
  const prod = `{ "tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "imageCountMoreThan", "countNumber": 1 }`;
  const beta = `{ "tagStatus": "tagged", "tagPatternList": ["beta*"], "countType": "imageCountMoreThan", "countNumber": 1 }`;

  it('Example A: rule 1 (prod*) expires A; rule 2 (beta*) may not expire B, which rule 1 saw', () => {
    const p = policy(expireRule(1, 'Rule 1', prod), expireRule(2, 'Rule 2', beta));
    expect(outcome(p, images)).toEqual({ A: 'EXPIRE by 1' });
  });

  it('Example B: with the priorities swapped, rule 1 (beta*) expires A and B', () => {
    const p = policy(expireRule(1, 'Rule 1', beta), expireRule(2, 'Rule 2', prod));
    expect(outcome(p, images)).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on multiple tags in a single rule', () => {
  it('Example A: images must match all patterns; of C and F only C is older than 5 days', () => {
    const p = policy(
      expireRule(
        1,
        'Rule 1',
        `{ "tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"], "countType": "sinceImagePushed", "countNumber": 5, "countUnit": "days" }`,
      ),
    );
    const images = [
      standard('A', ['alpha-1'], daysAgo(12)),
      standard('B', ['beta-1'], daysAgo(11)),
      standard('C', ['alpha-2', 'beta-2'], daysAgo(10)),
      standard('D', ['alpha-3'], daysAgo(4)),
      standard('E', ['beta-3'], daysAgo(3)),
      standard('F', ['alpha-4', 'beta-4'], daysAgo(2)),
    ];
    expect(outcome(p, images)).toEqual({ C: 'EXPIRE by 1' });
  });

  it('Example B: tags are not exclusive; all three images match and A and B are expired', () => {
    const p = policy(
      expireRule(1, 'Rule 1', `{ "tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"], "countType": "imageCountMoreThan", "countNumber": 1 }`),
    );
    const images = [
      standard('A', ['alpha-1', 'beta-1', 'gamma-1'], daysAgo(10)),
      standard('B', ['alpha-2', 'beta-2'], daysAgo(9)),
      standard('C', ['alpha-3', 'beta-3', 'gamma-2'], daysAgo(8)),
    ];
    expect(outcome(p, images)).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 1' });
  });
});

describe('AWS example: filtering on all images', () => {
  it('Example A: keeps only the newest image and expires A, B and C', () => {
    const p = policy(expireRule(1, 'Rule 1', `{ "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1 }`));
    const images = [
      standard('A', ['alpha-1'], daysAgo(4)),
      standard('B', ['beta-1'], daysAgo(3)),
      standard('C', [], daysAgo(2)),
      standard('D', ['alpha-2'], daysAgo(1)),
    ];
    expect(outcome(p, images)).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 1', C: 'EXPIRE by 1' });
  });

  it('Example B: all rule types combined expire A (rule 1), B (rule 2) and D (rule 3)', () => {
    const p = policy(
      expireRule(1, 'Rule 1', `{ "tagStatus": "tagged", "tagPatternList": ["alpha*"], "countType": "imageCountMoreThan", "countNumber": 1 }`),
      expireRule(2, 'Rule 2', `{ "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1 }`),
      expireRule(3, 'Rule 3', `{ "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1 }`),
    );
    // The guide gives D and E as "1 day ago"; for rule 3 to keep E and mark D, E must be the newer,
    // and for rule 2 not to expire E it must not be older than one day: D 25 h ago, E 23 h ago.
    const images = [
      standard('A', ['alpha-1', 'beta-1'], daysAgo(4)),
      standard('B', [], daysAgo(3)),
      standard('C', ['alpha-2'], daysAgo(2)),
      standard('D', ['git hash'], daysAgo(1, -3_600_000)),
      standard('E', [], daysAgo(1, 3_600_000)),
    ];
    expect(outcome(p, images)).toEqual({ A: 'EXPIRE by 1', B: 'EXPIRE by 2', D: 'EXPIRE by 3' });
  });
});

const NOT_PULLED_90 = `{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive images not pulled in 90 days",
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePulled",
                "countUnit": "days",
                "countNumber": 90
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        }
    ]
}`;

describe('AWS example: filtering on last pulled time / archiving images not pulled in 90 days', () => {
  it('transitions images whose last pull (else push, else restore) is more than 90 days old', () => {
    const p = parseLifecyclePolicy(NOT_PULLED_90);
    const images = [
      standard('pulled-long-ago', ['a'], daysAgo(300), { lastPulledAt: daysAgo(91) }),
      standard('pulled-recently', ['b'], daysAgo(300), { lastPulledAt: daysAgo(10) }),
      standard('never-pulled-old', [], daysAgo(120)),
      standard('never-pulled-new', [], daysAgo(30)),
      standard('restored-not-pulled-since', ['c'], daysAgo(400), { lastPulledAt: daysAgo(200), activatedAt: daysAgo(5) }),
      archived('already-archived', ['d'], daysAgo(400), daysAgo(200)),
    ];
    const decisions = evaluateLifecyclePolicy(p, images, daysAgo(0));
    expect(decisions.map((d) => d.imageDigest)).toEqual(['pulled-long-ago', 'never-pulled-old']);
    expect(decisions[0]!.action).toEqual({ type: 'TRANSITION', targetStorageClass: 'ARCHIVE' });
  });
});

describe('AWS example: filtering on archive transition time', () => {
  it('expires images archived for more than 365 days, and only archived ones', () => {
    const p = policy(
      expireRule(
        1,
        'Expire images archived for more than 365 days',
        `{ "tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365 }`,
      ),
    );
    const images = [
      archived('archived-long-ago', ['a'], daysAgo(500), daysAgo(366)),
      archived('archived-recently', ['b'], daysAgo(900), daysAgo(100)),
      standard('old-standard', ['c'], daysAgo(900)),
    ];
    const decisions = evaluateLifecyclePolicy(p, images, daysAgo(0));
    expect(decisions).toEqual([
      {
        imageDigest: 'archived-long-ago',
        imageTags: ['a'],
        imagePushedAt: daysAgo(500),
        storageClass: 'ARCHIVE',
        appliedRulePriority: 1,
        action: { type: 'EXPIRE' },
      },
    ]);
  });
});

describe('AWS archive example: archiving images older than a specified number of days', () => {
  it('transitions prod* images older than 30 days', () => {
    const p = parseLifecyclePolicy(`{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive production images older than 30 days",
            "selection": {
                "tagStatus": "tagged",
                "tagPatternList": ["prod*"],
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 30
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        }
    ]
}`);
    const images = [
      standard('prod-old', ['prod-2024'], daysAgo(31)),
      standard('prod-new', ['prod-2025'], daysAgo(29)),
      standard('dev-old', ['dev'], daysAgo(31)),
      archived('prod-archived', ['prod-2023'], daysAgo(400), daysAgo(100)),
    ];
    expect(outcome(p, images)).toEqual({ 'prod-old': 'TRANSITION by 1' });
  });
});

describe('AWS archive example: combining archive and expire rules', () => {
  it('archives standard images older than 30 days and expires images archived more than 365 days', () => {
    const p = parseLifecyclePolicy(`{
    "rules": [
        {
            "rulePriority": 1,
            "description": "Archive images older than 30 days",
            "selection": {
                "tagStatus": "any",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 30
            },
            "action": {
                "type": "transition",
                "targetStorageClass": "archive"
            }
        },
        {
            "rulePriority": 2,
            "description": "Expire images archived for more than 365 days",
            "selection": {
                "tagStatus": "any",
                "storageClass": "archive",
                "countType": "sinceImageTransitioned",
                "countUnit": "days",
                "countNumber": 365
            },
            "action": {
                "type": "expire"
            }
        }
    ]
}`);
    const images = [
      standard('old', ['v1'], daysAgo(40)),
      standard('young', [], daysAgo(10)),
      archived('archived-400d', ['v0'], daysAgo(800), daysAgo(400)),
      archived('archived-100d', [], daysAgo(800), daysAgo(100)),
    ];
    expect(outcome(p, images)).toEqual({ old: 'TRANSITION by 1', 'archived-400d': 'EXPIRE by 2' });
  });
});
