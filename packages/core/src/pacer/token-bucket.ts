/** Options of {@link TokenBucket.take}. */
export interface TakeOptions {
  /**
   * Waits ahead of every ordinary caller (behind earlier urgent ones): for the calls a reply
   * cannot do without (a final update), so they are never starved by optional ones.
   */
  urgent?: boolean | undefined;
}

/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (largest burst). @default ratePerSecond */
  burst?: number | undefined;
}

interface Waiter {
  urgent: boolean;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * An in-process token bucket with a FIFO wait queue and a single timer, shared by every reply of
 * an adapter (Tencent counts 200 calls/s per app, not per chat).
 *
 * `take()` returns `undefined` when a token was free (no promise allocated on the hot path), or a
 * promise that resolves once the caller's token is available.
 */
export class TokenBucket {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket size. */
  readonly burst: number;
  private tokens: number;
  private updatedAtMs: number;
  private readonly waiters: Waiter[] = [];
  /** How many waiters at the front of `waiters` are urgent. */
  private urgentWaiting = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.ratePerSecond = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? options.ratePerSecond);
    this.tokens = this.burst;
    this.updatedAtMs = Date.now();
  }

  private refill(): void {
    const at = Date.now();
    const elapsedMs = at - this.updatedAtMs;
    if (elapsedMs > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
      this.updatedAtMs = at;
    }
  }

  /** Number of callers waiting for a token. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Takes one token: `undefined` if taken now, else a promise resolved when it is taken. */
  take(signal?: AbortSignal, options?: TakeOptions): Promise<void> | undefined {
    const urgent = options?.urgent === true;
    if (this.waiters.length === 0 || (urgent && this.urgentWaiting === 0)) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return undefined;
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { urgent, resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) {
            this.waiters.splice(index, 1);
            if (waiter.urgent) this.urgentWaiting -= 1;
          }
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (urgent) {
        // Ahead of every ordinary waiter, behind the urgent ones already waiting.
        this.waiters.splice(this.urgentWaiting, 0, waiter);
        this.urgentWaiting += 1;
      } else {
        this.waiters.push(waiter);
      }
      this.schedule();
    });
  }

  /**
   * Takes one token only if one is free now and nobody is waiting: `true` when taken. For calls
   * that may be skipped (an intermediate update): a skipped call spends nothing and holds no
   * place in the queue.
   */
  tryTake(): boolean {
    if (this.waiters.length > 0) return false;
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is free for a new caller (0 when one is free now). */
  waitMs(): number {
    this.refill();
    const missing = this.waiters.length + 1 - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.ratePerSecond);
  }

  /**
   * Returns a token taken but not spent (the call it was for was skipped), so a skipped update
   * costs nothing; it goes to the longest waiter first.
   */
  giveBack(): void {
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens + 1);
    if (this.waiters.length > 0) this.drain();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    this.refill();
    const missing = 1 - this.tokens;
    const delayMs = missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.ratePerSecond);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delayMs);
  }

  private drain(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.urgent) this.urgentWaiting -= 1;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }
}
