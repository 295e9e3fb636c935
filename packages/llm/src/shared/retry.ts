import {
  AbortedError,
  delay,
  isAbortError,
  isRetryableError,
  type ModelEvent,
} from '@imbridge/core';
import type { ModelRetryOptions } from './http.ts';

/** The back-off before retry number `attempt` (0-based), honouring a server's `retryAfterMs`. */
export function retryDelayMs(attempt: number, error: unknown, options: ModelRetryOptions): number {
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const retryAfter = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (typeof retryAfter === 'number' && retryAfter >= 0) return Math.min(retryAfter, maxDelayMs);
  const base = (options.initialDelayMs ?? 1000) * 2 ** attempt;
  return Math.min(maxDelayMs, Math.round(base * (0.8 + Math.random() * 0.4)));
}

/**
 * What an attempt yields: single events, or batches of them (one batch per network read, which
 * saves an `await` per event on the hot path). Batches are flattened for the consumer.
 */
export type AttemptOutput = ModelEvent | readonly ModelEvent[];

/**
 * Runs `attempt` and yields its events. A failure (thrown, or an `error` event) that happens
 * before the first content event is retried when `retryable`, with exponential back-off and
 * jitter honouring `retryAfterMs`; after the first content event, failures are reported as an
 * `error` event and never retried (the text already reached the consumer). Aborts end the
 * iteration with an `AbortedError`, also between the events of one batch.
 */
export async function* withRetriesBeforeFirstToken(
  attempt: (attemptIndex: number) => AsyncIterable<AttemptOutput>,
  options: { retry: ModelRetryOptions | false | undefined; signal: AbortSignal | undefined },
): AsyncGenerator<ModelEvent> {
  const retry = options.retry === false ? { maxRetries: 0 } : (options.retry ?? {});
  const maxRetries = retry.maxRetries ?? 2;
  const signal = options.signal;
  for (let attemptIndex = 0; ; attemptIndex += 1) {
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
          // resume the attempt, which then throws its own AbortedError (as it did per event).
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
      throw isAbortError(failure)
        ? failure
        : new AbortedError({ message: 'Model call aborted', cause: signal?.reason });
    }
    if (produced || attemptIndex >= maxRetries || !isRetryableError(failure)) {
      yield { type: 'error', error: failure };
      return;
    }
    await delay(retryDelayMs(attemptIndex, failure, retry), { signal });
  }
}
