import { checkInteger } from '@imbridge/core';

/**
 * Retries of transient failures (network, timeouts, 5xx, rate limits, retryable vendor codes).
 * The same names in every imbridge client and model; `maxElapsedMs` adds a deadline.
 *
 * @example
 * ```ts
 * // At most 3 requests, 200 ms then 400 ms apart (±20 %).
 * const retry: RetryOptions = { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 5_000 };
 * // Retried for as long as 30 s allow (500 ms doubling to 4 s), at most 20 times.
 * const finalRetry: RetryOptions = {
 *   maxRetries: 20,
 *   initialDelayMs: 500,
 *   maxDelayMs: 4_000,
 *   maxElapsedMs: 30_000,
 * };
 * ```
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
  /**
   * Deadline of the whole call, in milliseconds from its start: retries go on while time
   * remains (and `maxRetries` allows), and none starts after it. A back-off that would end past
   * the deadline is shortened to end at it, so the last retry is made at the deadline; a
   * `Retry-After` that ends past it is not waited (the error, with `retryAfterMs`, goes to the
   * caller at once). The last attempt may run up to its own `timeoutMs` past the deadline.
   * Honoured by `createVendorHttp` and by callers of {@link backoffDelayMs} that pass the time
   * elapsed. @default undefined (no deadline: only `maxRetries` bounds the retries)
   */
  maxElapsedMs?: number | undefined;
}

/** {@link RetryOptions} with every field set (`maxElapsedMs` stays optional: no deadline). */
export interface ResolvedRetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First back-off, in milliseconds. */
  initialDelayMs: number;
  /** Longest back-off, in milliseconds. */
  maxDelayMs: number;
  /** Deadline of the whole call from its start, in milliseconds; `undefined` for none. */
  maxElapsedMs?: number | undefined;
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
  const resolved: ResolvedRetryOptions = {
    maxRetries: field(option.maxRetries, 'maxRetries', defaults.maxRetries),
    initialDelayMs: field(option.initialDelayMs, 'initialDelayMs', defaults.initialDelayMs),
    maxDelayMs: field(option.maxDelayMs, 'maxDelayMs', defaults.maxDelayMs),
  };
  const maxElapsedMs =
    option.maxElapsedMs === undefined
      ? defaults.maxElapsedMs
      : field(option.maxElapsedMs, 'maxElapsedMs', 0);
  if (maxElapsedMs !== undefined) resolved.maxElapsedMs = maxElapsedMs;
  return resolved;
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry): `initialDelayMs × 2^index`
 * with ±20 % jitter, capped at `maxDelayMs`; or the vendor's `retryAfterMs` when it gave one.
 * Under a deadline (`maxElapsedMs`, with `elapsedMs` the time the call has taken so far) a
 * back-off that would end past the deadline is shortened to end at it.
 * Returns `undefined` when there must be no retry: the vendor asked for longer than
 * `maxDelayMs`, or for a wait that ends past the deadline, or the deadline has passed.
 *
 * @example
 * ```ts
 * backoffDelayMs(0, { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 5_000 }); // 160 to 240
 * const final = { maxRetries: 20, initialDelayMs: 500, maxDelayMs: 4_000, maxElapsedMs: 30_000 };
 * backoffDelayMs(3, final, undefined, 10_000); // 4000
 * backoffDelayMs(3, final, undefined, 29_000); // 1000: the last retry is made at the deadline
 * backoffDelayMs(3, final, undefined, 30_000); // undefined: no retry after the deadline
 * ```
 */
export function backoffDelayMs(
  retryIndex: number,
  retry: ResolvedRetryOptions,
  retryAfterMs?: number,
  elapsedMs?: number,
): number | undefined {
  const remainingMs =
    retry.maxElapsedMs === undefined || elapsedMs === undefined
      ? Number.POSITIVE_INFINITY
      : retry.maxElapsedMs - elapsedMs;
  if (remainingMs <= 0) return undefined;
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    return retryAfterMs <= retry.maxDelayMs && retryAfterMs <= remainingMs
      ? retryAfterMs
      : undefined;
  }
  const base = retry.initialDelayMs * 2 ** retryIndex;
  const delayMs = Math.min(retry.maxDelayMs, Math.round(base * (0.8 + Math.random() * 0.4)));
  return Math.min(delayMs, remainingMs);
}

/**
 * The longest a caller waits in back-offs before the last attempt fails: the sum of the
 * un-jittered delays × 1.2, and never more than the deadline (`maxElapsedMs`). With
 * `maxRetries: 2, initialDelayMs: 1000` that is 3.6 s (plus the attempts themselves).
 * Documented bounds derive from it.
 */
export function maxTotalBackoffMs(retry: ResolvedRetryOptions): number {
  let total = 0;
  for (let index = 0; index < retry.maxRetries; index += 1) {
    total += Math.min(retry.maxDelayMs, Math.round(retry.initialDelayMs * 2 ** index * 1.2));
  }
  return retry.maxElapsedMs === undefined ? total : Math.min(total, retry.maxElapsedMs);
}
