import { describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/domain/errors.js';
import { lifecyclePolicyNotFound, parseLifecyclePolicy } from '../../src/lifecycle/policy/index.js';
import { expectInvalid, expectInvalidFrame, policyText, rule } from './helpers.js';

const rules = (...r: unknown[]) => policyText({ rules: r });

describe('parseLifecyclePolicy: accepted policies', () => {
  it('sorts rules by rulePriority and fills in the default storage class', () => {
    const policy = parseLifecyclePolicy(
      rules(
        rule(10, {}, { type: 'expire' }),
        { ...rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }), description: 'old untagged' },
      ),
    );
    expect(policy.rules.map((r) => r.rulePriority)).toEqual([2, 10]);
    expect(policy.rules[0]).toEqual({
      rulePriority: 2,
      description: 'old untagged',
      selection: { tagStatus: 'untagged', storageClass: 'standard', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
      action: { type: 'expire' },
    });
  });

  it('accepts four wildcards per pattern (the guide\'s valid example)', () => {
    const policy = parseLifecyclePolicy(rules(rule(1, { tagStatus: 'tagged', tagPatternList: ['*test*1*2*3', 'test*1*2*3*'] })));
    expect(policy.rules[0]!.selection.tagPatternList).toEqual(['*test*1*2*3', 'test*1*2*3*']);
  });

  it('accepts sinceImageTransitioned at exactly the 90-day minimum', () => {
    const policy = parseLifecyclePolicy(
      rules(rule(1, { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 })),
    );
    expect(policy.rules[0]!.selection).toMatchObject({ storageClass: 'archive', countNumber: 90 });
  });

  it('allows one untagged rule and one trailing any rule per storage class', () => {
    const archiveSel = { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 };
    const policy = parseLifecyclePolicy(
      rules(
        rule(1, { tagStatus: 'untagged' }),
        rule(2, { tagStatus: 'untagged', ...archiveSel }),
        rule(3, {}),
        rule(4, archiveSel),
      ),
    );
    expect(policy.rules).toHaveLength(4);
  });

  it('allows the same tag list in rules of different storage classes, and different lists in one class', () => {
    const archiveSel = { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 };
    const policy = parseLifecyclePolicy(
      rules(
        rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'] }),
        rule(2, { tagStatus: 'tagged', tagPrefixList: ['v', 'rc'] }),
        rule(3, { tagStatus: 'tagged', tagPrefixList: ['v'], ...archiveSel }),
      ),
    );
    expect(policy.rules).toHaveLength(3);
  });
});

describe('parseLifecyclePolicy: text and JSON errors', () => {
  it('wraps content errors in ECR\'s frame with the InvalidParameter code', () => {
    expectInvalidFrame(expectInvalid(rules(rule(0))));
  });

  it('rejects text longer than 30,720 characters', () => {
    const text = rules(rule(1)).padEnd(30_721, ' ');
    expect(() => parseLifecyclePolicy(text)).toThrow('Member must have length less than or equal to 30720');
    expect(() => parseLifecyclePolicy(rules(rule(1)).padEnd(30_720, ' '))).not.toThrow();
  });

  it('rejects text shorter than 100 characters', () => {
    expect(() => parseLifecyclePolicy('{"rules":[]}')).toThrow('Member must have length greater than or equal to 100');
  });

  it('rejects invalid JSON, naming it', () => {
    expectInvalid('{"rules": [ {"rulePriority": 1,'.padEnd(120, ' '), 'Could not map policyString into LifecyclePolicy', 'not valid JSON');
  });

  it('rejects a JSON value that is not an object', () => {
    expectInvalid(JSON.stringify([rule(1)]).padEnd(100), 'the policy must be a JSON object');
  });
});

describe('parseLifecyclePolicy: schema errors name the field', () => {
  const cases: [string, unknown, string[]][] = [
    ['missing rules', { rulez: [rule(1)] }, ['object has missing required properties (["rules"])']],
    ['unknown top-level property', { rules: [rule(1)], version: 1 }, ['not allowed by the schema: (["version"])']],
    ['rules not an array', { rules: { rulePriority: 1 } }, ['rules: instance type (object)', '(allowed: ["array"])']],
    ['empty rules', { rules: [] }, ['rules: array is too short']],
    ['rule not an object', { rules: ['expire'] }, ['rules[0]: instance type (string)', '(allowed: ["object"])']],
    ['rule missing selection and action', { rules: [{ rulePriority: 1 }] }, ['rules[0]: object has missing required properties (["selection","action"])']],
    ['unknown rule property', { rules: [{ ...rule(1), enabled: true }] }, ['rules[0]: object instance has properties which are not allowed by the schema: (["enabled"])']],
    ['rulePriority a string', { rules: [{ ...rule(1), rulePriority: '1' }] }, ['rules[0].rulePriority: instance type (string)', '["integer"]']],
    ['rulePriority fractional', { rules: [{ ...rule(1), rulePriority: 1.5 }] }, ['rules[0].rulePriority: instance type (number)']],
    ['rulePriority 0', { rules: [rule(0)] }, ['rules[0].rulePriority: numeric instance is lower than the required minimum (minimum: 1, found: 0)']],
    ['rulePriority beyond int range', { rules: [rule(2 ** 31)] }, ['rules[0].rulePriority: numeric instance is greater than the required maximum']],
    ['description not a string', { rules: [{ ...rule(1), description: 7 }] }, ['rules[0].description: instance type (integer)']],
    ['selection missing countType', { rules: [rule(1, { countType: undefined })] }, ['rules[0].selection: object has missing required properties (["countType"])']],
    ['selection missing countNumber', { rules: [rule(1, { countNumber: undefined })] }, ['(["countNumber"])']],
    ['selection missing tagStatus', { rules: [rule(1, { tagStatus: undefined })] }, ['(["tagStatus"])']],
    ['unknown selection property', { rules: [rule(1, { tagSuffixList: ['x'] })] }, ['rules[0].selection: object instance has properties which are not allowed by the schema: (["tagSuffixList"])']],
    ['unknown tagStatus', { rules: [rule(1, { tagStatus: 'TAGGED' })] }, ['rules[0].selection.tagStatus: instance value ("TAGGED") not found in enum (possible values: ["tagged","untagged","any"])']],
    ['unknown countType', { rules: [rule(1, { countType: 'sinceImageCreated' })] }, ['rules[0].selection.countType: instance value ("sinceImageCreated") not found in enum']],
    ['unknown countUnit', { rules: [rule(1, { countType: 'sinceImagePushed', countUnit: 'hours' })] }, ['rules[0].selection.countUnit: instance value ("hours") not found in enum (possible values: ["days"])']],
    ['countNumber 0', { rules: [rule(1, { countNumber: 0 })] }, ['rules[0].selection.countNumber: numeric instance is lower than the required minimum (minimum: 1, found: 0)']],
    ['countNumber negative', { rules: [rule(1, { countNumber: -3 })] }, ['rules[0].selection.countNumber', 'found: -3']],
    ['countNumber a string', { rules: [rule(1, { countNumber: '5' })] }, ['rules[0].selection.countNumber: instance type (string)']],
    ['unknown storageClass', { rules: [rule(1, { storageClass: 'glacier' })] }, ['rules[0].selection.storageClass: instance value ("glacier") not found in enum (possible values: ["standard","archive"])']],
    ['tagPrefixList not an array', { rules: [rule(1, { tagStatus: 'tagged', tagPrefixList: 'prod' })] }, ['rules[0].selection.tagPrefixList: instance type (string)']],
    ['empty tagPrefixList', { rules: [rule(1, { tagStatus: 'tagged', tagPrefixList: [] })] }, ['rules[0].selection.tagPrefixList: array is too short']],
    ['non-string tag pattern', { rules: [rule(1, { tagStatus: 'tagged', tagPatternList: ['ok*', 5] })] }, ['rules[0].selection.tagPatternList[1]: instance type (integer)']],
    ['empty tag pattern', { rules: [rule(1, { tagStatus: 'tagged', tagPatternList: [''] })] }, ['rules[0].selection.tagPatternList[0]: string "" is too short']],
    ['action missing type', { rules: [rule(1, {}, {})] }, ['rules[0].action: object has missing required properties (["type"])']],
    ['unknown action property', { rules: [rule(1, {}, { type: 'expire', dryRun: true })] }, ['rules[0].action: object instance has properties which are not allowed by the schema: (["dryRun"])']],
    ['unknown action type', { rules: [rule(1, {}, { type: 'delete' })] }, ['rules[0].action.type: instance value ("delete") not found in enum (possible values: ["expire","transition"])']],
    ['unknown targetStorageClass', { rules: [rule(1, {}, { type: 'transition', targetStorageClass: 'standard' })] }, ['rules[0].action.targetStorageClass: instance value ("standard") not found in enum (possible values: ["archive"])']],
    ['error located in the second rule', { rules: [rule(1, { tagStatus: 'untagged' }), rule(2, { countNumber: 0 })] }, ['rules[1].selection.countNumber']],
  ];
  it.each(cases)('%s', (_name, doc, fragments) => {
    expectInvalid(policyText(doc), ...fragments);
  });
});

describe('parseLifecyclePolicy: rule constraints', () => {
  const transition = { type: 'transition', targetStorageClass: 'archive' };
  const pulled = { countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 };
  const archivedFor = { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 };
  const cases: [string, unknown, string[]][] = [
    ['tagged without a tag list', rule(3, { tagStatus: 'tagged' }), ['rules[0] (rulePriority 3): Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.']],
    ['tagged with both tag lists', rule(1, { tagStatus: 'tagged', tagPrefixList: ['v'], tagPatternList: ['v*'] }), ['tagPrefixList and tagPatternList cannot both be specified']],
    ['untagged with a prefix list', rule(1, { tagStatus: 'untagged', tagPrefixList: ['v'] }), ['tagPrefixList may only be used when tagStatus=TAGGED (found tagStatus=UNTAGGED)']],
    ['any with a pattern list', rule(1, { tagStatus: 'any', tagPatternList: ['v*'] }), ['tagPatternList may only be used when tagStatus=TAGGED (found tagStatus=ANY)']],
    ['more than four wildcards (the guide\'s invalid example)', rule(1, { tagStatus: 'tagged', tagPatternList: ['test*1*2*3*4*5*6'] }), ['tagPatternList entry "test*1*2*3*4*5*6" has 6 wildcards (*); at most 4']],
    ['five wildcards in the second pattern', rule(1, { tagStatus: 'tagged', tagPatternList: ['a*', '*b*c*d*e*'] }), ['"*b*c*d*e*" has 5 wildcards']],
    ['countUnit with imageCountMoreThan', rule(1, { countUnit: 'days' }), ['countUnit must not be specified when countType is imageCountMoreThan']],
    ['sinceImagePushed without countUnit', rule(1, { countType: 'sinceImagePushed' }), ['countUnit is required when countType is sinceImagePushed']],
    ['sinceImagePulled without countUnit', rule(1, { ...pulled, countUnit: undefined }, transition), ['countUnit is required when countType is sinceImagePulled']],
    ['sinceImageTransitioned without countUnit', rule(1, { ...archivedFor, countUnit: undefined }), ['countUnit is required when countType is sinceImageTransitioned']],
    ['sinceImageTransitioned without storageClass', rule(1, { ...archivedFor, storageClass: undefined }), ['storageClass "archive" is required when countType is sinceImageTransitioned']],
    ['sinceImageTransitioned on standard', rule(1, { ...archivedFor, storageClass: 'standard' }), ['storageClass "archive" is required when countType is sinceImageTransitioned']],
    ['sinceImageTransitioned with transition', rule(1, archivedFor, transition), ['sinceImageTransitioned must be used with the expire action']],
    ['sinceImageTransitioned under 90 days', rule(1, { ...archivedFor, countNumber: 89 }), ['countNumber for sinceImageTransitioned must be at least 90', 'found 89']],
    ['archive storage class with sinceImagePushed', rule(1, { storageClass: 'archive', countType: 'sinceImagePushed', countUnit: 'days' }), ['storageClass "archive" is only supported with countType sinceImageTransitioned (found countType sinceImagePushed)']],
    ['archive storage class with imageCountMoreThan', rule(1, { storageClass: 'archive' }), ['(found countType imageCountMoreThan)']],
    ['sinceImagePulled with expire', rule(1, pulled), ['sinceImagePulled must be used with the transition action']],
    ['transition without targetStorageClass', rule(1, {}, { type: 'transition' }), ['targetStorageClass is required when action type is transition']],
    ['expire with targetStorageClass', rule(1, {}, { type: 'expire', targetStorageClass: 'archive' }), ['targetStorageClass may only be specified when action type is transition']],
  ];
  it.each(cases)('%s', (_name, r, fragments) => {
    expectInvalid(rules(r), ...fragments);
  });
});

describe('parseLifecyclePolicy: policy constraints', () => {
  const archive = { storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 };
  const cases: [string, unknown[], string[]][] = [
    ['duplicate rulePriority', [rule(2, { tagStatus: 'untagged' }), rule(2)], ['rulePriority 2 is used by more than one rule']],
    ['two untagged rules on one storage class', [rule(1, { tagStatus: 'untagged' }), rule(5, { tagStatus: 'untagged', countNumber: 3 })], ['Only one rule can select Untagged images per storage class', 'rulePriority 1 and 5', 'STANDARD']],
    ['two untagged archive rules', [rule(1, { tagStatus: 'untagged', ...archive }), rule(2, { tagStatus: 'untagged', ...archive, countNumber: 100 })], ['Only one rule can select Untagged images per storage class', 'ARCHIVE']],
    ['any rule before a tagged rule', [rule(1), rule(2, { tagStatus: 'tagged', tagPrefixList: ['v'] })], ['Rule for tagStatus=ANY must have the lowest priority per storage class', 'rulePriority 1', 'rulePriority 2 comes after it']],
    ['two any rules on one storage class', [rule(1, { countNumber: 5 }), rule(2)], ['Rule for tagStatus=ANY must have the lowest priority per storage class']],
    ['any archive rule before a tagged archive rule', [rule(1, archive), rule(2, { ...archive, tagStatus: 'tagged', tagPatternList: ['v*'] })], ['Rule for tagStatus=ANY', 'ARCHIVE']],
    ['same prefix set twice in one storage class', [rule(1, { tagStatus: 'tagged', tagPrefixList: ['a', 'b'] }), rule(2, { tagStatus: 'tagged', tagPrefixList: ['b', 'a'], countNumber: 5 })], ['unique tag filters', 'rulePriority 1 and 2 have the same tagPrefixList']],
    ['same pattern set twice in one storage class', [rule(1, { tagStatus: 'tagged', tagPatternList: ['v*'] }), rule(2, { tagStatus: 'tagged', tagPatternList: ['v*'] })], ['same tagPatternList']],
  ];
  it.each(cases)('%s', (_name, r, fragments) => {
    expectInvalid(rules(...r), ...fragments);
  });
});

describe('lifecyclePolicyNotFound', () => {
  it('uses ECR\'s LifecyclePolicyNotFoundException wording', () => {
    const err = lifecyclePolicyNotFound('team/app', '123456789012');
    expect(isDomainError(err, 'LifecyclePolicyNotFound')).toBe(true);
    expect(err.message).toBe(
      "Lifecycle policy does not exist for the repository with name 'team/app' in the registry with id '123456789012'",
    );
  });
});
