/**
 * Serialises a handler's output by walking the model's output shape (AWS JSON 1.1 rules): only
 * members the model declares are written, so internal fields a service object happens to carry
 * never leak; timestamps become epoch seconds (a JSON number with millisecond fractions, which the
 * SDKs and the CLI parse); blobs become base64; null and undefined members are omitted. A value of
 * the wrong type is a server bug and throws.
 */
import { getShape } from './model/index.js';
import type { ShapeRef } from './model/index.js';

export function encodeShape(shapeName: string, value: unknown): unknown {
  return encode({ shape: shapeName }, value, shapeName);
}

function encode(ref: ShapeRef, value: unknown, path: string): unknown {
  const shape = getShape(ref.shape);
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
      const source = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = source[name];
        if (v !== null && v !== undefined) result[name] = encode(member, v, `${path}.${name}`);
      }
      return result;
    }
    case 'list':
      if (!Array.isArray(value)) return fail(path, 'an array', value);
      return value.map((element, i) => encode(shape.member!, element, `${path}[${i}]`));
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
      const result: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        if (v === null || v === undefined) continue;
        Object.defineProperty(result, key, {
          value: encode(shape.value!, v, `${path}[${JSON.stringify(key)}]`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) return fail(path, 'a valid Date', value);
      return value.getTime() / 1000;
    case 'blob':
      if (!(value instanceof Uint8Array)) return fail(path, 'a Uint8Array', value);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    case 'string':
      return typeof value === 'string' ? value : fail(path, 'a string', value);
    case 'boolean':
      return typeof value === 'boolean' ? value : fail(path, 'a boolean', value);
    default:
      return typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a finite number', value);
  }
}

function fail(path: string, expected: string, value: unknown): never {
  throw new TypeError(`ECR output ${path} must be ${expected}, got ${value === null ? 'null' : typeof value}`);
}
