import { checkInteger } from '@imbridge/core';

/**
 * Retries of transient failures (network, timeouts, 5xx, rate limits, retryable vendor codes).
 * The same three names in every imbridge client and model.
 */
export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries?: number | undefined;
  /** First back-off, doubled per retry with ±20 % jitter, in milliseconds. */
  initialDelayMs?: number | undefined;
  /**
   * Longest back-off, in milliseconds. A vendor that asks for a longer wait (`Retry-After`) is
   * not retried: its error, with `retryAfterMs`, goes to the caller at once.
   */
  maxDelayMs?: number | undefined;
}

/** {@link RetryOptions} with every field set. */
export interface ResolvedRetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First back-off, in milliseconds. */
  initialDelayMs: number;
  /** Longest back-off, in milliseconds. */
  maxDelayMs: number;
}

/** No retries: what `retry: false` resolves to. */
export const NO_RETRIES: ResolvedRetryOptions = { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 };

/**
 * Checks a `retry` option and fills in the vendor's defaults; `false` means no retries.
 *
 * @throws {ValidationError} naming the field when a value is not a non-negative integer.
 */
export function resolveRetryOptions(
  option: RetryOptions | false | undefined,
  defaults: ResolvedRetryOptions,
  owner: string,
): ResolvedRetryOptions {
  if (option === false) return NO_RETRIES;
  if (option === undefined) return defaults;
  const field = (value: number | undefined, name: keyof RetryOptions, fallback: number): number =>
    value === undefined
      ? fallback
      : checkInteger(value, { owner, name: `retry.${name}` }, { min: 0 });
  return {
    maxRetries: field(option.maxRetries, 'maxRetries', defaults.maxRetries),
    initialDelayMs: field(option.initialDelayMs, 'initialDelayMs', defaults.initialDelayMs),
    maxDelayMs: field(option.maxDelayMs, 'maxDelayMs', defaults.maxDelayMs),
  };
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry): `initialDelayMs × 2^index`
 * with ±20 % jitter, capped at `maxDelayMs`; or the vendor's `retryAfterMs` when it gave one.
 * Returns `undefined` when the vendor asked for longer than `maxDelayMs`: do not retry.
 */
export function backoffDelayMs(
  retryIndex: number,
  retry: ResolvedRetryOptions,
  retryAfterMs?: number,
): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    return retryAfterMs <= retry.maxDelayMs ? retryAfterMs : undefined;
  }
  const base = retry.initialDelayMs * 2 ** retryIndex;
  return Math.min(retry.maxDelayMs, Math.round(base * (0.8 + Math.random() * 0.4)));
}

/**
 * The longest a caller waits in back-offs before the last attempt fails: the sum of the
 * un-jittered delays × 1.2. With `maxRetries: 2, initialDelayMs: 1000` that is 3.6 s (plus the
 * attempts themselves). Documented bounds derive from it.
 */
export function maxTotalBackoffMs(retry: ResolvedRetryOptions): number {
  let total = 0;
  for (let index = 0; index < retry.maxRetries; index += 1) {
    total += Math.min(retry.maxDelayMs, Math.round(retry.initialDelayMs * 2 ** index * 1.2));
  }
  return total;
}
