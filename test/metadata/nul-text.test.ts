import { describe, expect, it } from 'vitest';
import { decodeRows, decodeText, encodeParams, encodeText, rangeAfter } from '../../src/metadata/postgres/nul-text.js';

describe('the U+0000 codec of the PostgreSQL stores', () => {
  it('leaves text without U+0000 or a leading marker as it is, and encodes the rest without U+0000', () => {
    for (const plain of ['', 'team/app', '{"a":"\\u0000"}', 'ü\u0001', '\uffff']) expect(encodeText(plain)).toBe(plain);
    for (const value of ['\u0000', 'a\u0000b', '\u0001', '\u0001"a"', 'x\u0000\u0001\\"y']) {
      const encoded = encodeText(value);
      expect(encoded).not.toContain('\u0000');
      expect(encoded).not.toBe(value);
      expect(decodeText(encoded)).toBe(value);
    }
  });

  it('is injective over values that look like encodings', () => {
    const values = ['a', '\u0001"a"', '\u0001"\\u0001\\"a\\""', 'a\u0000', '\u0001a\u0000'];
    const encoded = values.map(encodeText);
    expect(new Set(encoded).size).toBe(values.length);
    expect(encoded.map(decodeText)).toEqual(values);
  });

  it('encodes parameters inside arrays and decodes rows in place, other types untouched', () => {
    const buffer = Buffer.from([0]);
    expect(encodeParams(['a\u0000', ['b', 'c\u0000'], 1, null, buffer])).toEqual([encodeText('a\u0000'), ['b', encodeText('c\u0000')], 1, null, buffer]);
    expect(encodeParams(undefined)).toBeUndefined();
    const rows = [{ s: encodeText('a\u0000'), list: [encodeText('\u0001'), 'x'], n: 3, b: buffer, none: null, other: encodeText('\u0000') }];
    // text, text[], int8, bytea, text; `other` is not a text column (a literal of unknown type).
    const fields = [['s', 25], ['list', 1009], ['n', 20], ['b', 17], ['none', 25], ['other', 705]].map(([name, dataTypeID]) => ({ name: name as string, dataTypeID: dataTypeID as number }));
    expect(decodeRows(rows, fields)).toEqual([{ s: 'a\u0000', list: ['\u0001', 'x'], n: 3, b: buffer, none: null, other: encodeText('\u0000') }]);
  });

  it('returns a marked value written before the codec as stored', () => {
    expect(decodeText('\u0001not json')).toBe('\u0001not json');
  });

  it('cuts a caller range bound at U+0000, which orders the same against text without it', () => {
    const stored = ['a', 'a\u0001', 'a/b', 'ab', 'b', ''];
    for (const after of ['a\u0000', 'a\u0000z', 'a/b\u0000', '\u0000', 'a']) {
      const bound = rangeAfter(after);
      expect(bound).not.toContain('\u0000');
      expect(stored.filter((x) => x > bound)).toEqual(stored.filter((x) => x > after));
    }
  });
});
