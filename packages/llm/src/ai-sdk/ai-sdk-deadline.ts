/**
 * Waiting on an AI SDK model with imbridge's limits: the caller's signal and a timeout bound
 * every wait, so a model that ignores its `abortSignal` (or a stream that never ends) cannot hold
 * a reply open.
 */
import { AbortedError, APICallError, type TimeoutPhase } from '@imbridge/core';

/** What bounds one wait. */
export interface DeadlineOptions {
  /** The caller's signal: rejects with an `AbortedError` once it fires. */
  signal: AbortSignal | undefined;
  /** Longest wait, in milliseconds. */
  timeoutMs: number;
  /** Which limit `timeoutMs` is (for the error). */
  phase: TimeoutPhase;
  /** Reported as the error's `provider`. */
  provider: string;
}

/** The `AbortedError` of a cancelled call. */
export function abortedError(provider: string, signal: AbortSignal | undefined): AbortedError {
  return new AbortedError({ message: `${provider} call aborted`, cause: signal?.reason });
}

function timeoutError(options: DeadlineOptions): APICallError {
  const what =
    options.phase === 'request'
      ? 'did not start streaming'
      : options.phase === 'first-token'
        ? 'sent nothing'
        : 'went silent';
  return new APICallError({
    message: `${options.provider} ${what} for ${options.timeoutMs} ms`,
    provider: options.provider,
    kind: 'timeout',
    timeoutMs: options.timeoutMs,
    timeoutPhase: options.phase,
  });
}

/**
 * Resolves as `promise` does, unless the signal fires first (an `AbortedError`) or `timeoutMs`
 * passes (an `APICallError` of kind `timeout` with the given phase). The losing promise's
 * rejection is swallowed, never unhandled.
 */
export function withDeadline<T>(promise: PromiseLike<T>, options: DeadlineOptions): Promise<T> {
  const { signal } = options;
  const settled = Promise.resolve(promise);
  settled.catch(() => undefined);
  if (signal?.aborted) return Promise.reject(abortedError(options.provider, signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(options.provider, signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      reject(timeoutError(options));
    }, options.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    settled.then(
      (value) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
