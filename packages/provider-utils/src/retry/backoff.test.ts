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

  it('takes a deadline (maxElapsedMs) from the option or the defaults, and none when neither has one', () => {
    expect(resolveRetryOptions({ maxElapsedMs: 30_000 }, DEFAULTS, OWNER)).toEqual({
      ...DEFAULTS,
      maxElapsedMs: 30_000,
    });
    const withDeadline = { ...DEFAULTS, maxElapsedMs: 10_000 };
    expect(resolveRetryOptions({ maxRetries: 9 }, withDeadline, OWNER)).toEqual({
      ...withDeadline,
      maxRetries: 9,
    });
    expect('maxElapsedMs' in resolveRetryOptions({ maxRetries: 9 }, DEFAULTS, OWNER)).toBe(false);
  });

  it.each([
    ['maxElapsedMs', -1, '-1'],
    ['maxElapsedMs', 2.5, '2.5'],
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

  it('shortens a back-off that would end past the deadline to end at it, and refuses once it has passed', () => {
    const deadline: ResolvedRetryOptions = {
      maxRetries: 20,
      initialDelayMs: 500,
      maxDelayMs: 4_000,
      maxElapsedMs: 30_000,
    };
    fixRandom(0.5);
    expect(backoffDelayMs(3, deadline, undefined, 10_000)).toBe(4_000);
    expect(backoffDelayMs(3, deadline, undefined, 29_000)).toBe(1_000);
    expect(backoffDelayMs(3, deadline, undefined, 30_000)).toBeUndefined();
    expect(backoffDelayMs(3, deadline, undefined, 45_000)).toBeUndefined();
    // Without the time elapsed (or without a deadline) nothing changes.
    expect(backoffDelayMs(3, deadline)).toBe(4_000);
    expect(backoffDelayMs(3, { ...deadline, maxElapsedMs: undefined }, undefined, 45_000)).toBe(
      4_000,
    );
  });

  it('does not wait out a Retry-After that ends past the deadline (the vendor asked for it)', () => {
    const deadline: ResolvedRetryOptions = {
      maxRetries: 20,
      initialDelayMs: 500,
      maxDelayMs: 4_000,
      maxElapsedMs: 30_000,
    };
    expect(backoffDelayMs(0, deadline, 2_000, 27_000)).toBe(2_000);
    expect(backoffDelayMs(0, deadline, 2_000, 28_500)).toBeUndefined();
  });

  it('property: under a deadline, no schedule of back-offs ends past it', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxRetries: fc.integer({ min: 0, max: 40 }),
          initialDelayMs: fc.integer({ min: 0, max: 5_000 }),
          maxDelayMs: fc.integer({ min: 0, max: 60_000 }),
          maxElapsedMs: fc.integer({ min: 0, max: 60_000 }),
        }),
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 40, maxLength: 40 }),
        (retry, attemptDurationsMs) => {
          let elapsedMs = attemptDurationsMs[0] ?? 0;
          for (let index = 0; index < retry.maxRetries; index += 1) {
            const delayMs = backoffDelayMs(index, retry, undefined, elapsedMs);
            if (delayMs === undefined) break;
            elapsedMs += delayMs;
            expect(elapsedMs).toBeLessThanOrEqual(retry.maxElapsedMs);
            elapsedMs += attemptDurationsMs[index + 1] ?? 0;
          }
        },
      ),
      { numRuns: 500 },
    );
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

  it('never exceeds the deadline', () => {
    const retry = { maxRetries: 20, initialDelayMs: 500, maxDelayMs: 4_000 };
    // 600 + 1 200 + 2 400 + 17 × 4 000
    expect(maxTotalBackoffMs(retry)).toBe(72_200);
    expect(maxTotalBackoffMs({ ...retry, maxElapsedMs: 30_000 })).toBe(30_000);
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
