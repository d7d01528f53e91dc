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
  try {
    const decoded: unknown = JSON.parse(value.slice(1));
    if (typeof decoded === 'string') return decoded;
  } catch {
    // Not an encoding: a value written before the codec existed, returned as stored.
  }
  return value;
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

// The result types that can carry an encoded value: text, varchar, name, bpchar and their arrays.
const TEXT_TYPES = new Set([25, 1043, 19, 1042]);
const TEXT_ARRAY_TYPES = new Set([1009, 1015, 1003, 1014]);

/** Decodes the text (and text array) columns of result rows, in place; other columns are not looked at. */
export function decodeRows<R>(rows: R[], fields: readonly { name: string; dataTypeID: number }[]): R[] {
  const texts = fields.filter((f) => TEXT_TYPES.has(f.dataTypeID)).map((f) => f.name);
  const arrays = fields.filter((f) => TEXT_ARRAY_TYPES.has(f.dataTypeID)).map((f) => f.name);
  if (rows.length === 0 || texts.length + arrays.length === 0) return rows;
  for (const row of rows as Record<string, unknown>[]) {
    for (const name of texts) {
      const value = row[name];
      if (typeof value === 'string' && value.charCodeAt(0) === 1) row[name] = decodeText(value);
    }
    for (const name of arrays) {
      const value = row[name];
      if (Array.isArray(value)) row[name] = value.map((v: unknown) => (typeof v === 'string' ? decodeText(v) : v));
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
