import { describe, expect, it } from 'vitest';
import { randomUint32 } from './random.ts';

describe('randomUint32', () => {
  it('gives unsigned 32-bit integers that do not repeat across pool refills', () => {
    const values = Array.from({ length: 2_000 }, () => randomUint32());
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(0xffff_ffff);
    }
    // 2,000 draws from 2^32 values: a repeat has a chance of about 1 in 2,000.
    expect(new Set(values).size).toBeGreaterThanOrEqual(1_999);
  });
});
