import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  backoffDelayMs,
  maxTotalBackoffMs,
  NO_RETRIES,
  type ResolvedRetryOptions,
  resolveRetryOptions,
} from './backoff.ts';

const DEFAULTS: ResolvedRetryOptions = { maxRetries: 2, initialDelayMs: 500, maxDelayMs: 8_000 };
const OWNER = 'createTestClient';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Fixes `Math.random()` to one value (0 is the lowest jitter, just under 1 the highest). */
function fixRandom(value: number): void {
  vi.spyOn(Math, 'random').mockReturnValue(value);
}

describe('resolveRetryOptions', () => {
  it('returns the defaults for undefined and NO_RETRIES for false', () => {
    expect(resolveRetryOptions(undefined, DEFAULTS, OWNER)).toEqual(DEFAULTS);
    expect(resolveRetryOptions(false, DEFAULTS, OWNER)).toBe(NO_RETRIES);
    expect(NO_RETRIES).toEqual({ maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 });
  });

  it('fills the fields left out from the defaults and keeps the ones given (0 included)', () => {
    expect(resolveRetryOptions({ maxRetries: 5 }, DEFAULTS, OWNER)).toEqual({
      maxRetries: 5,
      initialDelayMs: 500,
      maxDelayMs: 8_000,
    });
    expect(
      resolveRetryOptions(
        { maxRetries: 0, initialDelayMs: 0, maxDelayMs: undefined },
        DEFAULTS,
        OWNER,
      ),
    ).toEqual({ maxRetries: 0, initialDelayMs: 0, maxDelayMs: 8_000 });
    expect(resolveRetryOptions({}, DEFAULTS, OWNER)).toEqual(DEFAULTS);
  });

  it.each([
    ['maxRetries', -1, '-1'],
    ['maxRetries', 1.5, '1.5'],
    ['initialDelayMs', Number.NaN, 'NaN'],
    ['maxDelayMs', Number.POSITIVE_INFINITY, 'Infinity'],
    ['maxDelayMs', '100', '"100"'],
  ] as const)(
    'rejects retry.%s = %s with a ValidationError naming the owner and the field',
    (name, value, received) => {
      let error: unknown;
      try {
        resolveRetryOptions({ [name]: value as number }, DEFAULTS, OWNER);
      } catch (caught) {
        error = caught;
      }
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        `createTestClient: retry.${name} must be an integer ≥ 0, received ${received}`,
      );
      expect((error as ValidationError).issues).toEqual([
        { path: ['retry', name], message: 'must be an integer ≥ 0' },
      ]);
    },
  );
});

describe('backoffDelayMs', () => {
  const retry: ResolvedRetryOptions = { maxRetries: 10, initialDelayMs: 100, maxDelayMs: 100_000 };

  it('doubles per retry from initialDelayMs (jitter at its midpoint)', () => {
    fixRandom(0.5);
    expect([0, 1, 2, 3, 4].map((index) => backoffDelayMs(index, retry))).toEqual([
      100, 200, 400, 800, 1_600,
    ]);
  });

  it('jitters by ±20 %: 0.8× at the lowest random value, just under 1.2× at the highest', () => {
    fixRandom(0);
    expect(backoffDelayMs(2, retry)).toBe(320);
    fixRandom(0.999_999);
    expect(backoffDelayMs(2, retry)).toBe(480);
  });

  it('keeps many random samples within ±20 % of the doubled delay, and spreads them', () => {
    for (const index of [0, 1, 2, 3]) {
      const base = 100 * 2 ** index;
      const samples = Array.from({ length: 2_000 }, () => backoffDelayMs(index, retry) ?? -1);
      expect(Math.min(...samples)).toBeGreaterThanOrEqual(Math.round(base * 0.8));
      expect(Math.max(...samples)).toBeLessThanOrEqual(Math.round(base * 1.2));
      // Jitter actually happens: both sides of the base are reached.
      expect(Math.min(...samples)).toBeLessThan(base * 0.9);
      expect(Math.max(...samples)).toBeGreaterThan(base * 1.1);
      expect(samples.every(Number.isInteger)).toBe(true);
    }
  });

  it('caps the delay at maxDelayMs, jitter included', () => {
    const capped: ResolvedRetryOptions = { maxRetries: 20, initialDelayMs: 100, maxDelayMs: 1_000 };
    fixRandom(0.999_999);
    expect(backoffDelayMs(3, capped)).toBe(960);
    expect(backoffDelayMs(4, capped)).toBe(1_000);
    expect(backoffDelayMs(19, capped)).toBe(1_000);
    fixRandom(0);
    expect(backoffDelayMs(4, capped)).toBe(1_000);
  });

  it('waits what Retry-After asked for, without jitter, up to maxDelayMs inclusive', () => {
    const capped: ResolvedRetryOptions = { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 5_000 };
    fixRandom(0);
    expect(backoffDelayMs(0, capped, 3_000)).toBe(3_000);
    expect(backoffDelayMs(2, capped, 1)).toBe(1);
    expect(backoffDelayMs(0, capped, 5_000)).toBe(5_000);
  });

  it('refuses to retry (undefined) when Retry-After asks for longer than maxDelayMs', () => {
    const capped: ResolvedRetryOptions = { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 5_000 };
    expect(backoffDelayMs(0, capped, 5_001)).toBeUndefined();
    expect(backoffDelayMs(0, capped, 30_000)).toBeUndefined();
    expect(backoffDelayMs(0, NO_RETRIES, 1)).toBeUndefined();
  });

  it('falls back to the computed back-off for a Retry-After of 0 (or below)', () => {
    fixRandom(0.5);
    expect(backoffDelayMs(1, retry, 0)).toBe(200);
    expect(backoffDelayMs(1, retry, -5)).toBe(200);
  });
});

describe('maxTotalBackoffMs', () => {
  it('sums the un-jittered delays × 1.2: 3.6 s for 2 retries from 1 s', () => {
    expect(maxTotalBackoffMs({ maxRetries: 2, initialDelayMs: 1_000, maxDelayMs: 60_000 })).toBe(
      3_600,
    );
    expect(maxTotalBackoffMs({ maxRetries: 3, initialDelayMs: 200, maxDelayMs: 60_000 })).toBe(
      1_680,
    );
  });

  it('caps each delay at maxDelayMs', () => {
    // 1 200 + min(2 000, 2 400) + min(2 000, 4 800)
    expect(maxTotalBackoffMs({ maxRetries: 3, initialDelayMs: 1_000, maxDelayMs: 2_000 })).toBe(
      5_200,
    );
  });

  it('is 0 without retries', () => {
    expect(maxTotalBackoffMs(NO_RETRIES)).toBe(0);
    expect(maxTotalBackoffMs({ ...DEFAULTS, maxRetries: 0 })).toBe(0);
  });

  it('property: no jittered schedule waits longer in total than maxTotalBackoffMs', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxRetries: fc.integer({ min: 0, max: 8 }),
          initialDelayMs: fc.integer({ min: 0, max: 5_000 }),
          maxDelayMs: fc.integer({ min: 0, max: 60_000 }),
        }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, random) => {
          fixRandom(random);
          let total = 0;
          for (let index = 0; index < retry.maxRetries; index += 1) {
            total += backoffDelayMs(index, retry) ?? 0;
          }
          expect(total).toBeLessThanOrEqual(maxTotalBackoffMs(retry));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('bounds the highest jitter with a small first delay too (rounding per delay)', () => {
    // 4.8 + 9.6 = 14.4 → 14, while the delays themselves round to 5 + 10 = 15.
    const retry: ResolvedRetryOptions = { maxRetries: 2, initialDelayMs: 4, maxDelayMs: 1_000 };
    fixRandom(0.999_999);
    const total = (backoffDelayMs(0, retry) ?? 0) + (backoffDelayMs(1, retry) ?? 0);
    expect(total).toBe(15);
    expect(total).toBeLessThanOrEqual(maxTotalBackoffMs(retry));
  });
});
