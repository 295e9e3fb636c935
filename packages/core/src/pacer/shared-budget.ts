import { AbortedError } from '../errors/errors.ts';
import type { RateLimitOptions, StateAdapter } from '../spec/state-adapter.ts';
import { delay } from '../util/delay.ts';

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
export class SharedRateBudget {
  private readonly options: SharedRateBudgetOptions;
  /** Per kind, the tail of this instance's line of calls waiting for a shared token. */
  private readonly lines: Record<ReplyCallKind, Promise<void> | undefined> = {
    open: undefined,
    update: undefined,
  };

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
    if (this.lines[kind] !== undefined) return MAX_WAIT_MS;
    return this.ask(kind);
  }

  /**
   * Waits until a token is taken, for a call that must be made (the opening call, the final
   * one). The calls of one instance wait in line, so only the first of them asks the store at a
   * time (a thousand waiting replies do not poll Redis a thousand times over). Rejects with an
   * `AbortedError` when `signal` fires.
   */
  take(kind: ReplyCallKind, signal?: AbortSignal | undefined): Promise<void> {
    const previous = this.lines[kind];
    const mine = (previous === undefined ? Promise.resolve() : inLine(previous, signal)).then(() =>
      this.waitForToken(kind, signal),
    );
    const tail = mine.catch(() => undefined);
    this.lines[kind] = tail;
    void tail.then(() => {
      if (this.lines[kind] === tail) this.lines[kind] = undefined;
    });
    return mine;
  }

  private async waitForToken(kind: ReplyCallKind, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      if (signal?.aborted) await delay(0, { signal });
      const waitMs = await this.ask(kind);
      if (waitMs === 0) return;
      await delay(Math.min(waitMs, MAX_WAIT_MS), { signal });
    }
  }

  private async ask(kind: ReplyCallKind): Promise<number> {
    try {
      const result = await this.options.state.consumeRateLimit(
        this.options.keys[kind],
        this.options.limits[kind],
      );
      return result.allowed ? 0 : Math.max(1, Math.ceil(result.retryAfterMs));
    } catch (error) {
      this.options.onError(error);
      return 0;
    }
  }
}

/** Waits for the caller ahead in line; an abort leaves the line at once. */
function inLine(ahead: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return ahead;
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      reject(
        new AbortedError({ message: 'Wait for a shared rate token aborted', cause: signal.reason }),
      );
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    void ahead.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
