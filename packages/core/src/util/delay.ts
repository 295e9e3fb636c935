import { AbortedError } from '../errors/errors.ts';

/** Options of {@link delay}. */
export interface DelayOptions {
  /** Ends the wait early: the promise rejects with an `AbortedError`. */
  signal?: AbortSignal | undefined;
}

/**
 * Waits `ms` milliseconds; rejects with an {@link AbortedError} as soon as the signal fires (or at
 * once if it already has). Used for back-offs everywhere in imbridge.
 *
 * @example
 * ```ts
 * await delay(500, { signal });
 * ```
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const signal = options.signal;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError({ message: 'Wait aborted', cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortedError({ message: 'Wait aborted', cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
