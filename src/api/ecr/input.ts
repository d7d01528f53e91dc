/**
 * From request bytes to a handler's input, failing the way AWS does: bytes that are not a JSON
 * object, or JSON values of the wrong type, are a SerializationException; a constraint violation
 * is ECR's InvalidParameterException naming the first offending parameter.
 */
import { isUtf8 } from 'node:buffer';
import { decodeShape } from './decode.js';
import { EcrApiError } from './errors.js';
import { invalidParameterMessage } from '../../domain/errors.js';
import { validateShape } from './validation/validate.js';

export function parseJsonBody(raw: Buffer): Record<string, unknown> {
  // The SDKs always send at least "{}"; an empty body is read as an empty input.
  if (raw.length === 0) return {};
  // JSON is UTF-8 (RFC 8259); decoding other bytes would silently turn them into U+FFFD (in a
  // manifest, say, which would then no longer be what the client sent).
  if (!isUtf8(raw)) throw new EcrApiError('SerializationException', 'Request body is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new EcrApiError('SerializationException');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EcrApiError('SerializationException', 'Start of structure or map expected');
  }
  return value as Record<string, unknown>;
}

/** Validates `json` against the input shape and returns the decoded input. */
export function checkInput(inputShape: string, json: Record<string, unknown>): Record<string, unknown> {
  const violations = validateShape(inputShape, json);
  const typeViolation = violations.find((v) => v.kind === 'type');
  if (typeViolation) throw new EcrApiError('SerializationException', typeViolation.message);
  const first = violations[0];
  if (first?.kind === 'constraint') {
    throw new EcrApiError('InvalidParameterException', invalidParameterMessage(first.member, first.constraint));
  }
  return decodeShape(inputShape, json) as Record<string, unknown>;
}
