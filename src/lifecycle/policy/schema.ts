import { policyValidationError } from './errors.js';
import type { CountType, PolicyStorageClass, TagStatus } from './types.js';

/**
 * Structural validation of the parsed JSON: required and allowed properties, JSON types, enums,
 * numeric minimums. ECR validates the policy against a JSON schema and reports failures in the
 * wording of that validator ("object has missing required properties (...)", "instance value (...)
 * not found in enum ..."); we use the same phrases, prefixed by the path of the offending value.
 * Cross-field rules (tagged needs a tag list, countUnit only for since* ...) live in rule-constraints.ts.
 */

/** One rule as written, before the cross-field checks. Paths are kept for error messages. */
export interface RawRule {
  readonly path: string;
  readonly rulePriority: number;
  readonly description?: string;
  readonly selection: {
    readonly tagStatus: TagStatus;
    readonly tagPrefixList?: readonly string[];
    readonly tagPatternList?: readonly string[];
    readonly storageClass?: PolicyStorageClass;
    readonly countType: CountType;
    readonly countUnit?: 'days';
    readonly countNumber: number;
  };
  readonly action: { readonly type: 'expire' | 'transition'; readonly targetStorageClass?: 'archive' };
}

/** rulePriority and countNumber are Java ints on ECR's side; larger values cannot be stored. */
const MAX_INT = 2_147_483_647;

const TAG_STATUSES = ['tagged', 'untagged', 'any'] as const;
const COUNT_TYPES = ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned'] as const;
const COUNT_UNITS = ['days'] as const;
const STORAGE_CLASSES = ['standard', 'archive'] as const;
const ACTION_TYPES = ['expire', 'transition'] as const;
const TARGET_STORAGE_CLASSES = ['archive'] as const;

type JsonObject = Record<string, unknown>;

function fail(path: string, problem: string): never {
  throw policyValidationError(path === '' ? problem : `${path}: ${problem}`);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function expectType(value: unknown, path: string, expected: string): void {
  const actual = jsonType(value);
  if (actual !== expected) {
    fail(path, `instance type (${actual}) does not match any allowed primitive type (allowed: ["${expected}"])`);
  }
}

/** Checks the object's property set and returns it typed as an object. */
export function readObject(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[],
): JsonObject {
  expectType(value, path, 'object');
  const obj = value as JsonObject;
  const missing = required.filter((key) => !(key in obj));
  if (missing.length > 0) fail(path, `object has missing required properties (${JSON.stringify(missing)})`);
  const allowed = new Set([...required, ...optional]);
  const extra = Object.keys(obj).filter((key) => !allowed.has(key));
  if (extra.length > 0) {
    fail(path, `object instance has properties which are not allowed by the schema: (${JSON.stringify(extra)})`);
  }
  return obj;
}

function readEnum<T extends string>(value: unknown, path: string, values: readonly T[]): T {
  expectType(value, path, 'string');
  if (!(values as readonly string[]).includes(value as string)) {
    fail(path, `instance value (${JSON.stringify(value)}) not found in enum (possible values: ${JSON.stringify(values)})`);
  }
  return value as T;
}

function readInteger(value: unknown, path: string, minimum: number): number {
  expectType(value, path, 'integer');
  const n = value as number;
  if (n < minimum) fail(path, `numeric instance is lower than the required minimum (minimum: ${minimum}, found: ${n})`);
  if (n > MAX_INT) fail(path, `numeric instance is greater than the required maximum (maximum: ${MAX_INT}, found: ${n})`);
  return n;
}

/** A JSON array with at least one element (ECR rejects empty `rules` and empty tag lists). */
export function readNonEmptyArray(value: unknown, path: string): unknown[] {
  expectType(value, path, 'array');
  const list = value as unknown[];
  if (list.length === 0) fail(path, 'array is too short: must have at least 1 elements but instance has 0 elements');
  return list;
}

function readStringList(value: unknown, path: string): string[] {
  return readNonEmptyArray(value, path).map((item, i) => {
    const itemPath = `${path}[${i}]`;
    expectType(item, itemPath, 'string');
    if ((item as string).length === 0) fail(itemPath, 'string "" is too short (length: 0, required minimum: 1)');
    return item as string;
  });
}

function optionalField<T>(obj: JsonObject, key: string, read: (value: unknown) => T): T | undefined {
  return key in obj ? read(obj[key]) : undefined;
}

export function readRule(value: unknown, path: string): RawRule {
  const rule = readObject(value, path, ['rulePriority', 'selection', 'action'], ['description']);
  const rulePriority = readInteger(rule.rulePriority, `${path}.rulePriority`, 1);
  const description = optionalField(rule, 'description', (v) => {
    expectType(v, `${path}.description`, 'string');
    return v as string;
  });

  const selPath = `${path}.selection`;
  const sel = readObject(
    rule.selection,
    selPath,
    ['tagStatus', 'countType', 'countNumber'],
    ['tagPrefixList', 'tagPatternList', 'storageClass', 'countUnit'],
  );
  const selection = {
    tagStatus: readEnum(sel.tagStatus, `${selPath}.tagStatus`, TAG_STATUSES),
    tagPrefixList: optionalField(sel, 'tagPrefixList', (v) => readStringList(v, `${selPath}.tagPrefixList`)),
    tagPatternList: optionalField(sel, 'tagPatternList', (v) => readStringList(v, `${selPath}.tagPatternList`)),
    storageClass: optionalField(sel, 'storageClass', (v) => readEnum(v, `${selPath}.storageClass`, STORAGE_CLASSES)),
    countType: readEnum(sel.countType, `${selPath}.countType`, COUNT_TYPES),
    countUnit: optionalField(sel, 'countUnit', (v) => readEnum(v, `${selPath}.countUnit`, COUNT_UNITS)),
    countNumber: readInteger(sel.countNumber, `${selPath}.countNumber`, 1),
  };

  const actPath = `${path}.action`;
  const act = readObject(rule.action, actPath, ['type'], ['targetStorageClass']);
  const action = {
    type: readEnum(act.type, `${actPath}.type`, ACTION_TYPES),
    targetStorageClass: optionalField(act, 'targetStorageClass', (v) =>
      readEnum(v, `${actPath}.targetStorageClass`, TARGET_STORAGE_CLASSES),
    ),
  };

  return { path, rulePriority, description, selection, action };
}
