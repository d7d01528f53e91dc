import { describe, expect, it } from 'vitest';
import { pageOf, rowsFor } from '../../src/metadata/page.js';

describe('pages', () => {
  it('cuts the row read past the page and names the last key to continue after', () => {
    expect(rowsFor(2)).toBe(3);
    expect(pageOf(['a', 'b', 'c'], 2, (s) => s.toUpperCase())).toEqual({ items: ['a', 'b'], next: 'B' });
    expect(pageOf([{ n: 1 }, { n: 2 }], 1, (r) => r.n)).toEqual({ items: [{ n: 1 }], next: 1 });
  });

  it('has no next key when the rows fit, or when the page holds nothing', () => {
    expect(pageOf(['a', 'b'], 2, (s) => s)).toEqual({ items: ['a', 'b'] });
    expect(pageOf([], 5, (s: string) => s)).toEqual({ items: [] });
    expect(pageOf(['a'], 0, (s) => s)).toEqual({ items: [] });
  });
});
