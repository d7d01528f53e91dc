/**
 * Turns a validated JSON request into the handler's typed input: only members the model declares
 * (unknown ones are dropped, so handlers never see them), JSON null treated as absent, epoch-second
 * timestamps as Date, base64 blobs as Buffer. Run validateShape first; this assumes valid types.
 */
import { getShape } from './model/index.js';
import type { ShapeRef } from './model/index.js';

export function decodeShape(shapeName: string, value: unknown): unknown {
  return decode({ shape: shapeName }, value);
}

function decode(ref: ShapeRef, value: unknown): unknown {
  const shape = getShape(ref.shape);
  switch (shape.type) {
    case 'structure': {
      const source = value as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = Object.hasOwn(source, name) ? source[name] : undefined;
        if (v !== null && v !== undefined) result[name] = decode(member, v);
      }
      return result;
    }
    case 'list':
      return (value as unknown[]).map((element) => decode(shape.member!, element));
    case 'map': {
      const result: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
        // defineProperty, not assignment: a client-chosen key such as "__proto__" stays a plain key.
        Object.defineProperty(result, key, { value: decode(shape.value!, v), enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'timestamp':
      return new Date((value as number) * 1000);
    case 'blob':
      return Buffer.from(value as string, 'base64');
    default:
      return value;
  }
}
