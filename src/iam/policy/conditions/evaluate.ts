import type { ConditionEntry } from '../types.js';
import { substitute, type ContextLookup } from '../variables.js';
import { NULL_OPERATOR, OPERATORS } from './operators.js';

/**
 * One condition entry (operator + key + values) against the request context, with AWS's rules:
 * - several values for a key are OR-ed (NOR for negated operators);
 * - a missing key makes positive operators false and negated ones true, except ...IfExists
 *   (true when missing), ForAllValues (vacuously true) and ForAnyValue (false);
 * - ForAllValues: every context value must pass; ForAnyValue: at least one.
 * All entries of a statement are AND-ed by the caller.
 */
export function evaluateCondition(entry: ConditionEntry, lookup: ContextLookup, variablesEnabled: boolean): boolean {
  const values = lookup(entry.key);
  const present = values !== undefined && values.length > 0;
  if (entry.base === NULL_OPERATOR) {
    return entry.values.some((v) => (v.toLowerCase() === 'true') === !present);
  }
  const op = OPERATORS[entry.base];
  if (!op) return false;
  if (!present) {
    if (entry.ifExists) return true;
    if (entry.qualifier === 'ForAllValues') return true;
    if (entry.qualifier === 'ForAnyValue') return false;
    return op.negated;
  }
  const patterns = entry.values
    .map((v) => (op.variables ? substitute(v, lookup, variablesEnabled) : [{ text: v }]))
    .filter((p) => p !== undefined);
  const positive = (v: string): boolean => patterns.some((p) => op.match(v, p));
  const test = (v: string): boolean => (op.negated ? !positive(v) : positive(v));
  if (entry.qualifier === 'ForAllValues') return values.every(test);
  if (entry.qualifier === 'ForAnyValue') return values.some(test);
  return op.negated ? values.every(test) : values.some(test);
}
