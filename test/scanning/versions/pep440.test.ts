import { describe, expect, it } from 'vitest';
import { comparePep440, pep440Comparator } from '../../../src/scanning/versions/pep440.js';

describe('PEP 440 comparison', () => {
  // PEP 440, "Summary of permitted suffixes and relative ordering", in ascending order.
  const specOrder = [
    '1.dev0',
    '1.0.dev456',
    '1.0a1',
    '1.0a2.dev456',
    '1.0a12.dev456',
    '1.0a12',
    '1.0b1.dev456',
    '1.0b2',
    '1.0b2.post345.dev456',
    '1.0b2.post345',
    '1.0rc1.dev456',
    '1.0rc1',
    '1.0',
    '1.0+abc.5',
    '1.0+abc.7',
    '1.0+5',
    '1.0.post456.dev34',
    '1.0.post456',
    '1.0.15',
    '1.1.dev1',
  ];

  it('orders the specification example list', () => {
    for (let i = 0; i < specOrder.length - 1; i++) {
      expect(Math.sign(comparePep440(specOrder[i]!, specOrder[i + 1]!)), `${specOrder[i]} < ${specOrder[i + 1]}`).toBe(-1);
    }
  });

  it('treats normalised spellings as equal (PEP 440 normalisation section)', () => {
    expect(comparePep440('1.0alpha1', '1.0a1')).toBe(0);
    expect(comparePep440('1.0c1', '1.0rc1')).toBe(0);
    expect(comparePep440('1.0-1', '1.0.post1')).toBe(0);
    expect(comparePep440('v1.0', '1.0')).toBe(0);
    expect(comparePep440('1.0', '1.0.0')).toBe(0);
  });

  it('orders epochs before everything else', () => {
    expect(comparePep440('1!1.0', '2.0')).toBeGreaterThan(0);
  });

  it('rejects versions PEP 440 cannot parse', () => {
    expect(pep440Comparator.isValid('2.19.0')).toBe(true);
    expect(pep440Comparator.isValid('not-a-version')).toBe(false);
    expect(() => comparePep440('not-a-version', '1.0')).toThrow(/not a valid pep440 version/);
  });
});
