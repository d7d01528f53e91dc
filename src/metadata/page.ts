/**
 * One page of a listing in key order. Every store reads a page the same way: one row more than
 * the page holds (`rowsFor`), so it knows without a second query whether another page follows,
 * then `pageOf` cuts it and names the key to continue after.
 */
export interface Page<T, K = string> {
  items: T[];
  /** Present when more items follow: pass as `after` to continue. */
  next?: K;
}

/** How many rows to read for a page of `limit` items: one more, to learn whether another page follows. */
export function rowsFor(limit: number): number {
  return limit + 1;
}

/** The page of `limit` items among `rows` (read with `rowsFor(limit)`), continuing after the last item's key. */
export function pageOf<T, K>(rows: T[], limit: number, keyOf: (item: T) => K): Page<T, K> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return last === undefined ? { items } : { items, next: keyOf(last) };
}
