import { describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/metadata/sqlite/read-cache.js';

describe('read cache', () => {
  it('answers only for the version an entry was read at, and forgets everything on a new version', () => {
    const cache = new ReadCache<string | undefined>({ entries: 10, bytes: 1000 });
    expect(cache.get('a', 'v1')).toBeUndefined();
    cache.set('a', 'v1', 'A', 1);
    cache.set('gone', 'v1', undefined, 1);
    expect(cache.get('a', 'v1')).toMatchObject({ value: 'A' });
    // A cached "nothing there" is a hit, not a miss.
    expect(cache.get('gone', 'v1')).toMatchObject({ value: undefined });
    expect(cache.get('a', 'v2')).toBeUndefined();
    expect(cache.get('gone', 'v2')).toBeUndefined();
    // A value read at an older version is not kept.
    cache.set('a', 'v1', 'stale', 1);
    expect(cache.get('a', 'v2')).toBeUndefined();
  });

  it('stays within its entry and byte limits, dropping the oldest first, and skips values too large to keep', () => {
    const cache = new ReadCache<number>({ entries: 3, bytes: 800 });
    cache.get('x', 'v');
    for (const n of [1, 2, 3, 4]) cache.set(`k${n}`, 'v', n, 10);
    expect(cache.get('k1', 'v')).toBeUndefined();
    expect([2, 3, 4].map((n) => cache.get(`k${n}`, 'v')?.value)).toEqual([2, 3, 4]);
    cache.set('big', 'v', 5, 101);
    expect(cache.get('big', 'v')).toBeUndefined();
    cache.set('k5', 'v', 5, 100);
    cache.set('k6', 'v', 6, 100);
    expect([3, 4, 5, 6].map((n) => cache.get(`k${n}`, 'v')?.value)).toEqual([undefined, 4, 5, 6]);
  });
});
