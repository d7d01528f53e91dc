/** A repeatable pseudo-random source for property tests: the same seed, the same cases. */
export function seededRandom(seed: number): { random(n: number): number; text(alphabet: string, max: number): string } {
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    // The high bits: a power-of-two modulus of this generator's low bits repeats with a short period.
    return Math.floor((seed / 0x80000000) * n);
  };
  /** Up to `max` characters drawn from the alphabet. */
  const text = (alphabet: string, max: number) => Array.from({ length: random(max + 1) }, () => alphabet[random(alphabet.length)]).join('');
  return { random, text };
}
