import {
  AbortedError,
  delay,
  isAbortError,
  isRetryableError,
  type ModelEvent,
} from '@imbridge/core';
import { backoffDelayMs, type ResolvedRetryOptions } from '@imbridge/provider-utils';

/**
 * What an attempt yields: single events, or batches of them (one batch per network read, which
 * saves an `await` per event on the hot path). Batches are flattened for the consumer.
 */
export type AttemptOutput = ModelEvent | readonly ModelEvent[];

/** Options of {@link withRetriesBeforeFirstToken}. */
export interface RetryLoopOptions {
  /** The model's retries (checked, with defaults). */
  retry: ResolvedRetryOptions;
  /** The caller's signal: ends the loop, also during a back-off. */
  signal: AbortSignal | undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

function abortedError(signal: AbortSignal | undefined): AbortedError {
  return new AbortedError({ message: 'Model call aborted', cause: signal?.reason });
}

/**
 * The one retry loop of a model call. Runs `attempt` and yields its events. A failure (thrown,
 * or an `error` event) that happens before the first content event is retried when `retryable`,
 * at most `retry.maxRetries` times, after `backoffDelayMs` (exponential with jitter, or the
 * server's `retryAfterMs`; a server asking for more than `maxDelayMs` is not retried). After the
 * first content event, failures are reported as an `error` event and never retried (the text
 * already reached the consumer). Aborts end the iteration with an `AbortedError`, also before
 * the first attempt, during a back-off and between the events of one batch.
 */
export async function* withRetriesBeforeFirstToken(
  attempt: (attemptIndex: number) => AsyncIterable<AttemptOutput>,
  options: RetryLoopOptions,
): AsyncGenerator<ModelEvent> {
  const { retry, signal } = options;
  const startedAtMs = Date.now();
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    if (signal?.aborted) throw abortedError(signal);
    let produced = false;
    let failure: unknown;
    let aborted = false;
    try {
      outer: for await (const output of attempt(attemptIndex)) {
        if (aborted) break;
        if (!Array.isArray(output)) {
          const event = output as ModelEvent;
          if (event.type === 'error') {
            failure = event.error;
            break;
          }
          if (event.type !== 'finish') produced = true;
          yield event;
          continue;
        }
        const batch = output as readonly ModelEvent[];
        for (let index = 0; index < batch.length; index += 1) {
          const event = batch[index] as ModelEvent;
          if (event.type === 'error') {
            failure = event.error;
            break outer;
          }
          if (event.type !== 'finish') produced = true;
          // The signal fired while the consumer handled the previous event: drop the rest and
          // resume the attempt, which then throws its own AbortedError.
          if (index > 0 && signal?.aborted) {
            aborted = true;
            continue outer;
          }
          yield event;
        }
      }
    } catch (error) {
      failure = error;
    }
    if (failure === undefined && !aborted) return;
    if (aborted || isAbortError(failure) || signal?.aborted) {
      throw isAbortError(failure) ? failure : abortedError(signal);
    }
    const delayMs =
      produced || attemptIndex >= retry.maxRetries || !isRetryableError(failure)
        ? undefined
        : backoffDelayMs(attemptIndex, retry, retryAfterOf(failure), Date.now() - startedAtMs);
    if (delayMs === undefined) {
      yield { type: 'error', error: failure };
      return;
    }
    await delay(delayMs, { signal });
  }
}
