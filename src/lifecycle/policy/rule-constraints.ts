import { policyValidationError } from './errors.js';
import type { RawRule } from './schema.js';
import type { LifecycleRule, LifecycleRuleAction, LifecycleSelection } from './types.js';

/**
 * Cross-field constraints inside one rule, from the AWS ECR user guide, "Lifecycle policy
 * properties" (lifecycle_policy_parameters.html) and "Examples of lifecycle policies"
 * (lifecycle_policy_examples.html), 2025 edition with archive support:
 *
 * - tagStatus `tagged` requires tagPrefixList or tagPatternList; `untagged` and `any` allow neither;
 *   the two lists are mutually exclusive ("may specify either tagPatternList or tagPrefixList, but
 *   not both").
 * - tagPatternList: at most four `*` wildcards per string.
 * - countUnit (`days`) is required for sinceImagePushed / sinceImagePulled / sinceImageTransitioned
 *   and "an error will occur if you specify a count unit when countType is any other value".
 * - storageClass: required and `archive` for sinceImageTransitioned; for the other count types the
 *   only supported value is `standard` (the default when omitted).
 * - sinceImagePulled "must be used with the transition action"; sinceImageTransitioned "must be used
 *   with the expire action and the archive storage class".
 * - "Images must be in archive storage for a minimum of 90 days before deletion" / "You cannot
 *   configure lifecycle policies that delete images that have been in archive for less than 90
 *   days": sinceImageTransitioned needs countNumber >= 90.
 * - action `transition` requires targetStorageClass `archive`; it is only meaningful for transition.
 */

const MAX_WILDCARDS_PER_PATTERN = 4;
const MIN_ARCHIVE_RETENTION_DAYS = 90;

function ruleFail(rule: RawRule, problem: string): never {
  throw policyValidationError(`${rule.path} (rulePriority ${rule.rulePriority}): ${problem}`);
}

function checkTagFilters(rule: RawRule): void {
  const { tagStatus, tagPrefixList, tagPatternList } = rule.selection;
  if (tagStatus === 'tagged') {
    if (!tagPrefixList && !tagPatternList) {
      ruleFail(rule, 'Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.');
    }
    if (tagPrefixList && tagPatternList) {
      ruleFail(rule, 'tagPrefixList and tagPatternList cannot both be specified in one rule; use one or the other.');
    }
  } else if (tagPrefixList || tagPatternList) {
    const field = tagPrefixList ? 'tagPrefixList' : 'tagPatternList';
    ruleFail(rule, `${field} may only be used when tagStatus=TAGGED (found tagStatus=${tagStatus.toUpperCase()}).`);
  }
  for (const pattern of tagPatternList ?? []) {
    const wildcards = pattern.split('*').length - 1;
    if (wildcards > MAX_WILDCARDS_PER_PATTERN) {
      ruleFail(
        rule,
        `tagPatternList entry ${JSON.stringify(pattern)} has ${wildcards} wildcards (*); at most ${MAX_WILDCARDS_PER_PATTERN} are allowed per pattern.`,
      );
    }
  }
}

function checkCount(rule: RawRule): void {
  const { countType, countUnit, countNumber, storageClass } = rule.selection;
  if (countType === 'imageCountMoreThan') {
    if (countUnit !== undefined) {
      ruleFail(rule, 'countUnit must not be specified when countType is imageCountMoreThan.');
    }
  } else if (countUnit === undefined) {
    ruleFail(rule, `countUnit is required when countType is ${countType}; the only supported value is "days".`);
  }

  if (countType === 'sinceImageTransitioned') {
    if (storageClass !== 'archive') {
      ruleFail(rule, 'storageClass "archive" is required when countType is sinceImageTransitioned.');
    }
    if (rule.action.type !== 'expire') {
      ruleFail(rule, 'countType sinceImageTransitioned must be used with the expire action.');
    }
    if (countNumber < MIN_ARCHIVE_RETENTION_DAYS) {
      ruleFail(
        rule,
        `countNumber for sinceImageTransitioned must be at least ${MIN_ARCHIVE_RETENTION_DAYS} (days): archived images have a ${MIN_ARCHIVE_RETENTION_DAYS}-day minimum storage duration (found ${countNumber}).`,
      );
    }
  } else if (storageClass === 'archive') {
    ruleFail(rule, `storageClass "archive" is only supported with countType sinceImageTransitioned (found countType ${countType}).`);
  }

  if (countType === 'sinceImagePulled' && rule.action.type !== 'transition') {
    ruleFail(rule, 'countType sinceImagePulled must be used with the transition action; it cannot expire images.');
  }
}

function checkAction(rule: RawRule): LifecycleRuleAction {
  const { type, targetStorageClass } = rule.action;
  if (type === 'transition') {
    if (targetStorageClass === undefined) {
      ruleFail(rule, 'targetStorageClass is required when action type is transition; the only supported value is "archive".');
    }
    return { type, targetStorageClass };
  }
  if (targetStorageClass !== undefined) {
    ruleFail(rule, 'targetStorageClass may only be specified when action type is transition.');
  }
  return { type };
}

/** Validates one rule's cross-field constraints and returns it in its normalised form. */
export function checkRule(rule: RawRule): LifecycleRule {
  checkTagFilters(rule);
  checkCount(rule);
  const action = checkAction(rule);
  const { tagStatus, tagPrefixList, tagPatternList, storageClass, countType, countUnit, countNumber } = rule.selection;
  const selection: LifecycleSelection = {
    tagStatus,
    ...(tagPrefixList ? { tagPrefixList } : {}),
    ...(tagPatternList ? { tagPatternList } : {}),
    storageClass: storageClass ?? 'standard',
    countType,
    ...(countUnit ? { countUnit } : {}),
    countNumber,
  };
  return {
    rulePriority: rule.rulePriority,
    ...(rule.description !== undefined ? { description: rule.description } : {}),
    selection,
    action,
  };
}
