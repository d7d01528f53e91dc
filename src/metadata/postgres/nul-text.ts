/**
 * PostgreSQL's TEXT cannot hold U+0000; SQLite's can, and valid caller input (a JSON string with
 * \u0000, a percent-encoded query parameter, a feed's record) may carry one. So every string
 * that goes to PostgreSQL as a parameter, and every string that comes back in a row, passes
 * through this codec (database.ts applies it to every query), and both engines store and return
 * the same characters.
 *
 * A string containing U+0000, or starting with the marker U+0001, is stored as the marker followed
 * by its JSON text (which escapes U+0000 as \u0000); every other string is stored as it is. The
 * encoding is injective and deterministic, so equality, uniqueness and lookups by such a value
 * still hold (the parameter is encoded the same way as the stored value). Order does not: encoded
 * values sort before all others, so a range bound from the caller goes through `rangeAfter`.
 */
const MARKER = '\u0001';

export function encodeText(value: string): string {
  return value.startsWith(MARKER) || value.includes('\u0000') ? MARKER + JSON.stringify(value) : value;
}

export function decodeText(value: string): string {
  if (!value.startsWith(MARKER)) return value;
  const decoded: unknown = JSON.parse(value.slice(1));
  if (typeof decoded !== 'string') throw new Error('an encoded text value in PostgreSQL is not a JSON string');
  return decoded;
}

/** A query's parameters with their strings (also inside arrays, for unnest) encoded. */
export function encodeParams(params: readonly unknown[] | undefined): unknown[] | undefined {
  return params?.map(encodeValue);
}

function encodeValue(value: unknown): unknown {
  if (typeof value === 'string') return encodeText(value);
  if (Array.isArray(value)) return value.map(encodeValue);
  return value;
}

/** Decodes the string fields (and string array elements) of result rows, in place. */
export function decodeRows<R>(rows: R[]): R[] {
  for (const row of rows as Record<string, unknown>[]) {
    for (const key in row) {
      const value = row[key];
      if (typeof value === 'string') {
        if (value.startsWith(MARKER)) row[key] = decodeText(value);
      } else if (Array.isArray(value)) {
        row[key] = value.map((v: unknown) => (typeof v === 'string' ? decodeText(v) : v));
      }
    }
  }
  return rows;
}

/**
 * The bound to use for `column > after` where `after` comes from a caller (a listing's `last`)
 * and stored values hold no U+0000 (names, tags): for such values, x > 'a\0b' exactly when
 * x > 'a' (in code point order, as COLLATE "C" and SQLite compare), and the prefix needs no
 * encoding, so PostgreSQL pages where SQLite does.
 */
export function rangeAfter(after: string): string {
  const nul = after.indexOf('\u0000');
  return nul < 0 ? after : after.slice(0, nul);
}
