import { AbortedError } from '../errors/errors.ts';
import type { RateLimitOptions, StateAdapter } from '../spec/state-adapter.ts';

/** Which of an adapter's reply budgets a call spends (decision 0014). */
export type ReplyCallKind = 'open' | 'update';

/** Options of {@link SharedRateBudget}. */
export interface SharedRateBudgetOptions {
  /** The shared store whose `consumeRateLimit` keeps the buckets. */
  state: StateAdapter;
  /** The state key of each bucket (the same for every instance of the app). */
  keys: Readonly<Record<ReplyCallKind, string>>;
  /** The rate and burst of each bucket: the adapter's limits. */
  limits: Readonly<Record<ReplyCallKind, RateLimitOptions>>;
  /**
   * Called when the store fails. The call then goes ahead on the process's own bucket alone (it
   * still paces this instance), so a store outage never stops replies.
   */
  onError: (error: unknown) => void;
}

/** Longest single wait between two tries of a call that must be made, in milliseconds. */
const MAX_WAIT_MS = 1_000;

/**
 * An adapter's reply budget shared by every instance of the app, kept in the state store
 * (`StateAdapter.consumeRateLimit`, e.g. a Redis script): N instances together make at most the
 * adapter's `callsPerSecond` reply calls, where each instance's own {@link TokenBucket} alone would
 * allow N times that. The runtime uses it on top of the per-process buckets whenever the state is
 * not the in-process `memoryState()`: the local bucket orders this instance's calls (finals
 * first), the shared one bounds the sum.
 */
interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class SharedRateBudget {
  private readonly options: SharedRateBudgetOptions;
  /** Per kind, this instance's calls waiting for a shared token, oldest first. */
  private readonly queues: Record<ReplyCallKind, Waiter[]> = { open: [], update: [] };
  /** Per kind, whether a loop is asking the store for the queue. */
  private readonly pumping: Record<ReplyCallKind, boolean> = { open: false, update: false };

  constructor(options: SharedRateBudgetOptions) {
    this.options = options;
  }

  /**
   * One try for a call that may be skipped (an intermediate update): 0 when a token was taken,
   * else the milliseconds until one is due. It does not jump the line: while calls of this kind
   * wait here, it is skipped without asking the store. A store failure counts as taken (see
   * `onError`).
   */
  async tryTake(kind: ReplyCallKind): Promise<number> {
    if (this.pumping[kind] || this.queues[kind].length > 0) return MAX_WAIT_MS;
    return this.ask(kind, 1);
  }

  /**
   * Waits until a token is taken, for a call that must be made (the opening call, the final
   * one). The calls of one instance wait in one line per kind, and one loop asks the store for
   * all of them: for as many tokens as are waiting (up to the bucket's burst) in one call, so a
   * thousand waiting replies neither poll Redis a thousand times over nor wait one round trip
   * each. Rejects with an `AbortedError` when `signal` fires.
   */
  take(kind: ReplyCallKind, signal?: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortedWait(signal));
        return;
      }
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const queue = this.queues[kind];
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          reject(abortedWait(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queues[kind].push(waiter);
      void this.pump(kind);
    });
  }

  /** Asks the store for the waiting calls of one kind until none is left. */
  private async pump(kind: ReplyCallKind): Promise<void> {
    if (this.pumping[kind]) return;
    this.pumping[kind] = true;
    const queue = this.queues[kind];
    try {
      while (queue.length > 0) {
        const wanted = Math.max(
          1,
          Math.min(queue.length, Math.floor(this.options.limits[kind].burst)),
        );
        const waitMs = await this.ask(kind, wanted);
        if (waitMs === 0) {
          for (const waiter of queue.splice(0, wanted)) release(waiter);
        } else {
          await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, MAX_WAIT_MS)));
        }
      }
    } finally {
      this.pumping[kind] = false;
    }
  }

  private async ask(kind: ReplyCallKind, cost: number): Promise<number> {
    try {
      const result = await this.options.state.consumeRateLimit(this.options.keys[kind], {
        ...this.options.limits[kind],
        cost,
      });
      return result.allowed ? 0 : Math.max(1, Math.ceil(result.retryAfterMs));
    } catch (error) {
      this.options.onError(error);
      return 0;
    }
  }
}

function release(waiter: Waiter): void {
  if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  waiter.resolve();
}

function abortedWait(signal: AbortSignal): AbortedError {
  return new AbortedError({
    message: 'Wait for a shared rate token aborted',
    cause: signal.reason,
  });
}
